//! Upstream OAuth: the server as an OAuth client of the API, so its access tokens do not expire
//! under it. For an oauth2 scheme, `<PREFIX>_<SCHEME>_CLIENT_ID` and `_CLIENT_SECRET` obtain
//! tokens with the client-credentials grant from the spec's `tokenUrl` (overridable with
//! `_TOKEN_URL`), with the scheme's scopes; adding `_REFRESH_TOKEN` keeps a user-granted token
//! alive with the refresh-token grant instead. A token is renewed before it expires, one fetch
//! at a time however many calls wait for it.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Mutex;

use crate::auth::Secret;
use crate::def::SecurityScheme;

/// The media type of OAuth's form requests.
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// `pairs` as an `application/x-www-form-urlencoded` body.
pub(crate) fn form_body<V: AsRef<str>>(pairs: &[(&str, V)]) -> String {
    let mut body = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        body.append_pair(name, value.as_ref());
    }
    body.finish()
}

/// Time allowed for one token request.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(15);
/// Lifetime assumed when the answer has no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

/// How a token is obtained.
#[derive(Debug)]
enum Grant {
    /// `grant_type=client_credentials`.
    ClientCredentials,
    /// `grant_type=refresh_token`, with the latest refresh token (servers may rotate it).
    RefreshToken(Mutex<Secret>),
}

/// The access tokens of one oauth2 scheme, obtained and renewed by the server.
#[derive(Debug)]
pub struct TokenSource {
    scheme: &'static str,
    token_url: String,
    client_id: String,
    client_secret: Option<Secret>,
    scopes: &'static [&'static str],
    grant: Grant,
    /// The variables that configure it, for error messages.
    vars: String,
    current: Mutex<Option<(Secret, Instant)>>,
    client: reqwest::Client,
}

