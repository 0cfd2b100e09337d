//! Stage 3: the model of the API — tools, their arguments and types, security — built from the
//! resolved spec. Nothing is emitted straight from the spec; the emitter reads only this.

mod args;
mod body;
mod build;
mod describe;
mod links;
pub mod naming;
mod output;
mod passes;
mod problem;
pub mod schema;
pub mod search;
mod security;
mod servers;
mod transform;

pub use build::build;

use serde_json::Value;

/// The whole API as the generated server will expose it.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The first `servers` URL when it is absolute.
    pub default_base_url: Option<String>,
    /// The path of the first `servers` URL when it is relative (`/api/v3`): the operator gives
    /// the host, and a base URL without a path gets this appended.
    pub server_path: Option<String>,
    /// Security schemes the runtime can send, in spec order.
    pub security_schemes: Vec<SecurityScheme>,
    /// Header parameters the server fills itself, once each (by name, as first written).
    pub server_headers: Vec<ServerHeader>,
    /// One per selected operation, in document order.
    pub tools: Vec<Tool>,
    /// Named Rust types used by tool inputs, sorted by name.
    pub types: Vec<NamedType>,
    /// How many operations the spec has in all.
    pub operation_count: usize,
    /// Operations left out, and why.
    pub skipped: Vec<Skipped>,
    /// One tool per operation, or the meta tools.
    pub mode: crate::config::Mode,
}

/// An operation that did not become a tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// `GET /pets`.
    pub operation: String,
    /// Why: filtered out by method or config, or unsupported (with the reason).
    pub reason: String,
    /// Whether it was left out on purpose (a filter) rather than because it is unsupported.
    pub filtered: bool,
}

/// A security scheme and where its credential comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Name in `components.securitySchemes`.
    pub name: String,
    /// Environment variable: `<PREFIX>_<SCHEME_IN_SCREAMING_SNAKE>`.
    pub env_var: String,
    /// How it is sent.
    pub kind: SchemeKind,
    /// The scheme's description, for the README.
    pub description: String,
    /// For an oauth2 scheme: where and how the server can obtain tokens itself.
    pub oauth: Option<OAuthFlows>,
}

/// What an oauth2 scheme's flows tell a client that obtains its own tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlows {
    /// The token endpoint: the clientCredentials flow's, else any flow's (for refresh tokens).
    pub token_url: Option<String>,
    /// The scheme has a clientCredentials flow.
    pub client_credentials: bool,
    /// The scopes to ask for: the clientCredentials flow's, else every flow's.
    pub scopes: Vec<String>,
}

/// How a credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// apiKey in the named header.
    ApiKeyHeader(String),
    /// apiKey in the named query parameter.
    ApiKeyQuery(String),
    /// apiKey in the named cookie.
    ApiKeyCookie(String),
    /// `Authorization: Bearer <value>` (http bearer, oauth2, openIdConnect).
    Bearer,
    /// `Authorization: Basic …` from `user:password`.
    Basic,
}

/// One tool.
#[derive(Debug, Clone)]
pub struct Tool {
    /// Wire name.
    pub name: String,
    /// Rust module holding the input struct and handler.
    pub module: String,
    /// The operation's tags.
    pub tags: Vec<String>,
    /// Name of the input struct.
    pub input_type: String,
    /// Human-readable title.
    pub title: String,
    /// Summary and description.
    pub description: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// What calling it does (MCP's tool annotations).
    pub hints: Hints,
    /// Path template.
    pub path: String,
    /// The operationId, if the spec has one.
    pub operation_id: Option<String>,
    /// Pointer of the operation in the spec.
    pub pointer: String,
    /// Path, query, header and cookie parameters.
    pub args: Vec<Arg>,
    /// The JSON body, if the operation takes one.
    pub body: Option<BodyArg>,
    /// The advertised input schema (a self-contained JSON Schema object).
    pub input_schema: Value,
    /// The advertised output schema, relaxed to what real answers honour (or none).
    pub output_schema: Option<Value>,
    /// Security alternatives (scheme names), the empty one meaning anonymous.
    pub security: Vec<Vec<String>>,
    /// The OAuth scopes a caller needs, as alternatives (any one set suffices); empty when the
    /// operation needs none (see [`security::scopes`]).
    pub scopes: Vec<Vec<String>>,
    /// Header parameters the server fills for this tool, and whether each is required.
    pub server_headers: Vec<(String, bool)>,
    /// What the operation does, and to what, as DRF's conventions tell it.
    pub semantics: Semantics,
    /// The identifiers it needs, and which tools yield them.
    pub needs: Vec<Need>,
    /// The identifiers its answer yields.
    pub yields: Vec<Yield>,
    /// Which of the title and description were composed from the spec rather than taken from
    /// its own text.
    pub derived: Derived,
    /// The operation is deprecated.
    pub deprecated: bool,
}

