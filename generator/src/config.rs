//! The optional `spec2mcp.toml`: which operations become tools and what they are called.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, Diagnostics};

/// Generation settings from the config file; command-line flags override them.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Package and binary name of the generated crate.
    pub name: Option<String>,
    /// HTTP methods that become tools (default: only GET).
    pub methods: Option<Vec<String>>,
    /// When any entry is given, only matching operations become tools.
    #[serde(default)]
    pub include: Filter,
    /// Matching operations never become tools.
    #[serde(default)]
    pub exclude: Filter,
    /// operationId (or generated tool name) → tool name.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Longest tool name (default 64).
    pub max_tool_name_len: Option<usize>,
    /// How operations are offered (default: one tool each).
    pub mode: Option<Mode>,
    /// Compose titles and descriptions from the spec where its own are missing or shared by
    /// several operations (default: true).
    pub derive_descriptions: Option<bool>,
    /// Header parameters by name: filled by the server (from its environment or `--header`),
    /// generated per call, or left to the agent as arguments. Unlisted headers follow the
    /// defaults of [`HeaderPolicy::default_for`].
    #[serde(default)]
    pub headers: BTreeMap<String, HeaderPolicy>,
    /// How tool names are made, e.g. `{namespace}_{method}_{action}_{resource}` (default: the
    /// operationId). `rename` still wins.
    pub tool_name: Option<String>,
    /// The value of `{namespace}` in `tool_name`.
    pub namespace: Option<String>,
    /// Changes to single tools, keyed by tool name, operationId, or a pattern with `*`.
    #[serde(default)]
    pub tools: BTreeMap<String, ToolTransform>,
}

/// What `[tools.<name>]` changes about the tools it names. Everything it does is in the
/// generated code and in `tools.json`, so drift checks see it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ToolTransform {
    /// Replaces the title.
    pub title: Option<String>,
    /// Replaces the description (the line saying where its identifiers come from stays).
    pub description: Option<String>,
    /// The tool changes nothing, whatever its method says (a search sent as POST). Such an
    /// operation becomes a tool even when its method is not enabled.
    pub read_only: Option<bool>,
    /// The tool removes or overwrites something, whatever its method says.
    pub destructive: Option<bool>,
    /// Changes to its parameters, by argument name.
    #[serde(default)]
    pub args: BTreeMap<String, ArgTransform>,
}

/// What `[tools.<name>.args.<arg>]` changes about one parameter.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ArgTransform {
    /// Not advertised and never sent (optional parameters only).
    #[serde(default)]
    pub hide: bool,
    /// Always sent with this value, and not advertised.
    pub value: Option<serde_json::Value>,
    /// Used when the agent leaves the argument out; advertised as the schema's `default`.
    pub default: Option<serde_json::Value>,
    /// Replaces the argument's description.
    pub description: Option<String>,
}

/// One piece of a `tool_name` template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// The operationId (or `<method>_<path>` without one).
    OperationId,
    /// The operation's first tag.
    Tag,
    /// The collection the path names (`products` for `/api/products/{slug}/publish/`).
    Resource,
    /// DRF's action: list, retrieve, create, update, partial_update, destroy, or the custom
    /// action's name.
    Action,
    /// The HTTP method, lower-case.
    Method,
    /// The config's `namespace`.
    Namespace,
}

impl Placeholder {
    const ALL: [(&'static str, Placeholder); 6] = [
        ("operation_id", Placeholder::OperationId),
        ("tag", Placeholder::Tag),
        ("resource", Placeholder::Resource),
        ("action", Placeholder::Action),
        ("method", Placeholder::Method),
        ("namespace", Placeholder::Namespace),
    ];
}

/// Literal text or a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Copied as written.
    Text(String),
    /// Replaced per operation.
    Slot(Placeholder),
}

