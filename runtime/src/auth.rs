//! Credentials: read once from the environment, attached per request, never logged.

use crate::def::{SchemeKind, SecurityScheme};

/// A secret that refuses to show itself in `Debug` output or logs.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
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
        Credentials { found }
    }

    fn get(&self, scheme: &str) -> Option<(&'static SecurityScheme, &Secret)> {
        self.found
            .iter()
            .find(|(s, _)| s.name == scheme)
            .map(|(s, secret)| (*s, secret))
    }

    /// Names of the schemes that have a credential, for the startup log line.
    pub fn configured(&self) -> Vec<&'static str> {
        self.found.iter().map(|(s, _)| s.name).collect()
    }

    /// Picks the first requirement alternative whose schemes all have credentials (an anonymous
    /// alternative only when none does) and lays out what to send. With none satisfied the request
    /// goes without credentials, and the upstream's 401/403 is explained to the caller.
    pub fn apply(&self, requirements: &[&[&str]]) -> Applied {
        let mut applied = Applied::default();
        let chosen = requirements
            .iter()
            .filter(|alt| !alt.is_empty())
            .find(|alt| alt.iter().all(|name| self.get(name).is_some()));
        let Some(alternative) = chosen else {
            return applied;
        };
        for name in alternative.iter() {
            let Some((scheme, secret)) = self.get(name) else {
                continue;
            };
            let value = secret.expose();
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
        },
        SecurityScheme {
            name: "basicAuth",
            env_var: "B",
            kind: SchemeKind::Basic,
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
