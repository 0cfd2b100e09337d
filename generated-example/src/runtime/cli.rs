// Copied verbatim by spec2mcp 0.1.0 from its runtime templates. Do not edit.
//! The server's command line: configuration from flags and environment, logging to stderr, and
//! the two transports.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::ServiceExt;

use super::auth::Credentials;
use super::def::{ApiDef, ToolMode};
use super::executor::{Executor, SetupError, UpstreamConfig};
use super::options::{Mode, Options, OptionsError, Parsed, Transport};
use super::server::{CustomTool, McpServer};

/// Runs the server for `api` with the process's arguments and environment.
pub fn main(api: &'static ApiDef) -> ExitCode {
    main_with(api, Vec::new())
}

/// Like [`main`], serving hand-written tools beside the generated ones.
pub fn main_with(api: &'static ApiDef, custom: Vec<CustomTool>) -> ExitCode {
    let mut args = std::env::args_os();
    let program = args
        .next()
        .map(|arg| arg.to_string_lossy().into_owned())
        .unwrap_or_else(|| api.name.to_owned());
    let parsed = args
        .map(|arg| arg.into_string().map_err(OptionsError::not_unicode))
        .collect::<Result<Vec<String>, _>>()
        .and_then(super::options::parse);
    let options = match parsed {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            // Not `print!`: it panics when stdout is closed.
            let help = super::options::help(&program);
            return match std::io::Write::write_all(&mut std::io::stdout(), help.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            };
        }
        Err(err) => return usage_error(&program, &err),
    };
    // reqwest is built without a bundled TLS provider; install ring's once, before anything
    // (the OTLP exporter included) opens a connection.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let _telemetry = super::telemetry::init(api.name);
    // One stdio client is served best on one thread: a call then crosses no threads between
    // reading stdin, the upstream round trip and writing stdout. HTTP serves many clients at
    // once and gets a worker per core.
    let runtime = match options.transport {
        Transport::Stdio => tokio::runtime::Builder::new_current_thread(),
        Transport::Http => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_all()
    .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(error = %err, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(api, options, custom)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            ExitCode::FAILURE
        }
    }
}

/// Reports a bad command line the way command-line tools do: on stderr, exit status 2.
fn usage_error(program: &str, err: &OptionsError) -> ExitCode {
    eprintln!("error: {err}\n\nFor the options, run `{program} --help`.");
    ExitCode::from(2)
}

