//! The HTTP endpoint as an OAuth 2.1 resource server, as the MCP authorization specification
//! asks: Protected Resource Metadata (RFC 9728) naming the authorization servers and scopes, a
//! `401` with `WWW-Authenticate: Bearer resource_metadata="…"` for a request without a valid
//! token (RFC 6750), and access tokens validated either as JWTs (signature from the token issuer's
//! JWKS, issuer, expiry, and an audience bound to this server's resource URI) or by RFC 7662
//! introspection with the server's own client credentials, cached briefly. The validated
//! caller ([`Principal`]) travels with the request to the tool call, which checks the scopes
//! the operation needs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::sync::{Mutex, RwLock};

use crate::auth::Secret;

/// Leeway for `exp` and `nbf`, for clocks that disagree a little.
const LEEWAY_SECONDS: u64 = 30;
/// How long an introspection answer is trusted (never past the token's own expiry).
const INTROSPECTION_TTL: Duration = Duration::from_secs(60);
/// Most introspection answers kept at once; beyond it, expired ones go, then all.
const INTROSPECTION_CACHE_MAX: usize = 10_000;
/// Least time between two JWKS fetches caused by an unknown key id: a rotation is picked up
/// within it, and tokens naming made-up key ids cost at most one fetch per interval.
const JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(5);
/// Time allowed for one request to the authorization server.
const AUTHORIZATION_SERVER_TIMEOUT: Duration = Duration::from_secs(10);

/// How the endpoint validates tokens, from the `--oauth-*` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuthOptions {
    /// This server's resource URI (`--oauth-resource`), e.g. `https://mcp.example.com/mcp`:
    /// tokens must be issued for it. Setting it turns the resource server on.
    pub resource: Option<String>,
    /// The authorization servers (`--oauth-authorization-server`): listed in the metadata, and
    /// the token issuers a JWT may name.
    pub authorization_servers: Vec<String>,
    /// Where the token issuers' signing keys are (`--oauth-jwks-url`).
    pub jwks_url: Option<String>,
    /// RFC 7662 introspection endpoint for opaque tokens (`--oauth-introspection-url`).
    pub introspection_url: Option<String>,
    /// Scopes every request needs (`--oauth-scope`), besides what each tool needs.
    pub scopes: Vec<String>,
    /// `tools/list` shows only the tools the token's scopes allow.
    pub hide_unauthorized_tools: bool,
    /// Seconds an introspection answer is kept (`--oauth-introspection-cache-seconds`,
    /// default 60; never past the token's expiry).
    pub introspection_cache_seconds: Option<u64>,
}

/// Who called, as the validated token says. Never holds the token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principal {
    /// The subject (`sub`, or the introspected `username`).
    pub subject: Option<String>,
    /// The client the token was issued to (`client_id`, or `azp`).
    pub client_id: Option<String>,
    /// The scopes granted.
    pub scopes: Vec<String>,
}

impl Principal {
    /// Whether the granted scopes satisfy one of `alternatives` (each a set of scopes that is
    /// enough on its own); no alternatives means nothing is needed.
    pub fn allows(&self, alternatives: &[&[&str]]) -> bool {
        alternatives.is_empty()
            || alternatives
                .iter()
                .any(|needed| needed.iter().all(|s| self.scopes.iter().any(|g| g == s)))
    }

    /// The scopes of the alternative that lacks the fewest, for the error that names them.
    pub fn missing(&self, alternatives: &[&[&str]]) -> Vec<String> {
        alternatives
            .iter()
            .map(|needed| {
                needed
                    .iter()
                    .filter(|s| !self.scopes.iter().any(|g| g == *s))
                    .map(|s| (*s).to_owned())
                    .collect::<Vec<_>>()
            })
            .min_by_key(Vec::len)
            .unwrap_or_default()
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No bearer token.
    Missing,
    /// A token that is not valid here; the reason is for the log and `error_description`.
    Invalid(String),
    /// A valid token without the scopes the endpoint needs.
    InsufficientScope(Vec<String>),
}

/// Validates bearer tokens and serves the metadata; shared by every request.
pub struct ResourceServer {
    options: OAuthOptions,
    name: String,
    resource: String,
    metadata_url: String,
    scopes_supported: Vec<String>,
    client: reqwest::Client,
    introspection_client: Option<(String, Secret)>,
    jwks: RwLock<Jwks>,
    introspected: Mutex<HashMap<String, (Principal, Instant)>>,
}

impl std::fmt::Debug for ResourceServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceServer")
            .field("resource", &self.resource)
            .finish()
    }
}

