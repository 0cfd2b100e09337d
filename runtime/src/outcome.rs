//! Turning what the upstream answered (or did not) into an MCP tool result.
//!
//! A 2xx answer is a success whatever its body looks like; everything else is an `isError`
//! result whose text says what happened in words a model and a person can act on.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::Value;

use crate::validate;

/// Longest piece of an upstream error body quoted back.
const QUOTE_LIMIT: usize = 2048;

/// What came back from the upstream.
#[derive(Debug)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Reason phrase for the status, if known.
    pub reason: &'static str,
    /// Whether the `Content-Type` is JSON (`application/json`, `*+json`).
    pub is_json: bool,
    /// The body, possibly cut at the size limit.
    pub body: Vec<u8>,
    /// Full size when the body was cut at the limit.
    pub truncated_from: Option<u64>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

/// A 2xx answer: JSON becomes structured content (objects as-is, anything else under `result`)
/// plus the same JSON as text; anything else is text. With an output schema, structured content
/// that does not fit it is withheld (clients would reject the whole result) and the body comes
/// back as text with a note: a successful call stays a success.
pub fn success(resp: &Response, schema: Option<&serde_json::Map<String, Value>>) -> CallToolResult {
    // A declared output schema obliges every success to carry structured content.
    let placeholder = || schema.map(|_| serde_json::json!({}));
    if let Some(total) = resp.truncated_from {
        let note = format!(
            "The upstream answered {} {} with a body of {} bytes, over this server's limit of {} bytes; \
             it was cut. Narrow the request (filters, page size) to get a complete answer.\n\n{}",
            resp.status,
            resp.reason,
            total,
            resp.body.len(),
            String::from_utf8_lossy(&resp.body)
        );
        let mut result = CallToolResult::success(vec![ContentBlock::text(note)]);
        result.structured_content = placeholder();
        return result;
    }
    if resp.body.is_empty() {
        let mut result = CallToolResult::success(vec![ContentBlock::text(format!(
            "The upstream answered {} {} with no body.",
            resp.status, resp.reason
        ))]);
        result.structured_content = placeholder();
        return result;
    }
    let parsed = if resp.is_json {
        serde_json::from_slice::<Value>(&resp.body).ok()
    } else {
        None
    };
    let Some(value) = parsed else {
        let mut result = CallToolResult::success(vec![ContentBlock::text(
            String::from_utf8_lossy(&resp.body).into_owned(),
        )]);
        result.structured_content = placeholder();
        return result;
    };
    let text = answer_text(&resp.body, &value);
    let structured = match value {
        Value::Object(_) => value,
        other => serde_json::json!({ "result": other }),
    };
    if let Some(schema) = schema {
        if let Err(misfit) = validate::check(&structured, schema) {
            tracing::warn!(%misfit, "upstream answer does not match its own response schema");
            let note = format!(
                "Note: the upstream's answer does not match the response schema it publishes ({misfit}), \
                 so it is given as text only.\n{text}"
            );
            let mut result = CallToolResult::success(vec![ContentBlock::text(note)]);
            result.structured_content = placeholder();
            return result;
        }
    }
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(structured);
    result
}

/// The text block's copy of a JSON answer: the body as it came when it is compact (one line,
/// as DRF and most APIs send it: no second serialization, numbers exactly as sent), else the
/// parsed value written compactly (an indented body would spend a model's context on spaces).
fn answer_text(body: &[u8], value: &Value) -> String {
    match std::str::from_utf8(body) {
        Ok(text) if !text.contains('\n') => text.trim().to_owned(),
        _ => value.to_string(),
    }
}

/// What kind of failure a result reports, in its text and, for a client that acts on it, in
/// `_meta["spec2mcp/error"]`: `{kind, retryable, fix?}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The arguments do not fit the tool, or the upstream rejected them (400).
    BadArguments,
    /// The identifier names nothing (404).
    NotFound,
    /// Not authenticated or not allowed (401, 403).
    Permission,
    /// The resource's state forbids it (409, 412, 422).
    Conflict,
    /// Too many requests (429) or quota (402).
    RateLimited,
    /// The upstream failed (5xx).
    UpstreamFailure,
    /// No answer in time.
    Timeout,
    /// The upstream could not be reached.
    Unreachable,
    /// Any other refusal (405, 406, 415, …).
    Rejected,
    /// The server lacks configuration the call needs (a server-filled header's value).
    ServerConfig,
}

