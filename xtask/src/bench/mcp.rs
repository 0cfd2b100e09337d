//! Bare MCP clients for timing: JSON-RPC over a child's stdio, and over Streamable HTTP with
//! the small client in [`super::http`]. Legacy handshake (`initialize`), which every server
//! under test speaks; the session id and protocol version are sent back when given.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use super::http::Connection;

pub const PROTOCOL: &str = "2025-06-18";

/// A server on stdio.
pub struct StdioSession {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl StdioSession {
    /// Starts `cmd` with piped stdio (stderr to `log`).
    pub fn spawn(cmd: &mut Command, log: &std::path::Path) -> Result<StdioSession, String> {
        let log = std::fs::File::create(log).map_err(|e| e.to_string())?;
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(StdioSession {
            child,
            stdin,
            stdout,
            next_id: 1,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `initialize` then `notifications/initialized`.
    pub fn initialize(&mut self) -> Result<Value, String> {
        let result = self.request("initialize", initialize_params())?;
        self.notify("notifications/initialized")?;
        Ok(result)
    }

    /// One request; returns its `result` (an `error` is an `Err`).
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.timed_request(method, params).map(|(value, _)| value)
    }

    /// Like [`StdioSession::request`], also returning when the answer's last byte arrived:
    /// parsing a multi-megabyte `tools/list` is the client's cost, not the server's.
    pub fn timed_request(
        &mut self,
        method: &str,
        params: Value,
    ) -> Result<(Value, std::time::Instant), String> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        let mut line = String::new();
        loop {
            line.clear();
            let n = self
                .stdout
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            let arrived = std::time::Instant::now();
            if n == 0 {
                return Err(format!("the server closed stdout while answering {method}"));
            }
            let Ok(value) = serde_json::from_str::<Value>(&line) else {
                return Err(format!(
                    "stdout carried a line that is not JSON-RPC: {line:?}"
                ));
            };
            if value.get("id") == Some(&json!(id)) {
                return take_result(value).map(|v| (v, arrived));
            }
            // A notification or a server-to-client request: not ours, keep reading.
        }
    }

    fn notify(&mut self, method: &str) -> Result<(), String> {
        self.send(&json!({"jsonrpc": "2.0", "method": method}))
    }

    /// Writes one message and its newline in a single `write`: `ChildStdin` is unbuffered, and
    /// `writeln!` of a `Value` would hand the server the line in dozens of pieces, each a
    /// wake-up that is the client's doing, not the server's.
    fn send(&mut self, message: &Value) -> Result<(), String> {
        let mut line = serde_json::to_vec(message).map_err(|e| e.to_string())?;
        line.push(b'\n');
        self.stdin.write_all(&line).map_err(|e| e.to_string())
    }
}

impl Drop for StdioSession {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Streamable HTTP session on one keep-alive connection.
pub struct HttpSession {
    connection: Connection,
    path: String,
    session_id: Option<String>,
    protocol: Option<String>,
    next_id: u64,
}

impl HttpSession {
    /// Connects to `addr` and runs the handshake against `path` (e.g. `/mcp`).
    pub fn connect(addr: &str, path: &str) -> Result<HttpSession, String> {
        let connection = Connection::open(addr).map_err(|e| format!("connect {addr}: {e}"))?;
        let mut session = HttpSession {
            connection,
            path: path.to_owned(),
            session_id: None,
            protocol: None,
            next_id: 1,
        };
        let init = session.request("initialize", initialize_params())?;
        session.protocol = init
            .get("protocolVersion")
            .and_then(Value::as_str)
            .map(str::to_owned);
        session.post(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)?;
        Ok(session)
    }

    /// A second connection in the same session (for servers that serve one session only).
    pub fn share(&self, addr: &str) -> Result<HttpSession, String> {
        Ok(HttpSession {
            connection: Connection::open(addr).map_err(|e| format!("connect {addr}: {e}"))?,
            path: self.path.clone(),
            session_id: self.session_id.clone(),
            protocol: self.protocol.clone(),
            next_id: 1_000_000,
        })
    }

    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let (content_type, body) = self.post(message.to_string().as_bytes())?;
        answer(method, id, &content_type, &body)
    }