/// The signing keys last fetched, by key id.
#[derive(Default)]
struct Jwks {
    keys: HashMap<String, jsonwebtoken::DecodingKey>,
    /// The key of a set with one key and no ids.
    anonymous: Option<jsonwebtoken::DecodingKey>,
    fetched: Option<Instant>,
}

impl ResourceServer {
    /// The resource server for `options`, with `tool_scopes` (every scope a tool needs) listed
    /// as supported and the introspection client from `<prefix>_OAUTH_CLIENT_ID` and
    /// `_CLIENT_SECRET`. The error names what is missing.
    pub fn new(
        options: &OAuthOptions,
        env_prefix: &str,
        tool_scopes: &[&str],
        name: &str,
    ) -> Result<Option<Arc<Self>>, String> {
        let Some(resource) = options.resource.clone() else {
            let stray = options.jwks_url.is_some()
                || options.introspection_url.is_some()
                || !options.authorization_servers.is_empty()
                || !options.scopes.is_empty()
                || options.hide_unauthorized_tools;
            return match stray {
                true => Err("the --oauth-* flags and --hide-unauthorized-tools need --oauth-resource (this server's resource URI)".to_owned()),
                false => Ok(None),
            };
        };
        let parsed = reqwest::Url::parse(&resource)
            .map_err(|err| format!("--oauth-resource `{resource}` is not a URL: {err}"))?;
        if options.jwks_url.is_none() && options.introspection_url.is_none() {
            return Err(
                "--oauth-resource needs a way to validate tokens: --oauth-jwks-url (JWT access tokens) or --oauth-introspection-url (opaque tokens)"
                    .to_owned(),
            );
        }
        if options.authorization_servers.is_empty() {
            return Err("--oauth-resource needs --oauth-authorization-server (where clients get their tokens)".to_owned());
        }
        let var = |name: &str| {
            std::env::var(format!("{env_prefix}_OAUTH_{name}"))
                .ok()
                .filter(|v| !v.is_empty())
        };
        let introspection_client = match (&options.introspection_url, var("CLIENT_ID"), var("CLIENT_SECRET")) {
            (Some(_), Some(id), Some(secret)) => Some((id, Secret::new(secret))),
            (Some(_), _, _) => {
                return Err(format!(
                    "--oauth-introspection-url needs this server's client credentials in {env_prefix}_OAUTH_CLIENT_ID and {env_prefix}_OAUTH_CLIENT_SECRET"
                ))
            }
            (None, _, _) => None,
        };
        // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
        let path = parsed.path().trim_end_matches('/');
        let mut metadata = parsed.clone();
        metadata.set_path(&format!("/.well-known/oauth-protected-resource{path}"));
        metadata.set_query(None);
        let mut scopes_supported: Vec<String> = options.scopes.clone();
        for scope in tool_scopes {
            if !scopes_supported.iter().any(|s| s == scope) {
                scopes_supported.push((*scope).to_owned());
            }
        }
        let client = crate::executor::build_client(AUTHORIZATION_SERVER_TIMEOUT)?;
        Ok(Some(Arc::new(ResourceServer {
            options: options.clone(),
            name: name.to_owned(),
            resource,
            metadata_url: metadata.to_string(),
            scopes_supported,
            client,
            introspection_client,
            jwks: RwLock::new(Jwks::default()),
            introspected: Mutex::new(HashMap::new()),
        })))
    }

    /// Where the metadata is served, as named in `WWW-Authenticate`.
    pub fn metadata_url(&self) -> &str {
        &self.metadata_url
    }

