//! A minimal blocking HTTP/1.1 client over one keep-alive connection: just enough to time
//! requests without a client library's own overhead in the figures (Content-Length and chunked
//! bodies, no TLS, no redirects).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One persistent connection to `host:port`.
pub struct Connection {
    host: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

/// What came back.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Connection {
    pub fn open(addr: &str) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        // A request that hangs counts as an error after this, not as a stalled run.
        stream.set_read_timeout(Some(Duration::from_secs(15)))?;
        Ok(Connection {
            host: addr.to_owned(),
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    /// Sends one request and reads the whole answer.
    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Response> {
        // One buffer and one write per request: the clients share the cores with the server.
        let mut bytes = Vec::with_capacity(256 + body.len());
        write!(
            bytes,
            "{method} {target} HTTP/1.1\r\nHost: {}\r\n",
            self.host
        )?;
        for (name, value) in headers {
            write!(bytes, "{name}: {value}\r\n")?;
        }
        if !body.is_empty() || method == "POST" {
            write!(bytes, "Content-Length: {}\r\n", body.len())?;
        }
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(body);
        self.writer.write_all(&bytes)?;
        self.read_response()
    }

    fn read_response(&mut self) -> std::io::Result<Response> {
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("not an HTTP status line: {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if let Some((name, value)) = trimmed.split_once(':') {
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        let find = |name: &str| {
            headers
                .iter()
                .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let body = if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            self.read_chunked()?
        } else if let Some(length) = find("content-length") {
            let length: usize = length
                .parse()
                .map_err(|_| bad("bad Content-Length".into()))?;
            let mut body = vec![0; length];
            self.reader.read_exact(&mut body)?;
            body
        } else if status == 204 || status == 304 {
            Vec::new()
        } else {
            // Close-delimited: read to the end (the connection cannot be reused).
            let mut body = Vec::new();
            self.reader.read_to_end(&mut body)?;
            body
        };
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    fn read_chunked(&mut self) -> std::io::Result<Vec<u8>> {
        let mut body = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| bad(format!("bad chunk size {line:?}")))?;
            if size == 0 {
                // Trailers, then the blank line.
                loop {
                    line.clear();
                    self.reader.read_line(&mut line)?;
                    if line.trim().is_empty() {
                        return Ok(body);
                    }
                }
            }
            let start = body.len();
            body.resize(start + size, 0);
            self.reader.read_exact(&mut body[start..])?;
            line.clear();
            self.reader.read_line(&mut line)?;
        }
    }
}

fn bad(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}
