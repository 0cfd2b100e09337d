//! Serving over Streamable HTTP at `/mcp`: both protocol eras statelessly, Host and Origin
//! checks, a body size limit, malformed bodies answered with their JSON-RPC error, the optional
//! bearer demand, `TCP_NODELAY`, a single-threaded runtime per core, and a graceful shutdown
//! on SIGTERM.

use std::sync::Arc;

use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use subtle::ConstantTimeEq;

use crate::cli::RunError;
use crate::oauth::{Refusal, ResourceServer};
use crate::options::Options;
use crate::server::McpServer;

/// Serves `server` until SIGTERM or Ctrl-C; with `resource`, as an OAuth resource server.
pub async fn serve(
    server: McpServer,
    options: &Options,
    resource: Option<Arc<ResourceServer>>,
) -> Result<(), RunError> {
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
    let mcp = match (&options.require_bearer_env, &resource) {
        (Some(_), Some(_)) => {
            return Err(RunError::Config(
                "--require-bearer-env and --oauth-resource exclude each other: a shared secret or OAuth access tokens"
                    .to_owned(),
            ))
        }
        (None, Some(resource)) => {
            let resource = resource.clone();
            mcp.layer(axum::middleware::from_fn(
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    guard(resource.clone(), request, next)
                },
            ))
        }
        (Some(var), None) => {
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
                        // Constant-time, so the timing does not leak the token.
                        if bool::from(given.ct_eq(expected.as_bytes())) {
                            next.run(request).await
                        } else {
                            unauthorized()
                        }
                    }
                },
            ))
        }
        (None, None) => mcp,
    };
    let mut router = axum::Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .nest("/mcp", mcp);
    if let Some(resource) = &resource {
        // RFC 9728: the path-suffixed location, and the bare one for clients that try it first.
        let document = Arc::new(resource.metadata().to_string());
        let serve_document = move || {
            let document = document.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    document.as_str().to_owned(),
                )
            }
        };
        let path = resource.metadata_path();
        router = router.route(&path, axum::routing::get(serve_document.clone()));
        if path != WELL_KNOWN {
            router = router.route(WELL_KNOWN, axum::routing::get(serve_document));
        }
        tracing::info!(
            metadata = resource.metadata_url(),
            "the MCP endpoint is an OAuth resource server"
        );
    }
    let listener = std::net::TcpListener::bind(options.listen)
        .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
        .map_err(|err| RunError::Io(format!("cannot listen on {}: {err}", options.listen)))?;
    let local = listener
        .local_addr()
        .map_err(|err| RunError::Io(format!("cannot read the listening address: {err}")))?;
    let threads = serving_threads();
    tracing::info!(address = %local, threads, "serving Streamable HTTP at /mcp");
    // Every thread accepts on the same socket and serves the connections it accepted.
    let mut others = Vec::new();
    for n in 1..threads {
        let listener = listener
            .try_clone()
            .map_err(|err| RunError::Io(format!("cannot share the listening socket: {err}")))?;
        let (router, shutdown) = (router.clone(), shutdown.clone());
        let thread = std::thread::Builder::new()
            .name(format!("mcp-http-{n}"))
            .spawn(move || serve_on_thread(listener, router, shutdown))
            .map_err(|err| RunError::Io(format!("cannot start a serving thread: {err}")))?;
        others.push(thread);
    }
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|err| RunError::Io(format!("cannot listen on {}: {err}", options.listen)))?;
    let stop_others = shutdown.clone();
    let served = axum::serve(with_nodelay(listener), router)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            shutdown.cancel();
        })
        .await
        .map_err(|err| RunError::Io(format!("HTTP server failed: {err}")));
    // Whether this thread stopped for the signal or a failure, the others stop too.
    stop_others.cancel();
    for thread in others {
        match thread.join() {
            Ok(Ok(())) => {}
            Ok(Err(err)) => return Err(err),
            Err(_) => return Err(RunError::Io("a serving thread panicked".to_owned())),
        }
    }
    served
}

/// How many threads serve HTTP: one per core, or `TOKIO_WORKER_THREADS` (the variable tokio's
/// own scheduler reads for the same choice).
fn serving_threads() -> usize {
    std::env::var("TOKIO_WORKER_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// One more serving thread: its own single-threaded runtime, accepting on a copy of the
/// listening socket until the shutdown is signalled.
fn serve_on_thread(
    listener: std::net::TcpListener,
    router: axum::Router,
    shutdown: tokio_util::sync::CancellationToken,
) -> Result<(), RunError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| RunError::Io(format!("cannot start a serving thread's runtime: {err}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|err| RunError::Io(format!("cannot share the listening socket: {err}")))?;
        axum::serve(with_nodelay(listener), router)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
            .map_err(|err| RunError::Io(format!("HTTP server failed: {err}")))
    })
}

/// The listener with `TCP_NODELAY` set on every accepted connection: an answer leaves at once.
fn with_nodelay(
    listener: tokio::net::TcpListener,
) -> impl axum::serve::Listener<Addr = std::net::SocketAddr> {
    use axum::serve::ListenerExt;

    listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    })
}

/// Where Protected Resource Metadata is looked for first (RFC 9728 §3).
const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

/// Lets a request with a valid access token through, with who sent it attached for the tool
/// call; anything else gets 401 (or 403 for missing scopes) and the challenge that points to
/// the metadata.
async fn guard(
    resource: Arc<ResourceServer>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let authorization = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match resource.authorize(authorization.as_deref()).await {
        Ok(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(refusal) => {
            let (status, error, description) = match &refusal {
                Refusal::Missing => (
                    axum::http::StatusCode::UNAUTHORIZED,
                    "invalid_request",
                    "this MCP endpoint requires an OAuth access token (Authorization: Bearer <token>)".to_owned(),
                ),
                Refusal::Invalid(reason) => {
                    tracing::info!(reason = %reason, "refused an access token");
                    (axum::http::StatusCode::UNAUTHORIZED, "invalid_token", reason.clone())
                }
                Refusal::InsufficientScope(scopes) => (
                    axum::http::StatusCode::FORBIDDEN,
                    "insufficient_scope",
                    format!("the access token lacks the scope {}", scopes.join(" ")),
                ),
            };
            let body = serde_json::json!({"error": error, "error_description": description});
            let mut response =
                axum::response::Response::new(axum::body::Body::from(body.to_string()));
            *response.status_mut() = status;
            if let Ok(challenge) = axum::http::HeaderValue::from_str(&resource.challenge(&refusal))
            {
                response
                    .headers_mut()
                    .insert(axum::http::header::WWW_AUTHENTICATE, challenge);
            }
            response.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            );
            response
        }
    }
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
