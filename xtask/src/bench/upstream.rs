//! The fast fixed-response upstream: an HTTP/1.1 server on loopback that answers every request
//! with the same JSON page of products, so what is timed is the MCP server, not the API.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A page shaped like the example app's `products_list` answer (it passes its output schema).
pub const BODY: &str = r#"{"count":2,"next":null,"previous":null,"results":[{"id":1,"name":"Rust in Action","slug":"rust-in-action","category":"books","description":"Systems programming.","price":"39.99","in_stock":true,"published":true,"tags":["rust","programming"],"created":"2026-01-01T00:00:00Z"},{"id":2,"name":"Watering Can","slug":"watering-can","category":"garden","description":"Five litres.","price":"12.50","in_stock":false,"published":true,"tags":["garden"],"created":"2026-01-02T00:00:00Z"}]}"#;

/// A running upstream; it lives until the process ends.
pub struct Upstream {
    pub base_url: String,
    pub addr: String,
    pub served: Arc<AtomicU64>,
}

pub fn start() -> std::io::Result<Upstream> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?.to_string();
    let served = Arc::new(AtomicU64::new(0));
    let counter = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counter = counter.clone();
            std::thread::spawn(move || serve(stream, &counter));
        }
    });
    Ok(Upstream {
        base_url: format!("http://{addr}"),
        addr,
        served,
    })
}

fn serve(stream: TcpStream, served: &AtomicU64) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let mut line = String::new();
    loop {
        let mut length = 0usize;
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        if length > 0 {
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
        }
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
        served.fetch_add(1, Ordering::Relaxed);
    }
}
