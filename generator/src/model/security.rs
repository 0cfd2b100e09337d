//! Security schemes the runtime can send, and each operation's requirements.

use serde_json::Value;

use super::naming;
use super::{OAuthFlows, SchemeKind, SecurityScheme};
use crate::diag::{join_pointer, Diagnostic};
use crate::resolve::Resolver;

/// The schemes of `components.securitySchemes`, with their environment variables. Schemes that
/// cannot be sent from an environment variable (mutualTLS, http digest, …) are reported and left out.
pub fn schemes(
    resolver: &Resolver<'_>,
    env_prefix: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<SecurityScheme> {
    let mut out = Vec::new();
    let Some(Value::Object(all)) = resolver.root().pointer("/components/securitySchemes") else {
        return out;
    };
    for (name, scheme) in all {
        let pointer = join_pointer("#/components/securitySchemes", name);
        let scheme = match resolver.deref(scheme, &pointer) {
            Ok(node) => node.value,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let field = |k: &str| scheme.get(k).and_then(Value::as_str).unwrap_or_default();
        let kind = match (
            field("type"),
            field("in"),
            field("scheme").to_ascii_lowercase().as_str(),
        ) {
            ("apiKey", "header", _) => Some(SchemeKind::ApiKeyHeader(field("name").to_owned())),
            ("apiKey", "query", _) => Some(SchemeKind::ApiKeyQuery(field("name").to_owned())),
            ("apiKey", "cookie", _) => Some(SchemeKind::ApiKeyCookie(field("name").to_owned())),
            ("http", _, "bearer") => Some(SchemeKind::Bearer),
            ("http", _, "basic") => Some(SchemeKind::Basic),
            ("oauth2" | "openIdConnect", _, _) => Some(SchemeKind::Bearer),
            _ => None,
        };
        let Some(kind) = kind else {
            diags.push(
                Diagnostic::warning(
                    pointer,
                    format!(
                        "security scheme `{name}` ({} {}) cannot be sent from an environment variable; \
                         operations that need only it are called without credentials",
                        field("type"),
                        field("scheme")
                    ),
                )
                .with_fix("give the operations an apiKey, http bearer or http basic alternative"),
            );
            continue;
        };
        if let SchemeKind::ApiKeyHeader(h)
        | SchemeKind::ApiKeyQuery(h)
        | SchemeKind::ApiKeyCookie(h) = &kind
        {
            if h.is_empty() {
                diags.push(
                    Diagnostic::warning(
                        join_pointer(&pointer, "name"),
                        format!("apiKey scheme `{name}` has no `name`; it is left out"),
                    )
                    .with_fix("add the header, query or cookie name as `name`"),
                );
                continue;
            }
        }
        out.push(SecurityScheme {
            name: name.clone(),
            env_var: format!("{env_prefix}_{}", naming::screaming(name)),
            kind,
            description: field("description").trim().to_owned(),
            oauth: (field("type") == "oauth2").then(|| flows(scheme)),
        });
    }
    out
}

/// What an oauth2 scheme's `flows` say about obtaining tokens without a user: the
/// clientCredentials flow's token URL and scopes, else those of any flow (a refresh token is
/// redeemed at its flow's token URL).
fn flows(scheme: &Value) -> OAuthFlows {
    let flows = scheme.get("flows").and_then(Value::as_object);
    let flow = |name: &str| flows.and_then(|f| f.get(name));
    let token_url = |flow: &Value| {
        flow.get("tokenUrl")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let scopes = |flow: &Value| -> Vec<String> {
        flow.get("scopes")
            .and_then(Value::as_object)
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default()
    };
    match flow("clientCredentials") {
        Some(cc) => OAuthFlows {
            token_url: token_url(cc),
            client_credentials: true,
            scopes: scopes(cc),
        },
        None => {
            let all: Vec<&Value> = flows.map(|f| f.values().collect()).unwrap_or_default();
            let mut names: Vec<String> = Vec::new();
            for scope in all.iter().flat_map(|f| scopes(f)) {
                if !names.contains(&scope) {
                    names.push(scope);
                }
            }
            OAuthFlows {
                token_url: all.iter().find_map(|f| token_url(f)),
                client_credentials: false,
                scopes: names,
            }
        }
    }
}

/// The OAuth scopes an operation needs of a caller, as alternatives: the scopes of its
/// requirement alternatives made only of oauth2 / openIdConnect schemes. None when it can be
/// called anonymously, when an OAuth alternative asks for no scope, or when no alternative is
/// OAuth (an API key says nothing about scopes).
pub fn scopes(op: &Value, root: &Value) -> Vec<Vec<String>> {
    let Some(Value::Array(alternatives)) = op.get("security").or_else(|| root.get("security"))
    else {
        return Vec::new();
    };
    let kind_of = |name: &str| {
        root.pointer(&format!(
            "/components/securitySchemes/{}/type",
            crate::diag::escape_token(name)
        ))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
    };
    let mut needed = Vec::new();
    for alt in alternatives.iter().filter_map(Value::as_object) {
        if alt.is_empty() {
            return Vec::new();
        }
        if !alt
            .keys()
            .all(|name| matches!(kind_of(name).as_str(), "oauth2" | "openIdConnect"))
        {
            continue;
        }
        let mut set: Vec<String> = Vec::new();
        for scope in alt.values().filter_map(Value::as_array).flatten() {
            if let Some(scope) = scope.as_str().filter(|s| !set.iter().any(|x| x == s)) {
                set.push(scope.to_owned());
            }
        }
        if set.is_empty() {
            return Vec::new();
        }
        needed.push(set);
    }
    needed
}

/// The operation's security alternatives (its own `security`, else the document's), keeping only
/// alternatives whose schemes are all known. An empty alternative means anonymous access.
pub fn requirements(op: &Value, root: &Value, known: &[SecurityScheme]) -> Vec<Vec<String>> {
    let Some(Value::Array(alternatives)) = op.get("security").or_else(|| root.get("security"))
    else {
        return Vec::new();
    };
    alternatives
        .iter()
        .filter_map(|alt| {
            let names: Vec<String> = alt.as_object()?.keys().cloned().collect();
            names
                .iter()
                .all(|n| known.iter().any(|s| &s.name == n))
                .then_some(names)
        })
        .collect()
}
