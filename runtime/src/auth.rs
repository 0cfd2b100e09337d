//! Credentials: read once from the environment, attached per request, never logged. An oauth2
//! scheme's token can also be obtained and renewed by the server ([`crate::token`]).

use std::sync::Arc;

use crate::def::{SchemeKind, SecurityScheme};
use crate::token::TokenSource;

/// A secret that refuses to show itself in `Debug` output or logs.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The value, for attaching to a request only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The credentials found in the environment, one per security scheme that has its variable set.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    found: Vec<(&'static SecurityScheme, Secret)>,
    /// Schemes whose tokens the server obtains itself (a static credential wins over these).
    managed: Vec<(&'static SecurityScheme, Arc<TokenSource>)>,
}

/// How one request is to be authenticated.
#[derive(Debug, Default)]
pub struct Applied {
    /// Headers to add.
    pub headers: Vec<(&'static str, String)>,
    /// Query pairs to add.
    pub query: Vec<(&'static str, String)>,
    /// Cookies to add.
    pub cookies: Vec<(&'static str, String)>,
}

impl Credentials {
    /// Reads one variable per scheme; empty values count as unset.
    pub fn from_env(schemes: &'static [SecurityScheme]) -> Self {
        Self::from_lookup(schemes, |var| std::env::var(var).ok())
    }

    /// Like [`Credentials::from_env`], with the lookup given (for tests).
    pub fn from_lookup(
        schemes: &'static [SecurityScheme],
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let found = schemes
            .iter()
            .filter_map(|scheme| {
                let value = lookup(scheme.env_var)?;
                (!value.is_empty()).then_some((scheme, Secret(value)))
            })
            .collect();
        Credentials {
            found,
            managed: Vec::new(),
        }
    }

    /// Adds a token source for each oauth2 scheme whose client variables `lookup` finds
    /// (`<VAR>_CLIENT_ID`, …) and that has no static credential; relative token URLs are taken
    /// from `base_url`. The error names the variable that is missing or wrong.
    pub fn with_token_sources(
        mut self,
        schemes: &'static [SecurityScheme],
        base_url: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        for scheme in schemes {
            if self.get(scheme.name).is_some() {
                continue;
            }
            if let Some(source) = TokenSource::from_lookup(scheme, base_url, &lookup)? {
                self.managed.push((scheme, Arc::new(source)));
            }
        }
        Ok(self)
    }

    fn get(&self, scheme: &str) -> Option<(&'static SecurityScheme, &Secret)> {
        self.found
            .iter()
            .find(|(s, _)| s.name == scheme)
            .map(|(s, secret)| (*s, secret))
    }

    /// Names of the schemes that have a credential, for the startup log line.
    pub fn configured(&self) -> Vec<&'static str> {
        self.found
            .iter()
            .map(|(s, _)| s.name)
            .chain(self.managed.iter().map(|(s, _)| s.name))
            .collect()
    }

    fn has(&self, scheme: &str) -> bool {
        self.get(scheme).is_some() || self.managed.iter().any(|(s, _)| s.name == scheme)
    }

    /// Like [`Credentials::apply`], obtaining (or renewing) the tokens the server manages for the
    /// chosen alternative first. The error says why a token could not be had.
    pub async fn resolve(&self, requirements: &[&[&str]]) -> Result<Applied, String> {
        let Some(alternative) = self.choose(requirements) else {
            return Ok(Applied::default());
        };
        let mut fetched: Vec<(&str, Secret)> = Vec::new();
        for name in alternative.iter() {
            if self.get(name).is_none() {
                if let Some((_, source)) = self.managed.iter().find(|(s, _)| s.name == *name) {
                    fetched.push((name, source.token().await?));
                }
            }
        }
        Ok(self.lay_out(alternative, &fetched))
    }

    /// Forgets the managed tokens of `requirements`' schemes (the upstream refused one), so the
    /// next call obtains new ones. Whether there were any.
    pub async fn forget_tokens(&self, requirements: &[&[&str]]) -> bool {
        let mut any = false;
        for (scheme, source) in &self.managed {
            if requirements.iter().any(|alt| alt.contains(&scheme.name)) {
                source.forget().await;
                any = true;
            }
        }
        any
    }

    /// The first alternative whose schemes all have credentials, static or managed.
    fn choose<'r>(&self, requirements: &'r [&'r [&'r str]]) -> Option<&'r [&'r str]> {
        requirements
            .iter()
            .filter(|alt| !alt.is_empty())
            .find(|alt| alt.iter().all(|name| self.has(name)))
            .copied()
    }

    /// Picks the first requirement alternative whose schemes all have credentials (an anonymous
    /// alternative only when none does) and lays out what to send. With none satisfied the request
    /// goes without credentials, and the upstream's 401/403 is explained to the caller.
    pub fn apply(&self, requirements: &[&[&str]]) -> Applied {
        match self.choose(requirements) {
            Some(alternative) => self.lay_out(alternative, &[]),
            None => Applied::default(),
        }
    }

    /// What to send for `alternative`: static credentials, and the managed tokens `fetched`.
    fn lay_out(&self, alternative: &[&str], fetched: &[(&str, Secret)]) -> Applied {
        let mut applied = Applied::default();
        for name in alternative.iter() {
            let (scheme, value) = match self.get(name) {
                Some((scheme, secret)) => (scheme, secret.expose()),
                None => {
                    let managed = self.managed.iter().find(|(s, _)| s.name == *name);
                    let token = fetched.iter().find(|(n, _)| n == name);
                    match (managed, token) {
                        (Some((scheme, _)), Some((_, token))) => (*scheme, token.expose()),
                        _ => continue,
                    }
                }
            };
            match scheme.kind {
                SchemeKind::ApiKeyHeader(header) => {
                    applied.headers.push((header, value.to_owned()))
                }
                SchemeKind::ApiKeyQuery(param) => applied.query.push((param, value.to_owned())),
                SchemeKind::ApiKeyCookie(cookie) => {
                    applied.cookies.push((cookie, value.to_owned()))
                }
                SchemeKind::Bearer => applied
                    .headers
                    .push(("Authorization", format!("Bearer {value}"))),
                SchemeKind::Basic => applied.headers.push(("Authorization", basic(value))),
            }
        }
        applied
    }
}

/// `Basic base64(user:password)`.
fn basic(user_password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user_password)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    static SCHEMES: &[SecurityScheme] = &[
        SecurityScheme {
            name: "tokenAuth",
            env_var: "T",
            kind: SchemeKind::ApiKeyHeader("Authorization"),
            oauth: None,
        },
        SecurityScheme {
            name: "basicAuth",
            env_var: "B",
            kind: SchemeKind::Basic,
            oauth: None,
        },
    ];

    #[test]
    fn basic_is_base64_of_user_password() {
        assert_eq!(
            basic("Aladdin:open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic("a:b"), "Basic YTpi");
    }

    #[test]
    fn first_satisfied_alternative_wins_and_secrets_stay_hidden() {
        let creds = Credentials::from_lookup(SCHEMES, |v| (v == "B").then(|| "u:p".to_owned()));
        let applied = creds.apply(&[&["tokenAuth"], &["basicAuth"], &[]]);
        assert_eq!(
            applied.headers,
            vec![("Authorization", "Basic dTpw".to_owned())]
        );
        assert!(!format!("{creds:?}").contains("u:p"));
        let none = Credentials::default().apply(&[&["tokenAuth"], &[]]);
        assert!(none.headers.is_empty());
    }
}
