//! The one shared, non-generic piece that sends a tool's request upstream: URL, credentials,
//! forwarded caller headers, trace context, retries for idempotent methods, bounded reading, and
//! the shaping of the answer.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use tracing::Instrument;

use crate::auth::Credentials;
use crate::caller::{Caller, ForwardRule};
use crate::def::{ApiDef, HeaderSource, ToolDef};
use crate::outcome::{self, CallContext, ErrorKind, Response};
use crate::request::{encode, Body, Request};
use crate::upload::FileArg;

/// Longest `Retry-After` the runtime waits out itself; a longer one is reported to the caller.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Settings of the upstream connection.
#[derive(Debug, Clone)]
pub struct UpstreamConfig {
    /// Base URL the spec's paths are appended to, e.g. `http://127.0.0.1:8000`.
    pub base_url: String,
    /// Time allowed for one upstream request, connect to last byte.
    pub timeout: Duration,
    /// Largest response body passed back whole.
    pub max_response_bytes: usize,
    /// Extra attempts for idempotent requests after a transient failure.
    pub retries: u32,
    /// Incoming MCP request headers passed upstream (`--forward-header`).
    pub forward: Vec<ForwardRule>,
    /// Values of the server-filled headers with an environment source, by name (from
    /// `--header` or the header's variable).
    pub headers: Vec<(&'static str, String)>,
    /// The folder file arguments may name paths in (`--upload-dir`); none: base64 only.
    pub upload_dir: Option<std::path::PathBuf>,
}

/// Why an [`Executor`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The base URL does not parse, or is not an `http`/`https` URL paths can be appended to.
    #[error("the upstream base URL {url:?} cannot be used: {reason}")]
    BaseUrl {
        /// The base URL as configured.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Sends requests for every tool of one API.
#[derive(Debug)]
pub struct Executor {
    /// Built off the start-up path: loading the system's root certificates is several
    /// milliseconds, a tenth of a large API's start. See [`Executor::start_client`].
    client: Arc<OnceLock<Result<reqwest::Client, String>>>,
    /// `config.base_url` parsed once; each call clones it and sets the path, so the host is
    /// not parsed (nor run through IDNA) again on every call.
    base: reqwest::Url,
    api: &'static ApiDef,
    config: UpstreamConfig,
    credentials: Credentials,
    /// Each tool's output schema, parsed once (index as in `api.tools`), not on every call;
    /// the same `Arc` the server lists, so a large API holds one copy.
    output_schemas: Vec<Option<Arc<JsonObject>>>,
}

impl Executor {
    /// Checks the base URL; the HTTP client (one for all tools, pooling connections) is built
    /// by [`Executor::start_client`] or, failing that, by the first call.
    pub fn new(
        api: &'static ApiDef,
        config: UpstreamConfig,
        credentials: Credentials,
    ) -> Result<Self, SetupError> {
        let base = parse_base_url(&config.base_url)?;
        let output_schemas = vec![None; api.tools.len()];
        Ok(Executor {
            client: Arc::new(OnceLock::new()),
            base,
            api,
            config,
            credentials,
            output_schemas,
        })
    }

    /// Starts building the HTTP client on a thread of its own. Called once the tool list is
    /// ready, it overlaps the MCP handshake instead of delaying it; a call that comes first
    /// waits for it. A client that cannot be built (TLS set-up) is logged here, and every
    /// call then fails saying why.
    pub fn start_client(&self) {
        let cell = self.client.clone();
        let timeout = self.config.timeout;
        let started = std::thread::Builder::new()
            .name("http-client".to_owned())
            .spawn(move || {
                if let Err(err) = cell.get_or_init(|| build_client(timeout)) {
                    tracing::error!("{err}; every tool call will fail");
                }
            });
        if let Err(err) = started {
            tracing::debug!(error = %err, "no thread for the client; the first call builds it");
        }
    }

    /// The HTTP client, built now if [`Executor::start_client`] has not done it yet.
    fn client(&self) -> Result<&reqwest::Client, String> {
        self.client
            .get_or_init(|| build_client(self.config.timeout))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The parsed output schema of `tool` (one of this API's tools).
    fn output_schema(&self, tool: &'static ToolDef) -> Option<&JsonObject> {
        let index = self.api.tools.iter().position(|t| std::ptr::eq(t, tool))?;
        self.output_schemas.get(index)?.as_deref()
    }

    /// Gives the executor the output schemas the server parsed for its listing (by tool index).
    pub fn set_output_schemas(&mut self, schemas: Vec<Option<Arc<JsonObject>>>) {
        self.output_schemas = schemas;
    }

    /// The API this executor serves.
    pub fn api(&self) -> &'static ApiDef {
        self.api
    }

    /// The `--forward-header` rules, for reading them off incoming requests.
    pub fn forward_rules(&self) -> &[ForwardRule] {
        &self.config.forward
    }

    /// Sends `req` the way the generated tool `name` does (for hand-written tools that build a
    /// request from a generated input struct).
    pub async fn call_named(&self, name: &str, req: Request, caller: &Caller) -> CallToolResult {
        match self.api.tools.iter().find(|t| t.name == name) {
            Some(def) => self.call(def, req, caller).await,
            None => CallToolResult::error(vec![ContentBlock::text(format!(
                "this server has no generated tool `{name}`"
            ))]),
        }
    }

    /// Sends `req` for `tool` on behalf of `caller` and shapes the answer into a tool result.
    pub async fn call(
        &self,
        tool: &'static ToolDef,
        req: Request,
        caller: &Caller,
    ) -> CallToolResult {
        self.exchange(tool, req, caller).await.result
    }

    /// Like [`Executor::call`], keeping what the tool-call pipeline acts on besides the result:
    /// the status, and where the next page is. The span is per call and starts at the root, so
    /// spans never nest across requests.
    pub async fn exchange(&self, tool: &'static ToolDef, req: Request, caller: &Caller) -> Called {
        let span = tracing::info_span!(
            parent: None,
            "tool_call",
            tool = tool.name,
            method = tool.method.as_str(),
            path = tool.path,
            subject = caller.principal.as_ref().and_then(|p| p.subject.as_deref()),
            client_id = caller.principal.as_ref().and_then(|p| p.client_id.as_deref()),
            trace_id = tracing::field::Empty,
            status = tracing::field::Empty,
            bytes = tracing::field::Empty,
            attempts = tracing::field::Empty,
            ms = tracing::field::Empty,
        );
        let (traceparent, trace_id) = crate::telemetry::link(&span, caller);
        span.record("trace_id", trace_id.as_str());
        self.call_inner(tool, req, caller, traceparent)
            .instrument(span)
            .await
    }

    async fn call_inner(
        &self,
        tool: &'static ToolDef,
        req: Request,
        caller: &Caller,
        traceparent: String,
    ) -> Called {
        let started = Instant::now();
        let path = fill_path(tool.path, &req.path_params);
        let ctx = CallContext {
            method: tool.method.as_str(),
            path: &path,
            credential_vars: self.credential_vars(tool),
            forwarded: caller.forwarded.iter().map(|(h, _)| h.as_str()).collect(),
            missing_forwarded: caller.missing.iter().map(String::as_str).collect(),
        };
        let server_headers = match self.server_headers(tool) {
            Ok(headers) => headers,
            Err(what) => {
                return Called::failed(outcome::transport_error(
                    &ctx,
                    &what,
                    ErrorKind::ServerConfig,
                ))
            }
        };
        // An idempotency key makes repeating a write safe: the upstream does it once.
        let keyed = server_headers
            .iter()
            .any(|(name, _)| name.to_ascii_lowercase().contains("idempotency"));
        let idempotent = tool.hints.idempotent || keyed;
        let attempts_allowed = if idempotent {
            self.config.retries + 1
        } else {
            1
        };
        let mut applied = match self.credentials.resolve(tool.security).await {
            Ok(applied) => applied,
            Err(what) => {
                return Called::failed(outcome::transport_error(
                    &ctx,
                    &what,
                    ErrorKind::ServerConfig,
                ))
            }
        };
        let mut renewed = false;
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            // Built again for a retry rather than cloned ahead of every first attempt.
            let attached = Attached {
                credentials: &applied,
                server_headers: &server_headers,
            };
            let builder =
                match self.request_builder(tool, &req, &attached, caller, &path, &traceparent) {
                    Ok(builder) => builder,
                    Err(what) => {
                        return Called::failed(outcome::transport_error(
                            &ctx,
                            &what,
                            ErrorKind::BadArguments,
                        ))
                    }
                };
            let result = builder.send().await;
            // A token the server obtained itself and the upstream refuses (revoked, or expired
            // early): obtain a new one and try once more. A refused request did nothing.
            let refused = matches!(&result, Ok(resp) if resp.status().as_u16() == 401);
            if refused && !renewed && self.credentials.forget_tokens(tool.security).await {
                renewed = true;
                tracing::info!(
                    "the upstream refused the server's access token; obtaining a new one"
                );
                match self.credentials.resolve(tool.security).await {
                    Ok(fresh) => applied = fresh,
                    Err(what) => {
                        return Called::failed(outcome::transport_error(
                            &ctx,
                            &what,
                            ErrorKind::ServerConfig,
                        ))
                    }
                }
                continue;
            }
            let wait = match &result {
                Err(err) if err.is_connect() => Some(backoff(attempt)),
                Ok(resp) if matches!(resp.status().as_u16(), 502..=504) => Some(backoff(attempt)),
                Ok(resp) if resp.status().as_u16() == 429 => {
                    retry_after(resp).filter(|d| *d <= MAX_RETRY_AFTER)
                }
                _ => None,
            };
            match wait {
                Some(delay) if attempt < attempts_allowed => {
                    tracing::info!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        "transient upstream failure; retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                _ => break result,
            }
        };
        let span = tracing::Span::current();
        span.record("attempts", attempt);
        let response = match response {
            Ok(response) => response,
            Err(err) => return Called::failed(self.failed(&ctx, &err)),
        };
        let status = response.status();
        let headers = response.headers();
        let is_json = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(is_json_media_type)
            .unwrap_or(false);
        let retry_after_text = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let page_headers = page_headers(headers);
        let (body, truncated_from) =
            match read_limited(response, self.config.max_response_bytes).await {
                Ok(read) => read,
                Err(err) => return Called::failed(self.failed(&ctx, &err)),
            };
        span.record("status", status.as_u16());
        span.record("bytes", body.len());
        span.record("ms", started.elapsed().as_millis() as u64);
        tracing::info!("upstream answered");
        let resp = Response {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or(""),
            is_json,
            body,
            truncated_from,
            retry_after: retry_after_text,
        };
        let result = if status.is_success() {
            outcome::success(&resp, self.output_schema(tool))
        } else {
            outcome::http_error(&ctx, &resp)
        };
        // The next page: DRF's `next` in the answer, else a `Link: <…>; rel="next"` header.
        let next = result
            .structured_content
            .as_ref()
            .and_then(|v| v.get("next"))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .or_else(|| link_next(&page_headers));
        Called {
            result,
            status: Some(resp.status),
            next,
            page_headers,
        }
    }

    /// Everything but sending: URL, query, headers (parameters, credentials, forwarded caller
    /// headers, trace context) and body.
    fn request_builder(
        &self,
        tool: &'static ToolDef,
        req: &Request,
        attached: &Attached<'_>,
        caller: &Caller,
        path: &str,
        traceparent: &str,
    ) -> Result<reqwest::RequestBuilder, String> {
        let (applied, server_headers) = (attached.credentials, attached.server_headers);
        let mut url = upstream_url(&self.base, path);
        if !req.query.is_empty() || !applied.query.is_empty() {
            // The request's pairs are encoded already, with each style's delimiters literal
            // (`type=album,track`); a form serializer would encode those delimiters too.
            let credentials = applied
                .query
                .iter()
                .map(|(name, value)| (encode(name), encode(value)));
            let pairs: Vec<String> = req
                .query
                .iter()
                .cloned()
                .chain(credentials)
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            url.set_query(Some(&pairs.join("&")));
        }
        let mut builder = self.client()?.request(tool.method.to_http(), url);
        let forwarded_names: Vec<String> = caller
            .forwarded
            .iter()
            .map(|(h, _)| h.to_ascii_lowercase())
            .collect();
        // A forwarded caller header replaces a static credential sent in the same header.
        let credentials = applied
            .headers
            .iter()
            .filter(|(h, _)| !forwarded_names.contains(&h.to_ascii_lowercase()));
        let mut all: Vec<(&str, &str, bool)> = req
            .headers
            .iter()
            .map(|(h, v)| (*h, v.as_str(), false))
            .chain(server_headers.iter().map(|(h, v)| (*h, v.as_str(), false)))
            .collect();
        all.extend(credentials.map(|(h, v)| (*h, v.as_str(), true)));
        all.extend(
            caller
                .forwarded
                .iter()
                .map(|(h, v)| (h.as_str(), v.as_str(), true)),
        );
        all.push(("traceparent", traceparent, false));
        for (name, value, secret) in all {
            let (name, value) = header(name, value, secret)?;
            builder = builder.header(name, value);
        }
        let cookies: Vec<String> = req
            .cookies
            .iter()
            .chain(applied.cookies.iter())
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        if !cookies.is_empty() {
            let (name, value) = header("cookie", &cookies.join("; "), !applied.cookies.is_empty())?;
            builder = builder.header(name, value);
        }
        match &req.body {
            Some(Body::Json(media_type, value)) => {
                builder = builder
                    .header(reqwest::header::CONTENT_TYPE, *media_type)
                    .body(value.to_string());
            }
            Some(Body::Form(media_type, value)) => {
                builder = builder
                    .header(reqwest::header::CONTENT_TYPE, *media_type)
                    .body(form_encode(value));
            }
            Some(Body::Multipart(value, files)) => {
                builder = builder.multipart(self.multipart(value, files)?);
            }
            None => {}
        }
        Ok(builder.header(reqwest::header::ACCEPT, "application/json, */*;q=0.5"))
    }

    /// A `multipart/form-data` body: the fields named in `files` as file parts (from base64 or
    /// from the upload folder), the others as text (JSON for objects and arrays).
    fn multipart(
        &self,
        value: &serde_json::Value,
        files: &[&str],
    ) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        let serde_json::Value::Object(fields) = value else {
            return Ok(form);
        };
        for (name, field) in fields {
            if files.contains(&name.as_str()) {
                let items = match field {
                    serde_json::Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                for item in items.into_iter().filter(|i| !i.is_null()) {
                    let arg: FileArg = serde_json::from_value(item.clone())
                        .map_err(|err| format!("field `body.{name}`: {err}"))?;
                    let file = arg
                        .resolve(self.config.upload_dir.as_deref())
                        .map_err(|err| format!("field `body.{name}`: {err}"))?;
                    // The caller's media type, else one guessed from the name.
                    let media_type = file.media_type.clone().unwrap_or_else(|| {
                        mime_guess::from_path(&file.filename)
                            .first_or_octet_stream()
                            .to_string()
                    });
                    let part = reqwest::multipart::Part::bytes(file.bytes)
                        .file_name(file.filename)
                        .mime_str(&media_type)
                        .map_err(|_| {
                            format!("field `body.{name}`: `{media_type}` is not a media type")
                        })?;
                    form = form.part(name.clone(), part);
                }
                continue;
            }
            let items = match field {
                serde_json::Value::Array(items)
                    if items.iter().all(|i| !i.is_object() && !i.is_array()) =>
                {
                    items.iter().collect()
                }
                other => vec![other],
            };
            for item in items {
                match item {
                    serde_json::Value::Null => {}
                    serde_json::Value::String(s) => form = form.text(name.clone(), s.clone()),
                    other => form = form.text(name.clone(), other.to_string()),
                }
            }
        }
        Ok(form)
    }

    /// The server-filled headers `tool` takes, with their values for this call (a generated one
    /// is new per call); `Err` names what to set when a required one has no value.
    fn server_headers(&self, tool: &ToolDef) -> Result<Vec<(&'static str, String)>, String> {
        let mut headers = Vec::new();
        for (name, required) in tool.server_headers {
            let source = self
                .api
                .server_headers
                .iter()
                .find(|h| h.name == *name)
                .map(|h| h.source);
            match source {
                Some(HeaderSource::Generated) => headers.push((*name, random_key())),
                Some(HeaderSource::Environment(var)) => {
                    match self.config.headers.iter().find(|(n, _)| n == name) {
                        Some((_, value)) => headers.push((*name, value.clone())),
                        None if *required => {
                            return Err(format!(
                                "this operation needs the `{name}` header, which the server fills: \
                                 set {var} or pass --header {name}=VALUE; nothing was sent"
                            ))
                        }
                        None => {}
                    }
                }
                None => {}
            }
        }
        Ok(headers)
    }

    fn failed(&self, ctx: &CallContext<'_>, err: &reqwest::Error) -> CallToolResult {
        tracing::warn!(error = %err, "upstream request failed");
        let what = if err.is_timeout() {
            format!(
                "the upstream did not answer within the timeout of {} s",
                self.config.timeout.as_secs_f64()
            )
        } else if err.is_connect() {
            format!(
                "could not connect to the upstream at {} ({}); check that it is running and the base URL",
                self.config.base_url,
                source_chain(err)
            )
        } else {
            format!("the upstream request failed: {}", source_chain(err))
        };
        let kind = if err.is_timeout() {
            ErrorKind::Timeout
        } else if err.is_connect() {
            ErrorKind::Unreachable
        } else {
            ErrorKind::UpstreamFailure
        };
        outcome::transport_error(ctx, &what, kind)
    }

    fn credential_vars(&self, tool: &ToolDef) -> Vec<(&'static str, bool)> {
        let configured = self.credentials.configured();
        let mut vars = Vec::new();
        for name in tool.security.iter().flat_map(|alt| alt.iter()) {
            if let Some(scheme) = self.api.security_schemes.iter().find(|s| s.name == *name) {
                if !vars.iter().any(|(v, _)| *v == scheme.env_var) {
                    vars.push((scheme.env_var, configured.contains(&scheme.name)));
                }
            }
        }
        vars
    }
}

/// What the server adds to a tool's request: credentials and the headers it fills.
struct Attached<'a> {
    credentials: &'a crate::auth::Applied,
    server_headers: &'a [(&'a str, String)],
}