/// Errors that stop the server.
#[derive(Debug)]
pub enum RunError {
    /// No base URL from the flag, the environment or the spec.
    NoBaseUrl(String),
    /// A configuration value could not be used.
    Config(String),
    /// Building the HTTP client or the tool list failed.
    Setup(String),
    /// The transport failed.
    Io(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NoBaseUrl(var) => write!(
                f,
                "no upstream base URL: pass --base-url or set {var} (the spec has no `servers` entry)"
            ),
            RunError::Config(msg) | RunError::Setup(msg) | RunError::Io(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for RunError {}

/// Resolves configuration, then serves until the client goes away or the process is signalled.
pub async fn run(
    api: &'static ApiDef,
    options: Options,
    custom: Vec<CustomTool>,
) -> Result<(), RunError> {
    let base_var = format!("{}_BASE_URL", api.env_prefix);
    let base_url = options
        .base_url
        .clone()
        .or_else(|| std::env::var(&base_var).ok().filter(|v| !v.is_empty()))
        .or_else(|| api.default_base_url.map(str::to_owned))
        .ok_or_else(|| RunError::NoBaseUrl(base_var.clone()))?;
    let timeout_var = format!("{}_TIMEOUT", api.env_prefix);
    let timeout = match options.timeout {
        Some(secs) => secs,
        None => match std::env::var(&timeout_var) {
            Ok(text) => text.parse::<f64>().map_err(|_| {
                RunError::Config(format!("{timeout_var}={text:?} is not a number of seconds"))
            })?,
            Err(_) => 30.0,
        },
    };
    let timeout = Duration::try_from_secs_f64(timeout)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            RunError::Config(format!("timeout {timeout} s is not a positive duration"))
        })?;

    let credentials = Credentials::from_env(api.security_schemes);
    tracing::info!(
        server = api.name,
        operations = api.tools.len(),
        base_url = %base_url,
        credentials = ?credentials.configured(),
        "starting"
    );
    let config = UpstreamConfig {
        base_url,
        timeout,
        max_response_bytes: options.max_response_bytes,
        retries: options.retries,
        forward: options.forward_headers.clone(),
    };
    let executor = Executor::new(api, config, credentials)
        .map_err(|err: SetupError| RunError::Config(err.to_string()))?;
    let mode = match options.mode {
        Some(Mode::Operations) => ToolMode::Operations,
        Some(Mode::Dynamic) => ToolMode::Dynamic,
        None => api.mode,
    };
    let server =
        McpServer::new(executor, custom, mode).map_err(|err| RunError::Setup(err.to_string()))?;
    server.start_client();

    match options.transport {
        Transport::Stdio => serve_stdio(server).await,
        Transport::Http => serve_http(server, &options).await,
    }
}

/// Serves over stdin/stdout. When both are pipes (how MCP clients start a server), they are
/// driven by the I/O reactor instead of tokio's blocking pool, saving two thread hand-offs per
/// message; a terminal or file falls back to the blocking handles.
async fn serve_stdio(server: McpServer) -> Result<(), RunError> {
    let running = server
        .serve(rmcp::transport::io::stdio_pipes())
        .await
        .map_err(|err| RunError::Io(format!("MCP handshake over stdio failed: {err}")))?;
    running
        .waiting()
        .await
        .map_err(|err| RunError::Io(format!("stdio transport failed: {err}")))?;
    Ok(())
}

async fn serve_http(server: McpServer, options: &Options) -> Result<(), RunError> {
    use axum::serve::ListenerExt;

    let mut hosts = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    hosts.extend(options.allowed_hosts.iter().cloned());
    let mut origins = vec![
        "http://localhost:*".to_owned(),
        "http://127.0.0.1:*".to_owned(),
        "http://[::1]:*".to_owned(),
    ];
    origins.extend(options.allowed_origins.iter().cloned());
    let shutdown = tokio_util::sync::CancellationToken::new();
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_max_request_body_bytes(options.max_request_bytes)
        .with_cancellation_token(shutdown.clone());
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let max_body = options.max_request_bytes;
    let mcp = axum::Router::new()
        .fallback_service(service)
        .layer(axum::middleware::from_fn(move |request, next| {
            reject_malformed(request, next, max_body)
        }));
    let mcp = match &options.require_bearer_env {
        Some(var) => {
            let expected = std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    RunError::Config(format!(
                        "--require-bearer-env {var}: the variable is not set"
                    ))
                })?;
            let expected = Arc::new(format!("Bearer {expected}"));
            mcp.layer(axum::middleware::from_fn(
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    let expected = expected.clone();
                    async move {
                        let given = request
                            .headers()
                            .get(axum::http::header::AUTHORIZATION)
                            .map(|v| v.as_bytes())
                            .unwrap_or_default();
                        if constant_time_eq(given, expected.as_bytes()) {
                            next.run(request).await
                        } else {
                            unauthorized()
                        }
                    }
                },
            ))
        }
        None => mcp,
    };
    let router = axum::Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .nest("/mcp", mcp);
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|err| RunError::Io(format!("cannot listen on {}: {err}", options.listen)))?;
    let local = listener
        .local_addr()
        .map_err(|err| RunError::Io(format!("cannot read the listening address: {err}")))?;
    tracing::info!(address = %local, "serving Streamable HTTP at /mcp");
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            shutdown.cancel();
        })
        .await
        .map_err(|err| RunError::Io(format!("HTTP server failed: {err}")))
}