/// What an operation does, in the terms of DRF's viewsets, and to what.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Semantics {
    /// The action.
    pub action: Action,
    /// The resource it acts on or returns: a component name such as `Product`.
    pub resource: Option<String>,
    /// The resource it is nested under (`Product` for `/products/{slug}/reviews/`).
    pub parent: Option<String>,
    /// What the answer is.
    pub answer: Answer,
    /// The resource's top-level fields as the answer has them.
    pub fields: Vec<String>,
}

/// A DRF viewset action, recognised from the operationId, the method and the path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Action {
    /// GET on a collection.
    List,
    /// GET on one item.
    Retrieve,
    /// POST on a collection.
    Create,
    /// PUT on one item.
    Update,
    /// PATCH on one item.
    PartialUpdate,
    /// DELETE on one item.
    Destroy,
    /// An `@action` (its name) or anything else.
    Custom(String),
    /// Not recognised.
    #[default]
    Other,
}

impl Action {
    /// DRF's name for it: `list`, `retrieve`, …, the custom action's name.
    pub fn name(&self) -> &str {
        match self {
            Action::List => "list",
            Action::Retrieve => "retrieve",
            Action::Create => "create",
            Action::Update => "update",
            Action::PartialUpdate => "partial_update",
            Action::Destroy => "destroy",
            Action::Custom(name) => name,
            Action::Other => "",
        }
    }
}

/// What a successful answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Answer {
    /// One resource.
    One,
    /// A JSON array of resources.
    List,
    /// A page of resources (`results` beside `next`, DRF's pagination).
    Page,
    /// Something else, or nothing said.
    #[default]
    Other,
}

/// An identifier a tool needs from the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// The argument (a path parameter, a query filter, or `body.<field>`).
    pub argument: String,
    /// The resource it identifies.
    pub resource: String,
    /// The resource's field it is (`slug`, `id`).
    pub field: String,
    /// Tools whose answers yield it, lists first.
    pub from: Vec<String>,
    /// A list tool that can look it up by words, and its argument for them.
    pub search: Option<(String, String)>,
}

/// An identifier a tool's answer yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Yield {
    /// The resource.
    pub resource: String,
    /// Its field.
    pub field: String,
    /// Where in the answer: `results[].slug`, `[].id`, `slug`.
    pub at: String,
}

/// Which texts were composed rather than taken from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Derived {
    /// The title.
    pub title: bool,
    /// The description (missing in the spec, or shared with other operations).
    pub description: bool,
}

/// A header parameter the server fills instead of asking the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHeader {
    /// The header's name.
    pub name: String,
    /// Where its value comes from.
    pub source: HeaderSource,
}

/// Where a server-filled header's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderSource {
    /// This environment variable (or the server's `--header NAME=VALUE`).
    Environment(String),
    /// A fresh random value per call.
    Generated,
}

/// What calling a tool does, as MCP's tool annotations say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hints {
    /// It changes nothing.
    pub read_only: bool,
    /// Repeating it has the effect of doing it once (only such calls are retried).
    pub idempotent: bool,
    /// It removes or overwrites something.
    pub destructive: bool,
}

impl Hints {
    /// What an HTTP method promises (RFC 9110 §9.2.1–9.2.2): safe methods change nothing; they,
    /// PUT and DELETE are idempotent; DELETE removes. The one table of method semantics: the
    /// generated annotations, retries and `tools.json` all come from it.
    pub fn of_method(method: &str) -> Hints {
        let read_only = matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE");
        Hints {
            read_only,
            idempotent: read_only || matches!(method, "PUT" | "DELETE"),
            destructive: method == "DELETE",
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// How a query parameter is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, exploded.
    FormExploded,
    /// `form`, not exploded.
    Form,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// One parameter argument.
#[derive(Debug, Clone)]
pub struct Arg {
    /// Name of the argument in the tool input.
    pub wire: String,
    /// Name of the parameter on the HTTP side.
    pub param: String,
    /// Rust field name.
    pub ident: String,
    /// Where it goes.
    pub location: Location,
    /// Query layout (query parameters only).
    pub style: QueryStyle,
    /// Sent as JSON text: the parameter is described with a JSON media type under `content`.
    pub json_text: bool,
    /// Rust type (already `Option` when not required).
    pub ty: TypeRef,
    /// Whether the caller must give it.
    pub required: bool,
    /// Doc comment.
    pub doc: String,
    /// A value spec2mcp.toml gives it.
    pub preset: Option<Preset>,
}

impl Arg {
    /// Whether the agent can give it: not a value spec2mcp.toml fixes.
    pub fn is_open(&self) -> bool {
        !matches!(self.preset, Some(Preset::Fixed(_)))
    }
}

/// A parameter's value from spec2mcp.toml's `[tools.<name>.args]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preset {
    /// Always sent, never an argument.
    Fixed(Value),
    /// Sent when the agent leaves the argument out.
    Default(Value),
}

/// The request body argument.
#[derive(Debug, Clone)]
pub struct BodyArg {
    /// Name of the argument (`body`, or `request_body` when a parameter is called `body`).
    pub wire: String,
    /// Rust field name.
    pub ident: String,
    /// Media type sent.
    pub media_type: String,
    /// How the body is encoded.
    pub encoding: BodyEncoding,
    /// Rust type (already `Option` when not required).
    pub ty: TypeRef,
    /// Whether the body is required.
    pub required: bool,
    /// Doc comment.
    pub doc: String,
    /// The fields that are files (a multipart body's binary fields).
    pub files: Vec<String>,
}

/// How a request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON text.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`: fields, some of them files.
    Multipart,
}

/// A Rust type as the emitter writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// Any JSON value.
    Any,
    /// A free-form JSON object.
    Object,
    /// `Vec<T>`.
    List(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// A generated type, by name.
    Named(String),
    /// `Option<T>`.
    Option(Box<TypeRef>),
    /// `Box<T>` (breaks recursion).
    Boxed(Box<TypeRef>),
    /// A file argument (`spec2mcp_runtime::upload::FileArg`): base64 content or an upload path.
    File,
}

impl TypeRef {
    /// `Option<self>`, without doubling an existing `Option`.
    pub fn optional(self) -> TypeRef {
        match self {
            TypeRef::Option(_) => self,
            other => TypeRef::Option(Box::new(other)),
        }
    }