/// `_meta` key of a failed result's classification.
pub const META_ERROR: &str = "spec2mcp/error";

impl ErrorKind {
    /// The kind for an HTTP status of a failed call.
    pub fn of_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::BadArguments,
            401 | 403 => ErrorKind::Permission,
            404 | 410 => ErrorKind::NotFound,
            409 | 412 | 422 => ErrorKind::Conflict,
            402 | 429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::UpstreamFailure,
            _ => ErrorKind::Rejected,
        }
    }

    /// Its name in `_meta`: `not_found`, `rate_limited`, …
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::BadArguments => "bad_arguments",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Permission => "permission",
            ErrorKind::Conflict => "conflict",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::UpstreamFailure => "upstream_failure",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Rejected => "rejected",
            ErrorKind::ServerConfig => "server_config",
        }
    }

    /// Whether the same call, unchanged, can succeed later.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited
                | ErrorKind::UpstreamFailure
                | ErrorKind::Timeout
                | ErrorKind::Unreachable
        )
    }

    /// The sentence on retrying.
    fn retry_advice(self) -> &'static str {
        match self {
            ErrorKind::RateLimited => "Retrying unchanged can work after the wait.",
            ErrorKind::UpstreamFailure | ErrorKind::Timeout | ErrorKind::Unreachable => {
                "Retrying unchanged later can work."
            }
            ErrorKind::Conflict => {
                "Retrying unchanged will fail the same way: change the request or the resource's state first."
            }
            ErrorKind::ServerConfig => {
                "Retrying will fail the same way until the server's operator configures it."
            }
            _ => "Retrying unchanged will fail the same way.",
        }
    }
}

/// A tool that fixes a failure: where a valid identifier comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The tool to call.
    pub tool: String,
    /// Its argument for words, when it can find the resource by them.
    pub search: Option<String>,
    /// The argument of the failed call it gives a value for.
    pub argument: String,
    /// The resource and field that value is (`a Product's slug`).
    pub what: String,
}

/// Marks a failed result with its kind: one line of text and `_meta["spec2mcp/error"]`.
pub fn classify(mut result: CallToolResult, kind: ErrorKind) -> CallToolResult {
    let line = format!("[{}] {}", kind.name(), kind.retry_advice());
    append_text(&mut result, &line);
    let mut meta = result.meta.take().unwrap_or_default();
    meta.0.insert(
        META_ERROR.into(),
        serde_json::json!({"kind": kind.name(), "retryable": kind.retryable()}),
    );
    result.meta = Some(meta);
    result
}

/// Adds the way out to a classified failure: the tool that gives a valid identifier.
pub fn with_fix(mut result: CallToolResult, fix: &Fix) -> CallToolResult {
    let search = match &fix.search {
        Some(argument) => format!(" (its `{argument}` argument finds one by words)"),
        None => String::new(),
    };
    append_text(
        &mut result,
        &format!(
            "To fix: `{}` takes {}; call `{}`{search} for valid values.",
            fix.argument, fix.what, fix.tool
        ),
    );
    if let Some(error) = result
        .meta
        .as_mut()
        .and_then(|m| m.0.get_mut(META_ERROR))
        .and_then(Value::as_object_mut)
    {
        let mut value = serde_json::json!({"tool": fix.tool, "argument": fix.argument});
        if let Some(search) = &fix.search {
            value["search"] = Value::String(search.clone());
        }
        error.insert("fix".into(), value);
    }
    result
}

