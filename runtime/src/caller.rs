//! Who is calling: the parts of an incoming MCP HTTP request that travel upstream — headers the
//! operator chose to forward (`--forward-header`) and the W3C trace context.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// Per-call context taken from the incoming request (empty under stdio).
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// `(upstream header, value)` pairs to send; they replace a static credential in the same header.
    pub forwarded: Vec<(String, String)>,
    /// Incoming forwarded-header names that were configured but absent, for error messages.
    pub missing: Vec<String>,
    /// The incoming `traceparent`, when valid: its trace id is continued upstream.
    pub traceparent: Option<String>,
    /// Who called, when the endpoint is a resource server and validated the caller's token.
    pub principal: Option<crate::oauth::Principal>,
}

/// One `--forward-header` rule: `NAME` or `INCOMING:UPSTREAM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardRule {
    /// Header read from the MCP request (case-insensitive).
    pub incoming: String,
    /// Header sent upstream.
    pub upstream: String,
}

impl std::str::FromStr for ForwardRule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (incoming, upstream) = text.split_once(':').unwrap_or((text, text));
        let valid = |h: &str| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if !valid(incoming) || !valid(upstream) {
            return Err(format!(
                "`{text}` is not NAME or INCOMING:UPSTREAM with header names"
            ));
        }
        Ok(ForwardRule {
            incoming: incoming.to_ascii_lowercase(),
            upstream: upstream.to_owned(),
        })
    }
}

impl Caller {
    /// Applies `rules` to the headers of an incoming HTTP request.
    pub fn from_headers(rules: &[ForwardRule], headers: &http::HeaderMap) -> Self {
        let mut caller = Caller::default();
        for rule in rules {
            match headers
                .get(rule.incoming.as_str())
                .and_then(|v| v.to_str().ok())
            {
                Some(value) if !value.is_empty() => caller
                    .forwarded
                    .push((rule.upstream.clone(), value.to_owned())),
                _ => caller.missing.push(rule.incoming.clone()),
            }
        }
        caller.traceparent = headers
            .get("traceparent")
            .and_then(|v| v.to_str().ok())
            .filter(|v| parse_traceparent(v).is_some())
            .map(str::to_owned);
        caller
    }

    /// The `traceparent` for the upstream request: the caller's trace id (or a new one) and a
    /// new span id.
    pub fn next_traceparent(&self) -> (String, String) {
        let trace_id = self
            .traceparent
            .as_deref()
            .and_then(parse_traceparent)
            .unwrap_or_else(|| format!("{:016x}{:016x}", random_u64(), random_u64()));
        let span_id = format!("{:016x}", random_u64().max(1));
        (format!("00-{trace_id}-{span_id}-01"), trace_id)
    }
}

/// The trace id of a valid version-00 `traceparent`.
fn parse_traceparent(value: &str) -> Option<String> {
    let parts: Vec<&str> = value.trim().split('-').collect();
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    if parts.len() == 4
        && parts[0] == "00"
        && hex(parts[1], 32)
        && hex(parts[2], 16)
        && hex(parts[3], 2)
    {
        let trace = parts[1].to_ascii_lowercase();
        (trace != "0".repeat(32)).then_some(trace)
    } else {
        None
    }
}

/// Random enough for trace ids and retry jitter, without a random-number dependency: every
/// `RandomState` is seeded from the OS.
pub fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_forward() {
        let rules: Vec<ForwardRule> = ["Authorization", "X-User-Token:Authorization"]
            .iter()
            .map(|r| r.parse().unwrap())
            .collect();
        assert_eq!(
            rules[1],
            ForwardRule {
                incoming: "x-user-token".into(),
                upstream: "Authorization".into()
            }
        );
        assert!("bad header".parse::<ForwardRule>().is_err());
        let mut headers = http::HeaderMap::new();
        headers.insert("authorization", "Token abc".parse().unwrap());
        let caller = Caller::from_headers(&rules, &headers);
        assert_eq!(
            caller.forwarded,
            vec![("Authorization".to_owned(), "Token abc".to_owned())]
        );
        assert_eq!(caller.missing, vec!["x-user-token".to_owned()]);
    }

    #[test]
    fn trace_context_is_continued() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                .parse()
                .unwrap(),
        );
        let caller = Caller::from_headers(&[], &headers);
        let (parent, trace) = caller.next_traceparent();
        assert_eq!(trace, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert!(
            parent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-") && parent.len() == 55,
            "{parent}"
        );
        let (fresh, _) = Caller::default().next_traceparent();
        assert!(parse_traceparent(&fresh).is_some(), "{fresh}");
    }
}