    /// The path the metadata is served at (path-suffixed, RFC 9728 §3.1).
    pub fn metadata_path(&self) -> String {
        reqwest::Url::parse(&self.metadata_url)
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| "/.well-known/oauth-protected-resource".to_owned())
    }

    /// Whether `tools/list` shows only what the token allows.
    pub fn hides_unauthorized_tools(&self) -> bool {
        self.options.hide_unauthorized_tools
    }

    /// The Protected Resource Metadata document (RFC 9728 §2).
    pub fn metadata(&self) -> Value {
        serde_json::json!({
            "resource": self.resource,
            "authorization_servers": self.options.authorization_servers,
            "scopes_supported": self.scopes_supported,
            "bearer_methods_supported": ["header"],
            "resource_name": self.name,
        })
    }

    /// The `WWW-Authenticate` value for a refusal (RFC 6750 §3, RFC 9728 §5.1).
    pub fn challenge(&self, refusal: &Refusal) -> String {
        let quoted = |s: &str| s.replace(['\\', '"'], "");
        let mut parts = Vec::new();
        match refusal {
            Refusal::Missing => {}
            Refusal::Invalid(reason) => {
                parts.push("error=\"invalid_token\"".to_owned());
                parts.push(format!("error_description=\"{}\"", quoted(reason)));
            }
            Refusal::InsufficientScope(_) => parts.push("error=\"insufficient_scope\"".to_owned()),
        }
        let scope = match refusal {
            Refusal::InsufficientScope(needed) => needed.join(" "),
            _ => self.options.scopes.join(" "),
        };
        if !scope.is_empty() {
            parts.push(format!("scope=\"{}\"", quoted(&scope)));
        }
        parts.push(format!("resource_metadata=\"{}\"", self.metadata_url));
        format!("Bearer {}", parts.join(", "))
    }

    /// Validates the `Authorization` header of a request to the MCP endpoint.
    pub async fn authorize(&self, authorization: Option<&str>) -> Result<Principal, Refusal> {
        let token = match authorization.map(str::trim) {
            Some(value) if value.len() > 7 && value[..7].eq_ignore_ascii_case("bearer ") => {
                value[7..].trim()
            }
            Some(_) => {
                return Err(Refusal::Invalid(
                    "the Authorization header is not a Bearer token".to_owned(),
                ))
            }
            None => return Err(Refusal::Missing),
        };
        if token.is_empty() {
            return Err(Refusal::Missing);
        }
        let principal = if self.options.jwks_url.is_some() && looks_like_jwt(token) {
            self.validate_jwt(token).await?
        } else if self.options.introspection_url.is_some() {
            self.introspect(token).await?
        } else {
            return Err(Refusal::Invalid("the token is not a JWT".to_owned()));
        };
        let needed: Vec<&str> = self.options.scopes.iter().map(String::as_str).collect();
        if !principal.allows(&[&needed]) {
            return Err(Refusal::InsufficientScope(self.options.scopes.clone()));
        }
        Ok(principal)
    }

    async fn validate_jwt(&self, token: &str) -> Result<Principal, Refusal> {
        use jsonwebtoken::Algorithm;
        let invalid = |reason: String| Refusal::Invalid(reason);
        let header = jsonwebtoken::decode_header(token)
            .map_err(|err| invalid(format!("the JWT header cannot be read: {err}")))?;
        // Asymmetric algorithms only: an HMAC token would be checked against a public key.
        if !matches!(
            header.alg,
            Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512
                | Algorithm::ES256
                | Algorithm::ES384
                | Algorithm::EdDSA
        ) {
            return Err(invalid(format!(
                "the JWT algorithm {:?} is not accepted",
                header.alg
            )));
        }
        let key = self.signing_key(header.kid.as_deref()).await?;
        let mut validation = jsonwebtoken::Validation::new(header.alg);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_audience(&[self.resource.as_str()]);
        validation.set_issuer(&self.options.authorization_servers);
        validation.set_required_spec_claims(&["exp", "aud", "iss"]);
        let data = jsonwebtoken::decode::<Value>(token, &key, &validation)
            .map_err(|err| invalid(format!("the JWT is not valid here: {err}")))?;
        let claims = data.claims;
        let text = |key: &str| claims.get(key).and_then(Value::as_str).map(str::to_owned);
        Ok(Principal {
            subject: text("sub"),
            client_id: text("client_id").or_else(|| text("azp")),
            scopes: scopes_of(claims.get("scope").or_else(|| claims.get("scp"))),
        })
    }

    /// The key for `kid` from the JWKS, fetched again (at most every few seconds) when the id is
    /// unknown: its issuer rotated its keys.
    async fn signing_key(&self, kid: Option<&str>) -> Result<jsonwebtoken::DecodingKey, Refusal> {
        let find = |jwks: &Jwks| match kid {
            Some(kid) => jwks.keys.get(kid).cloned(),
            None => jwks.anonymous.clone(),
        };
        if let Some(key) = find(&*self.jwks.read().await) {
            return Ok(key);
        }
        let mut jwks = self.jwks.write().await;
        if let Some(key) = find(&jwks) {
            return Ok(key);
        }
        let recent = jwks
            .fetched
            .is_some_and(|at| at.elapsed() < JWKS_REFETCH_INTERVAL);
        if !recent {
            *jwks = self.fetch_jwks().await?;
        }
        find(&jwks).ok_or_else(|| {
            Refusal::Invalid(match kid {
                Some(kid) => format!("no signing key `{kid}` in the token issuer's JWKS"),
                None => "the JWT names no key id and the JWKS has more than one key".to_owned(),
            })
        })
    }

    async fn fetch_jwks(&self) -> Result<Jwks, Refusal> {
        let url = self.options.jwks_url.as_deref().unwrap_or_default();
        let unavailable = |err: String| {
            tracing::warn!(url, error = %err, "cannot fetch the JWKS");
            Refusal::Invalid("the token issuer's signing keys are unavailable".to_owned())
        };
        let set: jsonwebtoken::jwk::JwkSet = json_answer(self.client.get(url))
            .await
            .map_err(unavailable)?;
        let mut jwks = Jwks {
            fetched: Some(Instant::now()),
            ..Jwks::default()
        };
        for jwk in &set.keys {
            let Ok(key) = jsonwebtoken::DecodingKey::from_jwk(jwk) else {
                continue;
            };
            match &jwk.common.key_id {
                Some(kid) => {
                    jwks.keys.insert(kid.clone(), key);
                }
                None if set.keys.len() == 1 => jwks.anonymous = Some(key),
                None => {}
            }
        }
        tracing::info!(url, keys = jwks.keys.len(), "fetched the JWKS");
        Ok(jwks)
    }

    /// RFC 7662: asks the authorization server about an opaque token, authenticated with this
    /// server's own client credentials; an active answer is kept for a short, bounded time.
    async fn introspect(&self, token: &str) -> Result<Principal, Refusal> {
        if let Some((principal, until)) = self.introspected.lock().await.get(token) {
            if Instant::now() < *until {
                return Ok(principal.clone());
            }
        }
        let url = self
            .options
            .introspection_url
            .as_deref()
            .unwrap_or_default();
        let Some((client_id, secret)) = &self.introspection_client else {
            return Err(Refusal::Invalid(
                "introspection is not configured".to_owned(),
            ));
        };
        let unavailable = |err: String| {
            tracing::warn!(url, error = %err, "token introspection failed");
            Refusal::Invalid(
                "the token could not be checked with the authorization server".to_owned(),
            )
        };
        let request = self
            .client
            .post(url)
            .basic_auth(client_id, Some(secret.expose()))
            .header(reqwest::header::CONTENT_TYPE, crate::token::FORM)
            .body(crate::token::form_body(&[
                ("token", token),
                ("token_type_hint", "access_token"),
            ]));
        let answer: Value = json_answer(request).await.map_err(unavailable)?;
        if answer.get("active").and_then(Value::as_bool) != Some(true) {
            return Err(Refusal::Invalid("the token is not active".to_owned()));
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let exp = answer.get("exp").and_then(Value::as_u64);
        if exp.is_some_and(|exp| exp + LEEWAY_SECONDS < now) {
            return Err(Refusal::Invalid("the token has expired".to_owned()));
        }
        // An audience, when the authorization server states one, must include this server.
        let audiences: Vec<&str> = match answer.get("aud") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !audiences.is_empty() && !audiences.contains(&self.resource.as_str()) {
            return Err(Refusal::Invalid(
                "the token was issued for another resource".to_owned(),
            ));
        }
        let text = |key: &str| answer.get(key).and_then(Value::as_str).map(str::to_owned);
        let principal = Principal {
            subject: text("sub").or_else(|| text("username")),
            client_id: text("client_id"),
            scopes: scopes_of(answer.get("scope")),
        };
        let mut ttl = self
            .options
            .introspection_cache_seconds
            .map_or(INTROSPECTION_TTL, Duration::from_secs);
        if let Some(exp) = exp {
            ttl = ttl.min(Duration::from_secs(exp.saturating_sub(now)));
        }
        let mut cache = self.introspected.lock().await;
        if cache.len() >= INTROSPECTION_CACHE_MAX {
            let now = Instant::now();
            cache.retain(|_, (_, until)| *until > now);
            if cache.len() >= INTROSPECTION_CACHE_MAX {
                cache.clear();
            }
        }
        cache.insert(token.to_owned(), (principal.clone(), Instant::now() + ttl));
        Ok(principal)
    }
}

