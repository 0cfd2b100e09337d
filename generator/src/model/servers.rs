//! The spec's `servers`: the default base URL, or the path a relative one gives.

use serde_json::Value;

use crate::diag::Diagnostic;

/// The spec's first server URL, with variables at their defaults.
pub enum ServerUrl {
    /// `https://api.example.com/v1`: the default base URL.
    Absolute(String),
    /// `/api/v3`: relative to wherever the spec is served, so the host comes from the operator.
    Relative(String),
}

pub fn server_url(
    root: &Value,
    env_prefix: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<ServerUrl> {
    let server = root.get("servers")?.as_array()?.first()?;
    let mut url = server.get("url")?.as_str()?.trim().to_owned();
    if let Some(Value::Object(vars)) = server.get("variables") {
        for (name, var) in vars {
            if let Some(default) = var.get("default").and_then(Value::as_str) {
                url = url.replace(&format!("{{{name}}}"), default);
            }
        }
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        return Some(ServerUrl::Absolute(url));
    }
    let path = format!("/{}", url.trim_start_matches("./").trim_start_matches('/'));
    let path = path.trim_end_matches('/').to_owned();
    if path.is_empty() {
        return None;
    }
    diags.push(
        Diagnostic::warning(
            "#/servers/0/url",
            format!(
                "the first server URL `{url}` is relative, so the server needs the API's host at run \
                 time; a base URL without a path gets `{path}` appended (`https://api.example.com` \
                 → `https://api.example.com{path}`)"
            ),
        )
        .with_fix(format!(
            "run the server with --base-url or {env_prefix}_BASE_URL, or make the spec's URL absolute"
        )),
    );
    Some(ServerUrl::Relative(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absolute_urls_take_their_variables_and_relative_ones_give_a_path() {
        let mut diags = Vec::new();
        let doc = json!({"servers": [{"url": "https://{host}/v1", "variables": {"host": {"default": "api.example.com"}}}]});
        assert!(
            matches!(server_url(&doc, "X", &mut diags), Some(ServerUrl::Absolute(u)) if u == "https://api.example.com/v1")
        );
        let doc = json!({"servers": [{"url": "/api/v3/"}]});
        assert!(
            matches!(server_url(&doc, "X", &mut diags), Some(ServerUrl::Relative(p)) if p == "/api/v3")
        );
        assert_eq!(diags.len(), 1, "the relative URL is pointed out once");
        assert!(server_url(&json!({"servers": [{"url": "/"}]}), "X", &mut diags).is_none());
    }
}
