//! The server's command-line options, parsed by hand.
//!
//! A derive-based parser (clap) cost every generated crate two proc-macro crates and about ten
//! seconds of CPU in a clean debug build, for a dozen `--name value` flags. This parser accepts
//! `--name value` and `--name=value`, repeatable flags, `--help`; errors name the flag and what
//! it expects, and unknown flags get the closest known name.

use std::net::SocketAddr;
use std::str::FromStr;

use crate::caller::ForwardRule;
use crate::def::{ApiDef, ToolMode};

/// Transports the server can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// JSON-RPC over stdin/stdout (desktop clients).
    Stdio,
    /// Streamable HTTP at `/mcp`.
    Http,
}

/// Command-line options shared by every generated server.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// How MCP clients connect.
    pub transport: Transport,
    /// Address to listen on with `--transport http`.
    pub listen: SocketAddr,
    /// Upstream base URL; `None` falls back to the environment, then the spec.
    pub base_url: Option<String>,
    /// Seconds allowed for one upstream request; `None` falls back to the environment, then 30.
    pub timeout: Option<f64>,
    /// Largest upstream response body passed back whole, in bytes.
    pub max_response_bytes: usize,
    /// Extra `Host` values accepted over HTTP.
    pub allowed_hosts: Vec<String>,
    /// Extra browser origins accepted over HTTP.
    pub allowed_origins: Vec<String>,
    /// Incoming MCP HTTP headers passed upstream.
    pub forward_headers: Vec<ForwardRule>,
    /// Values of the headers the server fills (`--header NAME=VALUE`).
    pub headers: Vec<(String, String)>,
    /// The folder file arguments may name paths in.
    pub upload_dir: Option<std::path::PathBuf>,
    /// Refuse arguments that do not fit as given instead of converting what converts losslessly.
    pub strict_arguments: bool,
    /// Pages one read fetches at most (1: only the next page's arguments are given).
    pub max_pages: usize,
    /// Environment variable holding the bearer token the HTTP endpoint demands.
    pub require_bearer_env: Option<String>,
    /// Extra attempts for idempotent requests.
    pub retries: u32,
    /// Largest MCP HTTP request body accepted, in bytes.
    pub max_request_bytes: usize,
    /// Overrides the generated mode.
    pub mode: Option<ToolMode>,
    /// The HTTP endpoint as an OAuth resource server (`--oauth-*`).
    pub oauth: crate::oauth::OAuthOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            transport: Transport::Stdio,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: None,
            timeout: None,
            max_response_bytes: 1024 * 1024,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            forward_headers: Vec::new(),
            headers: Vec::new(),
            upload_dir: None,
            strict_arguments: false,
            max_pages: 1,
            require_bearer_env: None,
            retries: 2,
            max_request_bytes: 1024 * 1024,
            mode: None,
            oauth: crate::oauth::OAuthOptions::default(),
        }
    }
}

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Serve with these options.
    Run(Box<Options>),
    /// Print [`help`] and exit.
    Help,
    /// Print the version and exit.
    Version,
}