/// Splits a `tool_name` template into pieces; the error says what is wrong.
pub fn parse_template(template: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(Piece::Text(rest[..open].to_owned()));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("`{{` at `{}` is never closed", &rest[open..]));
        };
        let name = &rest[open + 1..open + close];
        let slot = Placeholder::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| *p)
            .ok_or_else(|| {
                format!(
                    "unknown placeholder `{{{name}}}`{}; the placeholders are {}",
                    crate::suggest::hint(name, Placeholder::ALL.iter().map(|(n, _)| *n)),
                    Placeholder::ALL
                        .iter()
                        .map(|(n, _)| format!("{{{n}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        pieces.push(Piece::Slot(slot));
        rest = &rest[open + close + 1..];
    }
    if rest.contains('}') {
        return Err("`}` without a `{` before it".to_owned());
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    if !pieces.iter().any(|p| matches!(p, Piece::Slot(_))) {
        return Err(
            "the template has no placeholder, so every tool would get the same name".to_owned(),
        );
    }
    Ok(pieces)
}

/// Who fills a header parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeaderPolicy {
    /// The agent, as a tool argument.
    Argument,
    /// The server, from `<PREFIX>_HEADER_<NAME>` or `--header NAME=VALUE`; not an argument.
    Environment,
    /// The server, a fresh random value per tool call (kept across its retries).
    Generated,
}

impl HeaderPolicy {
    /// Transport headers an agent cannot know: a CSRF token and the caller's language come from
    /// the deployment, an idempotency key or request id is new for every call. Any other header
    /// is an argument.
    pub fn default_for(header: &str) -> HeaderPolicy {
        match header.to_ascii_lowercase().as_str() {
            "x-csrftoken" | "x-csrf-token" | "x-xsrf-token" | "accept-language" => {
                HeaderPolicy::Environment
            }
            "idempotency-key" | "x-idempotency-key" | "x-request-id" => HeaderPolicy::Generated,
            _ => HeaderPolicy::Argument,
        }
    }
}

/// How the generated server offers the operations to MCP clients.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One tool per operation.
    #[default]
    Operations,
    /// Three meta tools (search, describe, call), for APIs with hundreds of operations.
    Dynamic,
}

impl Mode {
    /// The name used on the command line and in `spec2mcp.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Operations => "operations",
            Mode::Dynamic => "dynamic",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "operations" => Ok(Mode::Operations),
            "dynamic" => Ok(Mode::Dynamic),
            other => Err(format!("unknown mode `{other}`: use operations or dynamic")),
        }
    }
}

/// Ways to pick operations.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// Operations with any of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Operations with these operationIds.
    #[serde(default)]
    pub operations: Vec<String>,
    /// Operations whose path starts with any of these.
    #[serde(default)]
    pub paths: Vec<String>,
}

impl Filter {
    /// Whether the filter names nothing.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.operations.is_empty() && self.paths.is_empty()
    }

    /// Whether an operation matches any entry.
    pub fn matches(&self, tags: &[String], operation_id: Option<&str>, path: &str) -> bool {
        self.tags.iter().any(|t| tags.contains(t))
            || operation_id.is_some_and(|id| self.operations.iter().any(|o| o == id))
            || self.paths.iter().any(|p| path.starts_with(p.as_str()))
    }
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Config, Diagnostics> {
        let display = path.display();
        let fail = |message: String, fix: &str| {
            let mut all = Diagnostics::default();
            all.push(Diagnostic::error("", message).with_fix(fix));
            all
        };
        let text = std::fs::read_to_string(path).map_err(|err| {
            fail(
                format!("cannot read the config {display}: {err}"),
                "check the path given to --config",
            )
        })?;
        let config: Config = toml::from_str(&text).map_err(|err| {
            fail(
                format!(
                    "the config {display} is not valid: {}",
                    err.to_string().trim()
                ),
                "see docs/configuration.md for the keys spec2mcp reads",
            )
        })?;
        if let Some(name) = &config.name {
            if let Err(problem) = crate::check_package_name(name) {
                return Err(fail(
                    format!("the config {display} sets `name = {name:?}`, which is not a valid package name"),
                    &problem,
                ));
            }
        }
        if let Some(methods) = &config.methods {
            if let Some(bad) = methods
                .iter()
                .find(|m| crate::model::parse_method(m).is_none())
            {
                return Err(fail(
                    format!("the config {display} lists an unknown HTTP method `{bad}`"),
                    "use GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS or TRACE",
                ));
            }
        }
        if let Some(template) = &config.tool_name {
            let pieces = parse_template(template).map_err(|problem| {
                fail(
                    format!("the config {display} sets `tool_name = {template:?}`: {problem}"),
                    "see docs/configuration.md for the placeholders",
                )
            })?;
            let namespaced = pieces.contains(&Piece::Slot(Placeholder::Namespace));
            if namespaced && config.namespace.as_deref().is_none_or(str::is_empty) {
                return Err(fail(
                    format!("the config {display} uses `{{namespace}}` in `tool_name` but sets no `namespace`"),
                    "add `namespace = \"…\"` (e.g. the API's short name)",
                ));
            }
        }
        for (key, transform) in &config.tools {
            for (arg, change) in &transform.args {
                let ways = usize::from(change.hide)
                    + usize::from(change.value.is_some())
                    + usize::from(change.default.is_some());
                if ways > 1 {
                    return Err(fail(
                        format!("the config {display} sets more than one of hide, value and default for `{arg}` of [tools.{key:?}]"),
                        "hide (never sent), value (always sent) and default (sent when left out) exclude each other: keep one",
                    ));
                }
            }
        }
        Ok(config)
    }
}