/// Adds a line to what the result says. An error's text grows; a success's first text block
/// stays the answer exactly as it came (clients parse it as JSON), so its notes go in a second
/// text block.
pub fn append_text(result: &mut CallToolResult, line: &str) {
    let target = if result.is_error == Some(true) {
        result.content.first_mut()
    } else if result.content.len() >= 2 {
        result.content.last_mut()
    } else {
        None
    };
    match target {
        Some(ContentBlock::Text(text)) => {
            text.text.push('\n');
            text.text.push_str(line);
        }
        _ => result.content.push(ContentBlock::text(line)),
    }
}

/// Context for explaining a failed call.
#[derive(Debug)]
pub struct CallContext<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// The path actually requested (template filled in).
    pub path: &'a str,
    /// Environment variables of the credentials this operation accepts, with whether each is set.
    pub credential_vars: Vec<(&'a str, bool)>,
    /// Upstream headers forwarded from the caller's request.
    pub forwarded: Vec<&'a str>,
    /// Configured forwarded headers the caller's request did not have.
    pub missing_forwarded: Vec<&'a str>,
}

/// A non-2xx answer.
pub fn http_error(ctx: &CallContext<'_>, resp: &Response) -> CallToolResult {
    let body_text = String::from_utf8_lossy(&resp.body);
    let json = if resp.is_json {
        serde_json::from_slice::<Value>(&resp.body).ok()
    } else {
        None
    };
    let mut text = format!(
        "The upstream answered HTTP {} {} to {} {}.",
        resp.status, resp.reason, ctx.method, ctx.path
    );
    let detail = json.as_ref().and_then(drf_message);
    match resp.status {
        401 | 403 => {
            text.push_str(
                " This is a permission problem: the request was not authenticated or not allowed.",
            );
            if ctx.credential_vars.is_empty() {
                text.push_str(" The spec declares no credential for this operation.");
            }
            for (var, set) in &ctx.credential_vars {
                let state = if *set {
                    "is set; check that it is valid"
                } else {
                    "is not set"
                };
                text.push_str(&format!(" Credential variable {var} {state}."));
            }
            for header in &ctx.forwarded {
                text.push_str(&format!(
                    " The caller's {header} header was forwarded; the upstream refused it."
                ));
            }
            for header in &ctx.missing_forwarded {
                text.push_str(&format!(
                    " The caller's request had no {header} header to forward."
                ));
            }
        }
        409 | 422 => text.push_str(" The upstream refused the request in its current state."),
        404 => {
            text.push_str(" The resource was not found: an identifier in the path names nothing.")
        }
        429 => match &resp.retry_after {
            Some(after) => text.push_str(&format!(
                " The upstream is rate limiting; it asks to retry after {after} s."
            )),
            None => text.push_str(" The upstream is rate limiting; try again later."),
        },
        500..=599 => {
            text.push_str(" The upstream failed; this is not a problem with the arguments.")
        }
        _ => {}
    }
    if let Some(detail) = detail {
        text.push_str("\nUpstream message: ");
        text.push_str(&detail);
    }
    if !body_text.trim().is_empty() {
        text.push_str("\nBody: ");
        text.push_str(cut(&body_text, QUOTE_LIMIT));
    }
    classify(
        CallToolResult::error(vec![ContentBlock::text(text)]),
        ErrorKind::of_status(resp.status),
    )
}

/// The request could not be made, sent or answered: `kind` says which.
pub fn transport_error(ctx: &CallContext<'_>, what: &str, kind: ErrorKind) -> CallToolResult {
    classify(
        CallToolResult::error(vec![ContentBlock::text(format!(
            "{} {} failed: {what}",
            ctx.method, ctx.path
        ))]),
        kind,
    )
}

/// DRF's error shapes: `{"detail": "..."}`, `{"field": ["msg", ...], ...}`, `["msg", ...]`.
fn drf_message(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(detail)) = map.get("detail") {
                return Some(detail.clone());
            }
            let parts: Vec<String> = map
                .iter()
                .map(|(field, msgs)| format!("{field}: {}", messages(msgs)))
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        Value::Array(_) => Some(messages(value)),
        _ => None,
    }
}