/// A command line that cannot be used, with the flag it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// A flag that does not exist; `suggestion` is the closest known one.
    #[error("unexpected argument `{given}`{}", suggestion.map(|name| format!("; did you mean `--{name}`?")).unwrap_or_default())]
    Unknown {
        /// The argument as given.
        given: String,
        /// A known flag within a small edit distance.
        suggestion: Option<&'static str>,
    },
    /// A flag given without its value.
    #[error("`--{0}` needs a value")]
    MissingValue(&'static str),
    /// A value the flag cannot take.
    #[error("invalid value `{value}` for `--{flag}`: {expected}")]
    Invalid {
        /// The flag.
        flag: &'static str,
        /// The value as given.
        value: String,
        /// What the flag accepts.
        expected: String,
    },
    /// A flag that takes no value was given one (`--help=x`).
    #[error("`--{0}` takes no value")]
    UnexpectedValue(&'static str),
    /// A single-valued flag given twice.
    #[error("`--{0}` was given more than once")]
    Repeated(&'static str),
    /// An argument that is not valid Unicode, shown lossily.
    #[error("argument `{0}` is not valid Unicode")]
    NotUnicode(String),
}

impl OptionsError {
    /// The error for an argument the OS handed over as non-Unicode bytes.
    pub fn not_unicode(arg: std::ffi::OsString) -> Self {
        OptionsError::NotUnicode(arg.to_string_lossy().into_owned())
    }
}

/// The flags, so that storing a value is an exhaustive `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    Transport,
    Listen,
    BaseUrl,
    Timeout,
    MaxResponseBytes,
    AllowedHost,
    AllowedOrigin,
    ForwardHeader,
    Header,
    UploadDir,
    StrictArguments,
    MaxPages,
    RequireBearerEnv,
    Retries,
    MaxRequestBytes,
    Mode,
    OAuthResource,
    OAuthAuthorizationServer,
    OAuthJwksUrl,
    OAuthIntrospectionUrl,
    OAuthIntrospectionCacheSeconds,
    OAuthScope,
    HideUnauthorizedTools,
    Help,
    Version,
}

/// One flag as the command line spells it and `--help` shows it.
struct Spelling {
    flag: Flag,
    name: &'static str,
    /// Value placeholder; empty for a flag without a value.
    value: &'static str,
    about: &'static str,
    repeatable: bool,
}

const fn spelling(
    flag: Flag,
    name: &'static str,
    value: &'static str,
    about: &'static str,
) -> Spelling {
    Spelling {
        flag,
        name,
        value,
        about,
        repeatable: false,
    }
}

impl Spelling {
    /// The same flag, accepted more than once (each value is kept).
    const fn repeatable(self) -> Spelling {
        Spelling {
            repeatable: true,
            ..self
        }
    }
}

/// Every flag, in the order `--help` prints them.
const FLAGS: &[Spelling] = &[
    spelling(Flag::Transport, "transport", "<stdio|http>", "How MCP clients connect [default: stdio]"),
    spelling(Flag::Listen, "listen", "<ADDR>", "Address to listen on with `--transport http` [default: 127.0.0.1:8080]"),
    spelling(Flag::BaseUrl, "base-url", "<URL>", "Upstream base URL [default: env <PREFIX>_BASE_URL<SERVER>]"),
    spelling(Flag::Timeout, "timeout", "<SECONDS>", "Seconds allowed for one upstream request [default: env <PREFIX>_TIMEOUT, else 30]"),
    spelling(Flag::MaxResponseBytes, "max-response-bytes", "<BYTES>", "Largest upstream response body passed back whole [default: 1048576]"),
    spelling(Flag::AllowedHost, "allowed-host", "<HOST>", "Extra `Host` value accepted over HTTP (loopback names always are); repeatable").repeatable(),
    spelling(Flag::AllowedOrigin, "allowed-origin", "<ORIGIN>", "Extra browser origin accepted over HTTP, e.g. `https://app.example.com:443` (loopback origins always are; any other `Origin` is refused); repeatable").repeatable(),
    spelling(Flag::ForwardHeader, "forward-header", "<NAME|INCOMING:UPSTREAM>", "Pass this header of each incoming MCP HTTP request upstream, replacing a static credential in the same header; repeatable. Off by default: read docs/deployment.md on token passthrough first").repeatable(),
    spelling(Flag::Header, "header", "<NAME=VALUE>", "The value of a header the server fills for the operations that take it (a CSRF token, Accept-Language), instead of its environment variable; repeatable").repeatable(),
    spelling(Flag::UploadDir, "upload-dir", "<DIR>", "Let file arguments of uploads name a path inside DIR instead of carrying base64 content (off by default: the agent then chooses which of these files go to the API; nothing outside DIR is ever read)"),
    spelling(Flag::StrictArguments, "strict-arguments", "", "Refuse arguments that do not fit the input schema as given, instead of converting what converts without loss (\"300\" for an integer, 5 for a string)"),
    spelling(Flag::MaxPages, "max-pages", "<N>", "Pages one read fetches at once, following `next` or a Link header, within --max-response-bytes [default: 1]"),
    spelling(Flag::RequireBearerEnv, "require-bearer-env", "<VAR>", "Demand `Authorization: Bearer <value of VAR>` on the HTTP endpoint (401 otherwise)"),
    spelling(Flag::Retries, "retries", "<N>", "Extra attempts for idempotent requests (GET, HEAD, OPTIONS, TRACE, PUT, DELETE, and a POST with a generated Idempotency-Key) after a connect error, a 502/503/504, or a 429 with a short Retry-After [default: 2]"),
    spelling(Flag::MaxRequestBytes, "max-request-bytes", "<BYTES>", "Largest MCP HTTP request body accepted (413 beyond) [default: 1048576]"),
    spelling(Flag::Mode, "mode", "<operations|dynamic>", "How operations are offered: one tool each, or three meta tools (search, describe, call) for large APIs [default: as generated]"),
    spelling(Flag::OAuthResource, "oauth-resource", "<URL>", "Make the HTTP endpoint an OAuth 2.1 resource server with this resource URI (e.g. https://mcp.example.com/mcp): tokens must be issued for it; metadata at /.well-known/oauth-protected-resource/<path> (see docs/deployment.md)"),
    spelling(Flag::OAuthAuthorizationServer, "oauth-authorization-server", "<URL>", "An authorization server clients get tokens from (listed in the metadata; a JWT's `iss` must be one of them); repeatable").repeatable(),
    spelling(Flag::OAuthJwksUrl, "oauth-jwks-url", "<URL>", "Validate JWT access tokens with the token issuer's keys from this JWKS (RS256, ES256, EdDSA, …; fetched again on an unknown key id)"),
    spelling(Flag::OAuthIntrospectionUrl, "oauth-introspection-url", "<URL>", "Validate opaque access tokens by RFC 7662 introspection, as the client in <PREFIX>_OAUTH_CLIENT_ID and <PREFIX>_OAUTH_CLIENT_SECRET"),
    spelling(Flag::OAuthIntrospectionCacheSeconds, "oauth-introspection-cache-seconds", "<N>", "Seconds an introspection answer is kept, never past the token's expiry [default: 60]"),
    spelling(Flag::OAuthScope, "oauth-scope", "<SCOPE>", "A scope every request needs (403 insufficient_scope otherwise), besides the scopes each tool's operation names; repeatable").repeatable(),
    spelling(Flag::HideUnauthorizedTools, "hide-unauthorized-tools", "", "With --oauth-resource: tools/list shows only the tools the caller's token scopes allow"),
    spelling(Flag::Help, "help", "", "Print this help"),
    spelling(Flag::Version, "version", "", "Print the version"),
];

/// The `--help` text, with this server's own variable names.
pub fn help(program: &str, api: &ApiDef) -> String {
    let server = match (api.default_base_url, api.server_path) {
        (Some(url), _) => format!(", else {url} from the spec"),
        (None, Some(path)) => format!(
            "; the spec's server URL {path} is relative, so a URL without a path gets {path} appended"
        ),
        (None, None) => String::new(),
    };
    let mut out = format!(
        "{} {}: the {} as MCP tools, generated by {}.\n\nUsage: {program} [OPTIONS]\n\nOptions:\n",
        api.name, api.version, api.title, api.generator
    );
    for spelling in FLAGS {
        let flag = match spelling.value {
            "" => format!("--{}", spelling.name),
            value => format!("--{} {value}", spelling.name),
        };
        let about = spelling
            .about
            .replace("<PREFIX>", api.env_prefix)
            .replace("<SERVER>", &server);
        out.push_str(&format!("  {flag}\n          {about}\n"));
    }
    out.push_str("\nEnvironment:\n");
    let mut vars = vec![
        (
            format!("{}_BASE_URL", api.env_prefix),
            "Upstream base URL (see --base-url)".to_owned(),
        ),
        (
            format!("{}_TIMEOUT", api.env_prefix),
            "Seconds per upstream request (see --timeout)".to_owned(),
        ),
    ];
    for header in api.server_headers {
        if let crate::def::HeaderSource::Environment(var) = header.source {
            vars.push((
                var.to_owned(),
                format!(
                    "Value of the `{}` header of the operations that take it (or --header)",
                    header.name
                ),
            ));
        }
    }
    for scheme in api.security_schemes {
        vars.push((
            scheme.env_var.to_owned(),
            format!(
                "Credential for `{}`: {}",
                scheme.name,
                scheme.kind.describe()
            ),
        ));
        if let Some(flows) = scheme.oauth {
            let grant = if flows.client_credentials {
                "with the client-credentials grant"
            } else {
                "with the refresh token in _REFRESH_TOKEN"
            };
            vars.push((
                format!("{0}_CLIENT_ID, {0}_CLIENT_SECRET", scheme.env_var),
                format!(
                    "Instead of a fixed token for `{}`: the server obtains and renews its own, {grant}, from {} (or {}_TOKEN_URL)",
                    scheme.name,
                    flows.token_url.unwrap_or("the URL in"),
                    scheme.env_var
                ),
            ));
            vars.push((
                format!("{}_REFRESH_TOKEN", scheme.env_var),
                "A user-granted refresh token the server keeps redeeming (with the client id and secret)".to_owned(),
            ));
        }
    }
    vars.push((
        format!(
            "{0}_OAUTH_CLIENT_ID, {0}_OAUTH_CLIENT_SECRET",
            api.env_prefix
        ),
        "This server's own client credentials for token introspection (--oauth-introspection-url)"
            .to_owned(),
    ));
    vars.push((
        "RUST_LOG".to_owned(),
        "Log filter; logs go to stderr [default: info,rmcp=warn]".to_owned(),
    ));
    for (var, about) in vars {
        out.push_str(&format!("  {var}\n          {about}\n"));
    }
    out
}

/// Parses the arguments after the program name.
pub fn parse<I, S>(args: I) -> Result<Parsed, OptionsError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut options = Options::default();
    let mut seen: Vec<&'static str> = Vec::new();
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        if arg == "-h" {
            return Ok(Parsed::Help);
        }
        if arg == "-V" {
            return Ok(Parsed::Version);
        }
        let Some(body) = arg.strip_prefix("--").filter(|b| !b.is_empty()) else {
            return Err(OptionsError::Unknown {
                given: arg,
                suggestion: None,
            });
        };
        let (name, inline) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (body, None),
        };
        let Some(spelling) = FLAGS.iter().find(|s| s.name == name) else {
            return Err(OptionsError::Unknown {
                suggestion: closest(name),
                given: arg,
            });
        };
        let name = spelling.name;
        let takes_value = !spelling.value.is_empty();
        if !takes_value && inline.is_some() {
            return Err(OptionsError::UnexpectedValue(name));
        }
        match spelling.flag {
            Flag::Help => return Ok(Parsed::Help),
            Flag::Version => return Ok(Parsed::Version),
            _ => {}
        }
        let value = match (inline, takes_value) {
            (Some(value), _) => value,
            (None, true) => args.next().ok_or(OptionsError::MissingValue(name))?,
            (None, false) => String::new(),
        };
        if !spelling.repeatable {
            if seen.contains(&name) {
                return Err(OptionsError::Repeated(name));
            }
            seen.push(name);
        }
        apply(&mut options, spelling, value)?;
    }
    Ok(Parsed::Run(Box::new(options)))
}