    /// Whether this is an `Option`.
    pub fn is_option(&self) -> bool {
        matches!(self, TypeRef::Option(_))
    }
}

/// A generated type.
#[derive(Debug, Clone)]
pub struct NamedType {
    /// Rust name.
    pub name: String,
    /// Doc comment (the schema's description, and where it comes from).
    pub doc: String,
    /// What it is.
    pub kind: TypeKind,
}

/// The shape of a generated type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct of named fields, with an optional map of extra properties.
    Struct {
        /// Fields in schema order.
        fields: Vec<Field>,
        /// Type of `additionalProperties` when the schema types them.
        extra: Option<TypeRef>,
    },
    /// A string enum.
    Enum {
        /// Variants: Rust name and wire value.
        variants: Vec<(String, String)>,
    },
    /// An untagged union (`oneOf` / `anyOf`).
    Union {
        /// Variants: Rust name and payload type.
        variants: Vec<(String, TypeRef)>,
    },
    /// An internally tagged union (`oneOf` / `anyOf` with a `discriminator`).
    Tagged {
        /// The discriminator's `propertyName`.
        tag: String,
        /// One per member.
        variants: Vec<TaggedVariant>,
    },
}

impl TypeKind {
    /// The types it holds: struct fields, union variants (not a struct's extra properties).
    pub fn members(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union { variants } => variants.iter().map(|(_, t)| t).collect(),
            TypeKind::Tagged { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Enum { .. } => Vec::new(),
        }
    }
}

/// One variant of a [`TypeKind::Tagged`] union.
#[derive(Debug, Clone)]
pub struct TaggedVariant {
    /// Rust name.
    pub ident: String,
    /// The tag value that selects it.
    pub value: String,
    /// The struct it holds (the member without the tag property).
    pub ty: TypeRef,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Property name.
    pub wire: String,
    /// Rust name.
    pub ident: String,
    /// Rust type (already `Option` when not required or nullable).
    pub ty: TypeRef,
    /// Whether the property is required.
    pub required: bool,
    /// Doc comment.
    pub doc: String,
}

/// The upper-case method if `text` names one (any case).
pub fn parse_method(text: &str) -> Option<String> {
    let lower = text.trim().to_ascii_lowercase();
    crate::resolve::METHODS
        .contains(&lower.as_str())
        .then(|| lower.to_ascii_uppercase())
}

/// What decides which operations become tools and how they are named.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Prefix of the server's environment variables (`SHOP_MCP`).
    pub env_prefix: String,
    /// Upper-case methods that become tools.
    pub methods: Vec<String>,
    /// Only these (when not empty).
    pub include: crate::config::Filter,
    /// Never these.
    pub exclude: crate::config::Filter,
    /// operationId or generated name → tool name.
    pub rename: std::collections::BTreeMap<String, String>,
    /// Longest tool name.
    pub max_tool_name_len: usize,
    /// How the server offers the tools.
    pub mode: crate::config::Mode,
    /// Compose titles and descriptions where the spec's are missing or shared (default on).
    pub derive_descriptions: bool,
    /// Header policies from the config, by name as written there.
    pub headers: std::collections::BTreeMap<String, crate::config::HeaderPolicy>,
    /// The `tool_name` template, parsed (none: names come from the operationId).
    pub tool_name: Option<Vec<crate::config::Piece>>,
    /// The value of `{namespace}`.
    pub namespace: String,
    /// `[tools]` of the config, by key as written there.
    pub transforms: std::collections::BTreeMap<String, crate::config::ToolTransform>,
}

impl Settings {
    /// Who fills the header parameter `name`.
    pub fn header_policy(&self, name: &str) -> crate::config::HeaderPolicy {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, policy)| *policy)
            .unwrap_or_else(|| crate::config::HeaderPolicy::default_for(name))
    }
}
