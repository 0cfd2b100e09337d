//! Static descriptions of an API and its tools, written by the generator.

use crate::args::ArgsError;
use crate::request::Request;

/// Everything the runtime needs to know about one generated API.
#[derive(Debug)]
pub struct ApiDef {
    /// Package and binary name, e.g. `shop-mcp`; also reported as the MCP server name.
    pub name: &'static str,
    /// Package version, reported as the MCP server version.
    pub version: &'static str,
    /// The API's own title (`info.title`).
    pub title: &'static str,
    /// What generated it: `spec2mcp 0.1.0`.
    pub generator: &'static str,
    /// Prefix of every environment variable this server reads, e.g. `SHOP_MCP`.
    pub env_prefix: &'static str,
    /// The spec's first `servers` entry when it is absolute, used when no base URL is configured.
    pub default_base_url: Option<&'static str>,
    /// The path of the spec's first `servers` entry when it is relative (`/api/v3`): appended to
    /// a configured base URL that has no path of its own.
    pub server_path: Option<&'static str>,
    /// Security schemes of the spec that the runtime can send.
    pub security_schemes: &'static [SecurityScheme],
    /// Header parameters the server fills itself (a CSRF token, an idempotency key…).
    pub server_headers: &'static [HeaderDef],
    /// One entry per tool, in the order `tools/list` reports them.
    pub tools: &'static [ToolDef],
    /// What `tools/list` offers unless `--mode` says otherwise (chosen at generation time).
    pub mode: ToolMode,
}

/// How the operations are offered to MCP clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolMode {
    /// One tool per operation (the default).
    Operations,
    /// Three meta tools — search, describe, call — whatever the number of operations.
    Dynamic,
}

/// One tool: one API operation.
#[derive(Debug)]
pub struct ToolDef {
    /// Wire name of the tool (`[a-z0-9_]`, at most 64 characters).
    pub name: &'static str,
    /// Human-readable title.
    pub title: &'static str,
    /// Summary and description of the operation.
    pub description: &'static str,
    /// HTTP method of the operation.
    pub method: Method,
    /// What calling it does.
    pub hints: Hints,
    /// Path template as in the spec, e.g. `/api/products/{slug}/`.
    pub path: &'static str,
    /// The operation's tags, for searching in the dynamic mode.
    pub tags: &'static [&'static str],
    /// JSON Schema of the arguments (an object schema), written by the generator.
    pub input_schema: &'static str,
    /// JSON Schema of the structured result, from the first 2xx JSON response (relaxed to what
    /// real data honours); `None` when the response has no JSON schema or it is too large.
    pub output_schema: Option<&'static str>,
    /// Security requirements: any one alternative (all of its schemes) suffices; an empty
    /// alternative means anonymous access is allowed.
    pub security: &'static [&'static [&'static str]],
    /// OAuth scopes a caller of the MCP endpoint needs, as alternatives (any one set suffices);
    /// empty when none is needed. Checked when the endpoint is a resource server.
    pub scopes: &'static [&'static [&'static str]],
    /// Header parameters of [`ApiDef::server_headers`] this operation takes, by name, and
    /// whether each is required.
    pub server_headers: &'static [(&'static str, bool)],
    /// The identifiers it needs, and which tools yield them.
    pub needs: &'static [NeedDef],
    /// The identifiers its answer yields.
    pub yields: &'static [YieldDef],
    /// Which texts were composed from the spec: `title`, `description`.
    pub derived: &'static [&'static str],
    /// Weighted search terms (`term:weight …`) for the large-API mode's search, computed by the
    /// generator from the tool's name, path, tags, texts and DRF semantics.
    pub search_terms: &'static str,
    /// Parses the arguments into the tool's typed input and builds the request.
    pub build: fn(serde_json::Map<String, serde_json::Value>) -> Result<Request, ArgsError>,
}

/// An identifier a tool needs from the caller (a path parameter, a filter, a body field
/// naming another resource), and the tools whose answers yield it.
#[derive(Debug)]
pub struct NeedDef {
    /// The argument: `slug`, `category`, `body.category`.
    pub argument: &'static str,
    /// The resource it identifies: `Product`.
    pub resource: &'static str,
    /// The resource's field it is: `slug`, `id`.
    pub field: &'static str,
    /// Tools whose answers carry it, lists first.
    pub from: &'static [&'static str],
    /// A list tool that finds the resource by words, and its argument for them.
    pub search: Option<(&'static str, &'static str)>,
}