fn messages(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(messages).collect::<Vec<_>>().join(" "),
        Value::Object(_) => drf_message(value).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// At most `limit` bytes of `text`, cut on a character boundary.
fn cut(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> Response {
        Response {
            status,
            reason: "",
            is_json: true,
            body: body.as_bytes().to_vec(),
            truncated_from: None,
            retry_after: None,
        }
    }

    fn text(result: &CallToolResult) -> String {
        serde_json::to_value(&result.content)
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn json_lists_are_wrapped_objects_are_not() {
        let list = success(&resp(200, "[1,2]"), None);
        assert_eq!(
            list.structured_content,
            Some(serde_json::json!({"result": [1, 2]}))
        );
        let obj = success(&resp(200, r#"{"a":1}"#), None);
        assert_eq!(obj.structured_content, Some(serde_json::json!({"a": 1})));
        assert_eq!(obj.is_error, Some(false));
    }

    #[test]
    fn compact_answers_are_passed_as_sent_indented_ones_are_compacted() {
        let compact = success(&resp(200, r#"{"price":1.50,"n":1e2}"#), None);
        assert_eq!(
            text(&compact),
            r#"[{"type":"text","text":"{\"price\":1.50,\"n\":1e2}"}]"#
        );
        let indented = success(&resp(200, "{\n  \"a\": [1, 2]\n}\n"), None);
        assert_eq!(
            text(&indented),
            r#"[{"type":"text","text":"{\"a\":[1,2]}"}]"#
        );
    }

    #[test]
    fn drf_field_errors_are_named() {
        let ctx = CallContext {
            method: "POST",
            path: "/p/",
            credential_vars: vec![],
            forwarded: vec![],
            missing_forwarded: vec![],
        };
        let r = http_error(
            &ctx,
            &resp(400, r#"{"slug":["This field must be unique."]}"#),
        );
        assert_eq!(r.is_error, Some(true));
        assert!(
            text(&r).contains("slug: This field must be unique."),
            "{}",
            text(&r)
        );
    }

    #[test]
    fn permission_errors_name_the_variable() {
        let ctx = CallContext {
            method: "GET",
            path: "/me/",
            credential_vars: vec![("X_TOKEN", false)],
            forwarded: vec![],
            missing_forwarded: vec!["authorization"],
        };
        let r = http_error(
            &ctx,
            &resp(
                401,
                r#"{"detail":"Authentication credentials were not provided."}"#,
            ),
        );
        let t = text(&r);
        assert!(t.contains("X_TOKEN is not set") && t.contains("401"), "{t}");
        assert!(t.contains("no authorization header to forward"), "{t}");
    }

    #[test]
    fn answers_that_break_their_schema_stay_successes() {
        let schema: serde_json::Map<String, Value> = serde_json::from_str(
            r#"{"type": "object", "properties": {"slug": {"type": ["string", "null"]}}}"#,
        )
        .unwrap();
        let fits = success(&resp(200, r#"{"slug": "o-brien-ñ"}"#), Some(&schema));
        assert_eq!(
            fits.structured_content,
            Some(serde_json::json!({"slug": "o-brien-ñ"}))
        );
        let breaks = success(&resp(200, r#"{"slug": 7}"#), Some(&schema));
        assert_eq!(breaks.is_error, Some(false));
        assert_eq!(breaks.structured_content, Some(serde_json::json!({})));
        assert!(
            text(&breaks).contains("does not match the response schema"),
            "{}",
            text(&breaks)
        );
    }

    #[test]
    fn rate_limits_report_retry_after() {
        let ctx = CallContext {
            method: "GET",
            path: "/p/",
            credential_vars: vec![],
            forwarded: vec![],
            missing_forwarded: vec![],
        };
        let mut r = resp(429, "");
        r.retry_after = Some("30".into());
        assert!(text(&http_error(&ctx, &r)).contains("retry after 30 s"));
    }

    #[test]
    fn cut_respects_char_boundaries() {
        assert_eq!(cut("ñññ", 3), "ñ");
    }
}
