//! Security schemes the runtime can send, and each operation's requirements.

use serde_json::Value;

use super::naming;
use super::{SchemeKind, SecurityScheme};
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
        });
    }
    out
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