    /// One `tools/call` as the throughput loop makes it, as cheaply as the client can: the
    /// clients share the cores with the server they measure, so every microsecond they spend
    /// is one the server does not get. `params` comes serialized; a JSON answer is read only
    /// as far as its `id`, `error` and `result.isError`. `Ok(true)` is a successful call.
    pub fn call_tool_ok(&mut self, params: &str) -> Result<bool, String> {
        let id = self.next_id;
        self.next_id += 1;
        let message =
            format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{params}}}"#);
        let (content_type, body) = self.post(message.as_bytes())?;
        if content_type.starts_with("text/event-stream") {
            let result = answer("tools/call", id, &content_type, &body)?;
            return Ok(result.get("isError") != Some(&Value::Bool(true)));
        }
        let verdict: Verdict = serde_json::from_slice(&body).map_err(|e| {
            format!(
                "tools/call answered what is not JSON-RPC ({e}): {}",
                truncate(&String::from_utf8_lossy(&body))
            )
        })?;
        if verdict.id != Some(id) {
            return Err(format!(
                "the answer to request {id} has id {:?}",
                verdict.id
            ));
        }
        Ok(verdict.error.is_none() && verdict.result.is_some_and(|r| !r.is_error))
    }
    /// POSTs one message; returns the content type and body of a 2xx answer.
    fn post(&mut self, body: &[u8]) -> Result<(String, Vec<u8>), String> {
        let mut headers = vec![
            ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
        ];
        let session = self.session_id.clone();
        let protocol = self.protocol.clone();
        if let Some(id) = &session {
            headers.push(("Mcp-Session-Id", id));
        }
        if let Some(version) = &protocol {
            headers.push(("MCP-Protocol-Version", version));
        }
        let response = self
            .connection
            .request("POST", &self.path, &headers, body)
            .map_err(|e| format!("POST {}: {e}", self.path))?;
        if !(200..300).contains(&response.status) {
            return Err(format!(
                "POST {} answered {}: {}",
                self.path,
                response.status,
                truncate(&String::from_utf8_lossy(&response.body))
            ));
        }
        if let Some(id) = response.header("mcp-session-id") {
            self.session_id = Some(id.to_owned());
        }
        let content_type = response.header("content-type").unwrap_or("").to_owned();
        Ok((content_type, response.body))
    }
}

/// The answer with id `id` in a JSON or event-stream body: its `result` (an `error` is an `Err`).
fn answer(method: &str, id: u64, content_type: &str, body: &[u8]) -> Result<Value, String> {
    let text = String::from_utf8_lossy(body);
    let candidates: Vec<Value> = if content_type.starts_with("text/event-stream") {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str(d.trim()).ok())
            .collect()
    } else {
        serde_json::from_str(&text).into_iter().collect()
    };
    match candidates
        .into_iter()
        .find(|v| v.get("id") == Some(&json!(id)))
    {
        Some(value) => take_result(value),
        None => Err(format!("no answer to {method} in: {}", truncate(&text))),
    }
}

/// What [`HttpSession::call_tool_ok`] reads of an answer; everything else is skipped unparsed.
#[derive(serde::Deserialize)]
struct Verdict {
    id: Option<u64>,
    result: Option<ResultVerdict>,
    error: Option<serde::de::IgnoredAny>,
}

#[derive(serde::Deserialize)]
struct ResultVerdict {
    #[serde(rename = "isError", default)]
    is_error: bool,
}

fn initialize_params() -> Value {
    json!({
        "protocolVersion": PROTOCOL,
        "capabilities": {},
        "clientInfo": {"name": "spec2mcp-bench", "version": "1"}
    })
}

fn take_result(mut value: Value) -> Result<Value, String> {
    if let Some(error) = value.get("error") {
        return Err(format!("JSON-RPC error: {error}"));
    }
    Ok(value
        .get_mut("result")
        .map(Value::take)
        .unwrap_or(Value::Null))
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

/// Resident memory of a process, from `/proc/<pid>/status` (KiB).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Waits until something accepts connections on `addr`.
pub fn wait_listening(addr: &str, limit: Duration) -> Result<(), String> {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if std::net::TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!("nothing listened on {addr} within {limit:?}"))
}