/// An identifier a tool's answer carries.
#[derive(Debug)]
pub struct YieldDef {
    /// The resource.
    pub resource: &'static str,
    /// Its field.
    pub field: &'static str,
    /// Where in the answer: `results[].slug`, `[].id`, `slug`.
    pub at: &'static str,
}

/// HTTP methods an operation can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`: read.
    Get,
    /// `PUT`: replace.
    Put,
    /// `POST`: create or act.
    Post,
    /// `DELETE`: remove.
    Delete,
    /// `OPTIONS`: describe.
    Options,
    /// `HEAD`: read the headers only.
    Head,
    /// `PATCH`: change part.
    Patch,
    /// `TRACE`: echo the request.
    Trace,
}

/// What calling a tool does, as MCP's tool annotations say it: from the HTTP method (RFC 9110
/// §9.2) unless the spec2mcp.toml says the method lies (a POST that only searches). The
/// generator decides them; the annotations, the retries and the large-API mode read them here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hints {
    /// It changes nothing.
    pub read_only: bool,
    /// Repeating it has the effect of doing it once; only such calls are retried after a
    /// transient failure.
    pub idempotent: bool,
    /// It removes or overwrites something.
    pub destructive: bool,
}

impl Method {
    /// The method as `reqwest` wants it.
    pub fn to_http(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
            Method::Options => reqwest::Method::OPTIONS,
            Method::Head => reqwest::Method::HEAD,
            Method::Patch => reqwest::Method::PATCH,
            Method::Trace => reqwest::Method::TRACE,
        }
    }

    /// Upper-case name, e.g. `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// A header parameter the server fills instead of asking the agent: an agent cannot know a CSRF
/// token, and an idempotency key must be new for every call.
#[derive(Debug)]
pub struct HeaderDef {
    /// The header's name.
    pub name: &'static str,
    /// Where its value comes from.
    pub source: HeaderSource,
}

/// Where a server-filled header's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderSource {
    /// This environment variable, or the server's `--header NAME=VALUE`.
    Environment(&'static str),
    /// A fresh random value per tool call, the same across its retries.
    Generated,
}

/// A security scheme the runtime knows how to send.
#[derive(Debug)]
pub struct SecurityScheme {
    /// Name of the scheme in `components.securitySchemes`.
    pub name: &'static str,
    /// Environment variable holding the credential, e.g. `SHOP_MCP_TOKEN_AUTH`.
    pub env_var: &'static str,
    /// How the credential is sent.
    pub kind: SchemeKind,
    /// For an oauth2 scheme: how the server can obtain tokens itself ([`crate::token`]).
    pub oauth: Option<OAuthFlows>,
}

/// What an oauth2 scheme's flows say about obtaining tokens without a user.
#[derive(Debug, Clone, Copy)]
pub struct OAuthFlows {
    /// The token endpoint (relative ones are taken from the upstream base URL).
    pub token_url: Option<&'static str>,
    /// The scheme has a clientCredentials flow.
    pub client_credentials: bool,
    /// The scopes asked for with the client-credentials grant.
    pub scopes: &'static [&'static str],
}

/// How a credential is attached to a request.
#[derive(Debug, Clone, Copy)]
pub enum SchemeKind {
    /// apiKey in a header: the value is sent as-is.
    ApiKeyHeader(&'static str),
    /// apiKey in the query string: the value is sent as-is.
    ApiKeyQuery(&'static str),
    /// apiKey in a cookie: the value is sent as-is.
    ApiKeyCookie(&'static str),
    /// http bearer (also oauth2 / openIdConnect access tokens): `Authorization: Bearer <value>`.
    Bearer,
    /// http basic: the value is `user:password`.
    Basic,
}

impl SchemeKind {
    /// How the credential is sent, in words (for `--help`).
    pub fn describe(&self) -> String {
        match self {
            SchemeKind::ApiKeyHeader(h) => format!("apiKey sent as-is in header `{h}`"),
            SchemeKind::ApiKeyQuery(q) => format!("apiKey sent as-is in query parameter `{q}`"),
            SchemeKind::ApiKeyCookie(c) => format!("apiKey sent as-is in cookie `{c}`"),
            SchemeKind::Bearer => "token sent as `Authorization: Bearer <value>`".to_owned(),
            SchemeKind::Basic => "`user:password`, sent as HTTP basic auth".to_owned(),
        }
    }
}