/// Sends `request` to the authorization server and reads its JSON answer; the error says what
/// failed (for the log, not the caller).
async fn json_answer<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
) -> Result<T, String> {
    let body = request
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|err| err.to_string())?
        .bytes()
        .await
        .map_err(|err| err.to_string())?;
    serde_json::from_slice(&body).map_err(|err| err.to_string())
}

/// Three base64url segments, the first a JSON object: worth checking as a JWT.
fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3 && token.starts_with("eyJ")
}

/// Scopes from a `scope` string (space-separated) or an array (`scp`).
fn scopes_of(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(text)) => text.split_whitespace().map(str::to_owned).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(scopes: &[&str]) -> Arc<ResourceServer> {
        // As the server's main does before anything builds an HTTP client.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let options = OAuthOptions {
            resource: Some("https://mcp.example.com/mcp".into()),
            authorization_servers: vec!["https://auth.example.com/".into()],
            jwks_url: Some("https://auth.example.com/jwks".into()),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            ..OAuthOptions::default()
        };
        ResourceServer::new(&options, "X", &["read", "write"], "Shop")
            .unwrap()
            .unwrap()
    }

    #[test]
    fn metadata_sits_at_the_path_suffixed_well_known_url() {
        let server = server(&["mcp"]);
        assert_eq!(
            server.metadata_url(),
            "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
        );
        assert_eq!(
            server.metadata_path(),
            "/.well-known/oauth-protected-resource/mcp"
        );
        let doc = server.metadata();
        assert_eq!(doc["resource"], "https://mcp.example.com/mcp");
        assert_eq!(
            doc["scopes_supported"],
            serde_json::json!(["mcp", "read", "write"])
        );
    }

    #[test]
    fn challenges_name_the_metadata_and_what_is_missing() {
        let server = server(&[]);
        assert_eq!(
            server.challenge(&Refusal::Missing),
            "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\""
        );
        let scoped = server.challenge(&Refusal::InsufficientScope(vec!["write".into()]));
        assert!(scoped.starts_with(
            "Bearer error=\"insufficient_scope\", scope=\"write\", resource_metadata="
        ));
        let invalid = server.challenge(&Refusal::Invalid("it \"expired\"".into()));
        assert!(invalid.contains("error=\"invalid_token\", error_description=\"it expired\""));
    }

    #[test]
    fn scopes_allow_any_one_alternative() {
        let caller = Principal {
            scopes: vec!["read".into()],
            ..Principal::default()
        };
        assert!(caller.allows(&[]));
        assert!(caller.allows(&[&["read"]]));
        assert!(caller.allows(&[&["write"], &["read"]]));
        assert!(!caller.allows(&[&["read", "write"]]));
        assert_eq!(
            caller.missing(&[&["read", "write"], &["admin", "write", "x"]]),
            ["write"]
        );
    }

    #[test]
    fn flags_without_a_resource_or_a_validator_are_errors() {
        let stray = OAuthOptions {
            jwks_url: Some("https://a/jwks".into()),
            ..OAuthOptions::default()
        };
        assert!(ResourceServer::new(&stray, "X", &[], "S")
            .unwrap_err()
            .contains("--oauth-resource"));
        let no_validator = OAuthOptions {
            resource: Some("https://mcp/mcp".into()),
            authorization_servers: vec!["https://a".into()],
            ..OAuthOptions::default()
        };
        assert!(ResourceServer::new(&no_validator, "X", &[], "S")
            .unwrap_err()
            .contains("--oauth-jwks-url"));
        assert!(ResourceServer::new(&OAuthOptions::default(), "X", &[], "S")
            .unwrap()
            .is_none());
    }
}