/// Stores one flag's value.
fn apply(options: &mut Options, spelling: &Spelling, value: String) -> Result<(), OptionsError> {
    let invalid = |expected: &str| OptionsError::Invalid {
        flag: spelling.name,
        value: value.clone(),
        expected: expected.to_owned(),
    };
    match spelling.flag {
        Flag::Transport => {
            options.transport = match value.as_str() {
                "stdio" => Transport::Stdio,
                "http" => Transport::Http,
                _ => return Err(invalid("expected `stdio` or `http`")),
            }
        }
        Flag::Listen => {
            options.listen =
                parsed(&value).ok_or_else(|| invalid("expected an address like 127.0.0.1:8080"))?
        }
        Flag::BaseUrl => options.base_url = Some(value),
        Flag::Timeout => {
            options.timeout =
                Some(parsed(&value).ok_or_else(|| invalid("expected a number of seconds"))?)
        }
        Flag::MaxResponseBytes => {
            options.max_response_bytes =
                parsed(&value).ok_or_else(|| invalid("expected a number of bytes"))?
        }
        Flag::AllowedHost => options.allowed_hosts.push(value),
        Flag::AllowedOrigin => options.allowed_origins.push(value),
        Flag::Header => match value.split_once('=') {
            Some((name, header_value)) if !name.trim().is_empty() => options
                .headers
                .push((name.trim().to_owned(), header_value.to_owned())),
            _ => return Err(invalid("expected NAME=VALUE")),
        },
        Flag::UploadDir => options.upload_dir = Some(std::path::PathBuf::from(value)),
        Flag::StrictArguments => options.strict_arguments = true,
        Flag::MaxPages => {
            options.max_pages = parsed(&value)
                .filter(|n: &usize| *n >= 1)
                .ok_or_else(|| invalid("expected a whole number of at least 1"))?
        }
        Flag::ForwardHeader => {
            let rule = ForwardRule::from_str(&value).map_err(|msg| invalid(&msg))?;
            options.forward_headers.push(rule)
        }
        Flag::RequireBearerEnv => options.require_bearer_env = Some(value),
        Flag::Retries => {
            options.retries = parsed(&value).ok_or_else(|| invalid("expected a whole number"))?
        }
        Flag::MaxRequestBytes => {
            options.max_request_bytes =
                parsed(&value).ok_or_else(|| invalid("expected a number of bytes"))?
        }
        Flag::Mode => {
            options.mode = Some(match value.as_str() {
                "operations" => ToolMode::Operations,
                "dynamic" => ToolMode::Dynamic,
                _ => return Err(invalid("expected `operations` or `dynamic`")),
            })
        }
        Flag::OAuthResource => options.oauth.resource = Some(value),
        Flag::OAuthAuthorizationServer => options.oauth.authorization_servers.push(value),
        Flag::OAuthJwksUrl => options.oauth.jwks_url = Some(value),
        Flag::OAuthIntrospectionUrl => options.oauth.introspection_url = Some(value),
        Flag::OAuthIntrospectionCacheSeconds => {
            options.oauth.introspection_cache_seconds =
                Some(parsed(&value).ok_or_else(|| invalid("expected a whole number of seconds"))?)
        }
        Flag::OAuthScope => options.oauth.scopes.push(value),
        Flag::HideUnauthorizedTools => options.oauth.hide_unauthorized_tools = true,
        // `parse` answers `--help` and `--version` before it reads a value.
        Flag::Help | Flag::Version => return Err(OptionsError::UnexpectedValue(spelling.name)),
    }
    Ok(())
}