/// What came of one call: its result, and what the tool-call pipeline acts on beside it.
#[derive(Debug)]
pub struct Called {
    /// The tool result.
    pub result: CallToolResult,
    /// The upstream's HTTP status, when it answered.
    pub status: Option<u16>,
    /// The URL of the next page, from DRF's `next` or a `Link` header.
    pub next: Option<String>,
    /// The answer's pagination headers (`Link`, `X-Total-Count`, …), by lower-case name.
    pub page_headers: Vec<(String, String)>,
}

impl Called {
    /// A call that got no answer.
    fn failed(result: CallToolResult) -> Called {
        Called {
            result,
            status: None,
            next: None,
            page_headers: Vec::new(),
        }
    }
}

/// The headers about pagination (`Link`, `X-Total-Count`, `X-Next-Page`, …), which the result
/// passes on instead of dropping.
fn page_headers(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    const WORDS: &[&str] = &["total", "page", "cursor", "next", "prev", "more", "count"];
    headers
        .iter()
        .filter(|(name, _)| {
            let name = name.as_str();
            name == "link" || (name.starts_with("x-") && WORDS.iter().any(|w| name.contains(w)))
        })
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect()
}

/// The `rel="next"` target of a `Link` header (RFC 8288), if there is one.
fn link_next(headers: &[(String, String)]) -> Option<String> {
    let (_, link) = headers.iter().find(|(name, _)| name == "link")?;
    link.split(',').find_map(|entry| {
        let (target, params) = entry.split_once(';')?;
        let next = params.split(';').any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p == "rel=\"next\"" || p == "rel=next"
        });
        next.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

/// A random key in UUID form (version 4 layout), for a generated header.
fn random_key() -> String {
    let (a, b) = (crate::caller::random_u64(), crate::caller::random_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        (b >> 48) & 0x3fff | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

/// `path` (already percent-encoded) appended to the base URL's path.
fn upstream_url(base: &reqwest::Url, path: &str) -> reqwest::Url {
    let mut url = base.clone();
    url.set_path(&format!("{}{path}", base.path().trim_end_matches('/')));
    url
}

/// The base URL as the executor keeps it: `http` or `https`, with a host, without query or
/// fragment (a spec's paths are appended to its path).
fn parse_base_url(text: &str) -> Result<reqwest::Url, SetupError> {
    let fail = |reason: String| SetupError::BaseUrl {
        url: text.to_owned(),
        reason,
    };
    let url = reqwest::Url::parse(text).map_err(|err| fail(err.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(fail(
            "it must be an http:// or https:// URL with a host".to_owned(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(fail(
            "it must not have a query or fragment: the operations' paths are appended to it"
                .to_owned(),
        ));
    }
    Ok(url)
}

/// 200 ms, 400 ms, 800 ms, … capped at 5 s, each with up to half of it taken off at random, so
/// clients that failed together do not all come back together.
fn backoff(attempt: u32) -> Duration {
    let full = (200u64 << attempt.saturating_sub(1).min(5)).min(5000);
    let jitter = crate::caller::random_u64() % (full / 2 + 1);
    Duration::from_millis(full - jitter)
}

/// `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3); a date in the past is now.
fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let text = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A header ready to send. Credentials are marked sensitive, so the HTTP stack never logs them.
fn header(
    name: &str,
    value: &str,
    secret: bool,
) -> Result<(reqwest::header::HeaderName, reqwest::header::HeaderValue), String> {
    let header_name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid HTTP header name"))?;
    let mut header_value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
        if secret {
            format!("the credential for header `{name}` contains characters an HTTP header cannot carry")
        } else {
            format!("the value of header `{name}` contains characters an HTTP header cannot carry (e.g. a line break)")
        }
    })?;
    header_value.set_sensitive(secret);
    Ok((header_name, header_value))
}

/// `application/x-www-form-urlencoded` of a flat object: arrays repeat the key, nested objects
/// are sent as JSON text, nulls are left out.
fn form_encode(value: &serde_json::Value) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    if let serde_json::Value::Object(map) = value {
        for (key, item) in map {
            let items = match item {
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for item in items {
                match item {
                    serde_json::Value::Null => {}
                    serde_json::Value::String(s) => {
                        form.append_pair(key, s);
                    }
                    other => {
                        form.append_pair(key, &other.to_string());
                    }
                }
            }
        }
    }
    form.finish()
}

/// An HTTP client with the runtime's settings: the upstream's (one, shared by every tool's
/// requests for its connection pool), and the OAuth ones for the authorization servers.
pub(crate) fn build_client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("spec2mcp-runtime/", env!("CARGO_PKG_VERSION")))
        .tcp_nodelay(true)
        .build()
        .map_err(|err| format!("cannot build the HTTP client: {err}"))
}

/// Replaces each `{name}` of the template with its encoded value.
fn fill_path(template: &str, params: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match params.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Reads at most `limit` bytes of the body; past that, keeps counting the size but not the bytes.
async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(Vec<u8>, Option<u64>), reqwest::Error> {
    let mut body = Vec::new();
    let mut total: u64 = 0;
    while let Some(chunk) = response.chunk().await? {
        total += chunk.len() as u64;
        let room = limit.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    let truncated = (total > body.len() as u64).then_some(total);
    Ok((body, truncated))
}

/// The error and its causes on one line (reqwest's top-level message alone is vague).
fn source_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_templates() {
        let params = [("slug", "a%2Fb".to_owned()), ("id", "7".to_owned())];
        assert_eq!(fill_path("/p/{slug}/r/{id}/", &params), "/p/a%2Fb/r/7/");
        assert_eq!(fill_path("/p/{missing}", &params), "/p/{missing}");
    }

    #[test]
    fn link_headers_give_the_next_page() {
        let headers = vec![(
            "link".to_owned(),
            r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=9>; rel="last""#.to_owned(),
        )];
        assert_eq!(
            link_next(&headers).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        assert_eq!(
            link_next(&[("link".into(), "<x>; rel=\"prev\"".into())]),
            None
        );
    }

    #[test]
    fn json_media_types() {
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/problem+json"));
        assert!(!is_json_media_type("text/html"));
    }

    #[test]
    fn forms_repeat_arrays_and_skip_nulls() {
        let body = serde_json::json!({"name": "a b", "tags": ["x", "y"], "n": 2, "gone": null});
        assert_eq!(form_encode(&body), "name=a+b&tags=x&tags=y&n=2");
    }

    #[test]
    fn upstream_urls_are_what_parsing_the_joined_text_gives() {
        // The executor used to parse `base + path` on every call; setting the path on the
        // parsed base must give the same URL for every shape of base and path.
        let bases = [
            "http://127.0.0.1:8000",
            "http://127.0.0.1:8000/",
            "https://api.example.com/v1",
            "https://api.example.com/v1/",
            "http://xn--bcher-kva.example:81/a%20b",
            "http://bücher.example/",
        ];
        let paths = [
            "/api/products/",
            "/api/products/o-brien-%C3%B1/",
            "/p/a%2Fb/r/7",
            "/p/{missing}",
            "/a/../b/./c",
            "/with space/ü",
            "/",
        ];
        for base in bases {
            let parsed = parse_base_url(base).expect(base);
            for path in paths {
                let joined = format!("{}{path}", base.trim_end_matches('/'));
                let expected = reqwest::Url::parse(&joined).expect(&joined);
                assert_eq!(upstream_url(&parsed, path), expected, "{base} + {path}");
            }
        }
    }

    #[test]
    fn base_urls_that_cannot_take_a_path_are_refused_at_start() {
        for bad in [
            "localhost:8000",
            "ftp://h/",
            "mailto:a@b",
            "http://h/?x=1",
            "http://h/#f",
            "not a url",
        ] {
            let err = parse_base_url(bad).expect_err(bad).to_string();
            assert!(
                err.starts_with(&format!("the upstream base URL {bad:?} cannot be used: ")),
                "{err}"
            );
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        for _ in 0..50 {
            let first = backoff(1).as_millis();
            assert!((100..=200).contains(&first), "{first}");
            let second = backoff(2).as_millis();
            assert!((200..=400).contains(&second), "{second}");
            let late = backoff(30).as_millis();
            assert!((2500..=5000).contains(&late), "{late}");
        }
    }
}