/// Compares without stopping at the first difference, so timing does not leak the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Answers a POST body that is not one JSON-RPC message with HTTP 400 and the JSON-RPC error
/// (-32700 parse error, -32600 invalid request) instead of the transport's 415, which would
/// wrongly blame the media type. Well-formed bodies pass on untouched.
async fn reject_malformed(
    request: axum::extract::Request,
    next: axum::middleware::Next,
    max_body: usize,
) -> axum::response::Response {
    if request.method() != axum::http::Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, max_body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return json_rpc_error(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                -32600,
                "request body too large",
            )
        }
    };
    if let Err((code, message)) = check_envelope(&bytes) {
        return json_rpc_error(axum::http::StatusCode::BAD_REQUEST, code, &message);
    }
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
}

/// The members of a JSON-RPC message this check reads; serde skips the others without building
/// them, so the message is not parsed into values twice (rmcp parses it after).
#[derive(serde::Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    jsonrpc: Option<std::borrow::Cow<'a, str>>,
}

/// `Ok` for one JSON-RPC 2.0 message; else the JSON-RPC error code and message to answer with.
fn check_envelope(bytes: &[u8]) -> Result<(), (i64, String)> {
    const NOT_ONE_MESSAGE: &str =
        "Invalid Request: the body must be one JSON-RPC 2.0 message (batches are not supported)";
    let starts_an_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if !starts_an_object {
        // Not an object: tell broken JSON from a well-formed non-message (rare, so a full parse).
        return match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Ok(_) => Err((-32600, NOT_ONE_MESSAGE.to_owned())),
            Err(err) => Err((-32700, format!("Parse error: {err}"))),
        };
    }
    match serde_json::from_slice::<Envelope<'_>>(bytes) {
        Ok(envelope) if envelope.jsonrpc.as_deref() == Some("2.0") => Ok(()),
        Ok(_) => Err((-32600, NOT_ONE_MESSAGE.to_owned())),
        Err(err) if err.is_data() => Err((-32600, NOT_ONE_MESSAGE.to_owned())),
        Err(err) => Err((-32700, format!("Parse error: {err}"))),
    }
}

fn json_rpc_error(
    status: axum::http::StatusCode,
    code: i64,
    message: &str,
) -> axum::response::Response {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
    let mut response = axum::response::Response::new(axum::body::Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

fn unauthorized() -> axum::response::Response {
    let mut response = axum::response::Response::new(axum::body::Body::from(
        "{\"error\":\"this MCP endpoint requires Authorization: Bearer <token>\"}",
    ));
    *response.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
    response.headers_mut().insert(
        axum::http::header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Bearer"),
    );
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &str) -> Option<i64> {
        check_envelope(body.as_bytes()).err().map(|(code, _)| code)
    }

    #[test]
    fn one_message_passes_and_anything_else_gets_its_json_rpc_code() {
        assert_eq!(
            code(r#" {"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":[1,{"b":null}]}}"#),
            None
        );
        assert_eq!(code(r#"{"jsonrpc":"2\u002e0","method":"x"}"#), None);
        assert_eq!(
            code(r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#),
            Some(-32600)
        );
        assert_eq!(code(r#"["2.0"]"#), Some(-32600));
        assert_eq!(code(r#""2.0""#), Some(-32600));
        assert_eq!(code(r#"{"jsonrpc":"1.0","id":1}"#), Some(-32600));
        assert_eq!(code(r#"{"jsonrpc":2,"id":1}"#), Some(-32600));
        assert_eq!(code(r#"{"id":1,"method":"ping"}"#), Some(-32600));
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":1"#), Some(-32700));
        assert_eq!(code("{bad"), Some(-32700));
        assert_eq!(code("[1,"), Some(-32700));
        assert_eq!(code(""), Some(-32700));
    }
}