impl TokenSource {
    /// The token source `lookup` configures for `scheme`, if any; the error says which variable
    /// is missing.
    pub fn from_lookup(
        scheme: &'static SecurityScheme,
        base_url: &str,
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Option<TokenSource>, String> {
        let Some(flows) = scheme.oauth else {
            return Ok(None);
        };
        let var = |suffix: &str| format!("{}_{suffix}", scheme.env_var);
        let get = |suffix: &str| lookup(&var(suffix)).filter(|v| !v.is_empty());
        let Some(client_id) = get("CLIENT_ID") else {
            return Ok(None);
        };
        let client_secret = get("CLIENT_SECRET").map(Secret::new);
        let grant = match get("REFRESH_TOKEN") {
            Some(refresh) => Grant::RefreshToken(Mutex::new(Secret::new(refresh))),
            None if flows.client_credentials => {
                if client_secret.is_none() {
                    return Err(format!(
                        "{} is set but {} is not: the client-credentials grant needs both",
                        var("CLIENT_ID"),
                        var("CLIENT_SECRET")
                    ));
                }
                Grant::ClientCredentials
            }
            None => {
                return Err(format!(
                    "{} is set, but scheme `{}` has no clientCredentials flow: set {} (a refresh token) too, or give a token in {}",
                    var("CLIENT_ID"),
                    scheme.name,
                    var("REFRESH_TOKEN"),
                    scheme.env_var
                ))
            }
        };
        let token_url = get("TOKEN_URL")
            .or_else(|| flows.token_url.map(str::to_owned))
            .ok_or_else(|| {
                format!(
                    "scheme `{}` names no tokenUrl: set {}",
                    scheme.name,
                    var("TOKEN_URL")
                )
            })?;
        // A relative tokenUrl is relative to the API's server (OpenAPI 3 §4.8.27).
        let token_url = reqwest::Url::parse(base_url)
            .and_then(|base| base.join(&token_url))
            .map(|url| url.to_string())
            .map_err(|err| {
                format!(
                    "the token URL `{token_url}` of `{}` is not usable: {err}",
                    scheme.name
                )
            })?;
        let vars = match &grant {
            Grant::ClientCredentials => {
                format!("{} and {}", var("CLIENT_ID"), var("CLIENT_SECRET"))
            }
            Grant::RefreshToken(_) => format!(
                "{}, {} and {}",
                var("CLIENT_ID"),
                var("CLIENT_SECRET"),
                var("REFRESH_TOKEN")
            ),
        };
        let client = crate::executor::build_client(TOKEN_TIMEOUT)?;
        Ok(Some(TokenSource {
            scheme: scheme.name,
            token_url,
            client_id,
            client_secret,
            scopes: flows.scopes,
            grant,
            vars,
            current: Mutex::new(None),
            client,
        }))
    }

    /// A token valid for a while yet: the current one, or a new one. Callers that arrive during
    /// a fetch wait for it instead of fetching too.
    pub async fn token(&self) -> Result<Secret, String> {
        let mut current = self.current.lock().await;
        if let Some((token, renew_at)) = &*current {
            if Instant::now() < *renew_at {
                return Ok(token.clone());
            }
        }
        let (token, lifetime) = self.fetch().await?;
        // Renewed ahead of expiry: a tenth of its life early, at least 5 s, at most a minute.
        let margin = (lifetime / 10).clamp(Duration::from_secs(5), Duration::from_secs(60));
        let renew_at = Instant::now() + lifetime.saturating_sub(margin);
        *current = Some((token.clone(), renew_at));
        Ok(token)
    }

    /// Forgets the current token (the upstream refused it), so the next call fetches one.
    pub async fn forget(&self) {
        *self.current.lock().await = None;
    }

    async fn fetch(&self) -> Result<(Secret, Duration), String> {
        let mut form: Vec<(&str, String)> = Vec::new();
        match &self.grant {
            Grant::ClientCredentials => form.push(("grant_type", "client_credentials".to_owned())),
            Grant::RefreshToken(refresh) => {
                form.push(("grant_type", "refresh_token".to_owned()));
                form.push(("refresh_token", refresh.lock().await.expose().to_owned()));
            }
        }
        // A refreshed token keeps the scopes granted with it.
        if matches!(self.grant, Grant::ClientCredentials) && !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let mut request = self.client.post(&self.token_url);
        request = match &self.client_secret {
            Some(secret) => request.basic_auth(&self.client_id, Some(secret.expose())),
            // A public client names itself in the form.
            None => {
                form.push(("client_id", self.client_id.clone()));
                request
            }
        };
        let failed = |what: String| {
            format!(
                "cannot obtain an access token for `{}` from {}: {what}; check {}",
                self.scheme, self.token_url, self.vars
            )
        };
        let response = request
            .header(reqwest::header::CONTENT_TYPE, FORM)
            .body(form_body(&form))
            .send()
            .await
            .map_err(|err| failed(err.to_string()))?;
        let status = response.status();
        let body: Value = response
            .bytes()
            .await
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null);
        if !status.is_success() {
            let error = body.get("error").and_then(Value::as_str).unwrap_or("");
            let described = body
                .get("error_description")
                .and_then(Value::as_str)
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            return Err(failed(format!(
                "the token endpoint answered {status} {error}{described}"
            )));
        }
        let token = body
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| failed("the answer has no access_token".to_owned()))?;
        let lifetime = body
            .get("expires_in")
            .and_then(Value::as_u64)
            .map_or(DEFAULT_LIFETIME, Duration::from_secs);
        if let (Grant::RefreshToken(refresh), Some(rotated)) = (
            &self.grant,
            body.get("refresh_token").and_then(Value::as_str),
        ) {
            *refresh.lock().await = Secret::new(rotated.to_owned());
        }
        tracing::info!(
            scheme = self.scheme,
            expires_in_s = lifetime.as_secs(),
            "obtained an upstream access token"
        );
        Ok((Secret::new(token.to_owned()), lifetime))
    }
}