/// `text` as a `T` (number, address), if it is one.
fn parsed<T: FromStr>(text: &str) -> Option<T> {
    text.parse().ok()
}

/// The known flag nearest to `given`, if it is a plausible typo (edit distance ≤ 2).
fn closest(given: &str) -> Option<&'static str> {
    FLAGS
        .iter()
        .map(|s| (crate::suggest::edit_distance(given, s.name), s.name))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Options {
        match parse(args.iter().copied()) {
            Ok(Parsed::Run(options)) => *options,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    fn error(args: &[&str]) -> String {
        match parse(args.iter().copied()) {
            Err(err) => err.to_string(),
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn no_arguments_give_the_documented_defaults() {
        let options = run(&[]);
        assert_eq!(options, Options::default());
        assert_eq!(options.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(options.retries, 2);
    }

    #[test]
    fn every_flag_in_both_spellings() {
        let options = run(&[
            "--transport=http",
            "--listen",
            "0.0.0.0:9000",
            "--base-url",
            "http://x/api",
            "--timeout=2.5",
            "--max-response-bytes",
            "10",
            "--allowed-host",
            "a",
            "--allowed-host=b",
            "--allowed-origin",
            "https://o:443",
            "--forward-header",
            "X-In:Authorization",
            "--header",
            "X-CSRFToken=a=b",
            "--require-bearer-env",
            "TOKEN",
            "--retries",
            "0",
            "--max-request-bytes=20",
            "--mode",
            "dynamic",
        ]);
        assert_eq!(options.transport, Transport::Http);
        assert_eq!(options.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(options.base_url.as_deref(), Some("http://x/api"));
        assert_eq!(options.timeout, Some(2.5));
        assert_eq!(options.max_response_bytes, 10);
        assert_eq!(options.allowed_hosts, ["a", "b"]);
        assert_eq!(options.allowed_origins, ["https://o:443"]);
        assert_eq!(options.forward_headers.len(), 1);
        assert_eq!(
            options.headers,
            [("X-CSRFToken".to_owned(), "a=b".to_owned())]
        );
        assert_eq!(options.require_bearer_env.as_deref(), Some("TOKEN"));
        assert_eq!(options.retries, 0);
        assert_eq!(options.max_request_bytes, 20);
        assert_eq!(options.mode, Some(ToolMode::Dynamic));
    }

    #[test]
    fn a_value_may_start_with_dashes_when_it_follows_its_flag() {
        assert_eq!(
            run(&["--base-url", "--odd"]).base_url.as_deref(),
            Some("--odd")
        );
    }

    static SCHEMES: [crate::def::SecurityScheme; 1] = [crate::def::SecurityScheme {
        name: "tokenAuth",
        env_var: "SHOP_MCP_TOKEN_AUTH",
        kind: crate::def::SchemeKind::ApiKeyHeader("Authorization"),
        oauth: None,
    }];

    static API: ApiDef = ApiDef {
        name: "shop-mcp",
        version: "1.2.3",
        title: "Shop API",
        generator: "spec2mcp 0.1.0",
        env_prefix: "SHOP_MCP",
        default_base_url: None,
        server_path: Some("/api/v3"),
        security_schemes: &SCHEMES,
        server_headers: &[crate::def::HeaderDef {
            name: "X-CSRFToken",
            source: crate::def::HeaderSource::Environment("SHOP_MCP_HEADER_X_CSRFTOKEN"),
        }],
        tools: &[],
        mode: crate::def::ToolMode::Operations,
    };

    #[test]
    fn help_wins_and_lists_every_flag_and_this_servers_variables() {
        assert_eq!(parse(["--help"]), Ok(Parsed::Help));
        assert_eq!(parse(["--retries", "1", "-h"]), Ok(Parsed::Help));
        assert_eq!(parse(["--version"]), Ok(Parsed::Version));
        assert_eq!(parse(["-V"]), Ok(Parsed::Version));
        let text = help("server", &API);
        for spelling in FLAGS {
            let name = spelling.name;
            assert!(
                text.contains(&format!("--{name}")),
                "{name} missing from help"
            );
        }
        assert!(!text.contains("<PREFIX>"), "{text}");
        for expected in [
            "default: env SHOP_MCP_BASE_URL; the spec's server URL /api/v3 is relative",
            "SHOP_MCP_TIMEOUT",
            "SHOP_MCP_TOKEN_AUTH\n          Credential for `tokenAuth`: apiKey sent as-is in header `Authorization`",
            "SHOP_MCP_HEADER_X_CSRFTOKEN\n          Value of the `X-CSRFToken` header",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from {text}");
        }
    }

    #[test]
    fn errors_name_the_flag_and_what_it_expects() {
        assert_eq!(
            error(&["--transport", "tcp"]),
            "invalid value `tcp` for `--transport`: expected `stdio` or `http`"
        );
        assert_eq!(error(&["--timeout"]), "`--timeout` needs a value");
        assert_eq!(
            error(&["--retries=-1"]),
            "invalid value `-1` for `--retries`: expected a whole number"
        );
        assert_eq!(
            error(&["--forward-header", "bad header"]),
            "invalid value `bad header` for `--forward-header`: `bad header` is not NAME or INCOMING:UPSTREAM with header names"
        );
        assert_eq!(
            error(&["--mode", "a", "--mode", "dynamic"]),
            "invalid value `a` for `--mode`: expected `operations` or `dynamic`"
        );
        assert_eq!(
            error(&["--mode", "dynamic", "--mode", "operations"]),
            "`--mode` was given more than once"
        );
        assert_eq!(error(&["--help=yes"]), "`--help` takes no value");
    }

    #[test]
    fn unknown_flags_suggest_the_closest_one() {
        assert_eq!(
            error(&["--base_url", "x"]),
            "unexpected argument `--base_url`; did you mean `--base-url`?"
        );
        assert_eq!(
            error(&["--transprt=http"]),
            "unexpected argument `--transprt=http`; did you mean `--transport`?"
        );
        assert_eq!(error(&["--verbose"]), "unexpected argument `--verbose`");
        assert_eq!(error(&["serve"]), "unexpected argument `serve`");
    }
}
