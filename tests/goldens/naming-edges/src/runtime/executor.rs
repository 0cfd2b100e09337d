// Copied verbatim by spec2mcp 0.1.0 from its runtime templates. Do not edit.
//! The one shared, non-generic piece that sends a tool's request upstream.

use std::time::{Duration, Instant};

use rmcp::model::CallToolResult;
use tracing::Instrument;

use super::auth::Credentials;
use super::def::{ApiDef, ToolDef};
use super::outcome::{self, CallContext, Response};
use super::request::{Body, Request};

/// Settings of the upstream connection.
#[derive(Debug, Clone)]
pub struct UpstreamConfig {
    /// Base URL the spec's paths are appended to, e.g. `http://127.0.0.1:8000`.
    pub base_url: String,
    /// Time allowed for one upstream request, connect to last byte.
    pub timeout: Duration,
    /// Largest response body passed back whole.
    pub max_response_bytes: usize,
}

/// Sends requests for every tool of one API.
#[derive(Debug)]
pub struct Executor {
    client: reqwest::Client,
    api: &'static ApiDef,
    config: UpstreamConfig,
    credentials: Credentials,
}

impl Executor {
    /// Builds the HTTP client once; it pools connections for all tools.
    pub fn new(
        api: &'static ApiDef,
        config: UpstreamConfig,
        credentials: Credentials,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("spec2mcp-runtime/", env!("CARGO_PKG_VERSION")))
            .tcp_nodelay(true)
            .build()?;
        Ok(Executor {
            client,
            api,
            config,
            credentials,
        })
    }

    /// The API this executor serves.
    pub fn api(&self) -> &'static ApiDef {
        self.api
    }

    /// Sends `req` the way the generated tool `name` does (for hand-written tools that build a
    /// request from a generated input struct).
    pub async fn call_named(&self, name: &str, req: Request) -> CallToolResult {
        match self.api.tools.iter().find(|t| t.name == name) {
            Some(def) => self.call(def, req).await,
            None => CallToolResult::error(vec![rmcp::model::ContentBlock::text(format!(
                "this server has no generated tool `{name}`"
            ))]),
        }
    }

    /// Sends `req` for `tool` and shapes the answer into a tool result.
    pub async fn call(&self, tool: &'static ToolDef, req: Request) -> CallToolResult {
        let span = tracing::info_span!(
            "tool_call",
            tool = tool.name,
            method = tool.method.as_str(),
            path = tool.path,
            status = tracing::field::Empty,
            bytes = tracing::field::Empty,
            ms = tracing::field::Empty,
        );
        self.call_inner(tool, req).instrument(span).await
    }

    async fn call_inner(&self, tool: &'static ToolDef, req: Request) -> CallToolResult {
        let started = Instant::now();
        let path = fill_path(tool.path, &req.path_params);
        let ctx = CallContext {
            method: tool.method.as_str(),
            path: &path,
            credential_vars: self.credential_vars(tool),
        };
        let url = format!("{}{}", self.config.base_url.trim_end_matches('/'), path);
        let mut url = match reqwest::Url::parse(&url) {
            Ok(url) => url,
            Err(err) => {
                return outcome::transport_error(
                    &ctx,
                    &format!("the URL {url} is not valid: {err}"),
                );
            }
        };
        let applied = self.credentials.apply(tool.security);
        if !req.query.is_empty() || !applied.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &req.query {
                pairs.append_pair(name, value);
            }
            for (name, value) in &applied.query {
                pairs.append_pair(name, value);
            }
        }
        let mut builder = self.client.request(tool.method.to_http(), url);
        let credential_headers = applied.headers.iter().map(|h| (h, true));
        for ((name, value), secret) in req
            .headers
            .iter()
            .map(|h| (h, false))
            .chain(credential_headers)
        {
            match header(name, value, secret) {
                Ok((name, value)) => builder = builder.header(name, value),
                Err(what) => return outcome::transport_error(&ctx, &what),
            }
        }
        let cookies: Vec<String> = req
            .cookies
            .iter()
            .chain(applied.cookies.iter())
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        if !cookies.is_empty() {
            builder = builder.header(reqwest::header::COOKIE, cookies.join("; "));
        }
        match &req.body {
            Some(Body::Json(media_type, value)) => {
                builder = builder
                    .header(reqwest::header::CONTENT_TYPE, *media_type)
                    .body(value.to_string());
            }
            None => {}
        }
        let builder = builder.header(reqwest::header::ACCEPT, "application/json, */*;q=0.5");

        let response = match builder.send().await {
            Ok(response) => response,
            Err(err) => return self.failed(&ctx, &err),
        };
        let status = response.status();
        let is_json = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(is_json_media_type)
            .unwrap_or(false);
        let (body, truncated_from) =
            match read_limited(response, self.config.max_response_bytes).await {
                Ok(read) => read,
                Err(err) => return self.failed(&ctx, &err),
            };
        let span = tracing::Span::current();
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
        };
        if status.is_success() {
            outcome::success(&resp)
        } else {
            outcome::http_error(&ctx, &resp)
        }
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
        outcome::transport_error(ctx, &what)
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
    fn json_media_types() {
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/problem+json"));
        assert!(!is_json_media_type("text/html"));
    }
}
