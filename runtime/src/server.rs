//! The MCP side: `tools/list` from a list built once, `tools/call` dispatched by index to a
//! generated tool or to a hand-written [`CustomTool`].

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::call::CallPolicy;
use crate::caller::Caller;
use crate::def::{ApiDef, ToolDef, ToolMode};
use crate::dynamic::{self, Meta};
use crate::executor::Executor;
use crate::oauth::Principal;

/// What a hand-written tool's handler returns.
pub type ToolFuture = Pin<Box<dyn Future<Output = CallToolResult> + Send + 'static>>;

/// A hand-written tool served beside the generated ones (same `tools/list`, same executor, so
/// it can call the API through the generated tools' typed inputs).
#[derive(Clone)]
pub struct CustomTool {
    /// How the tool is listed.
    pub tool: Tool,
    /// Called with the executor, the caller (forwarded headers, trace context) and the raw arguments.
    pub handler: Arc<dyn Fn(Arc<Executor>, Caller, JsonObject) -> ToolFuture + Send + Sync>,
}

impl CustomTool {
    /// A tool named `name` whose arguments follow `input_schema` (a JSON object schema).
    pub fn new<F, Fut>(
        name: &'static str,
        description: &'static str,
        input_schema: &str,
        handler: F,
    ) -> Result<Self, BadSchema>
    where
        F: Fn(Arc<Executor>, Caller, JsonObject) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CallToolResult> + Send + 'static,
    {
        let schema: JsonObject = serde_json::from_str(input_schema).map_err(|err| BadSchema {
            tool: name.to_owned(),
            message: err.to_string(),
        })?;
        let tool = Tool::new(name, description, Arc::new(schema));
        Ok(CustomTool {
            tool,
            handler: Arc::new(move |executor, caller, args| {
                Box::pin(handler(executor, caller, args))
            }),
        })
    }
}

impl std::fmt::Debug for CustomTool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomTool")
            .field("name", &self.tool.name)
            .finish()
    }
}

/// A cheap handle to the server state; cloned per HTTP session or request.
#[derive(Clone, Debug)]
pub struct McpServer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    executor: Arc<Executor>,
    /// One per generated tool, then the hand-written ones (what `describe_operation` shows).
    tools: Vec<Tool>,
    /// What `tools/list` answers: `tools`, or the meta tools and the hand-written ones.
    listed: Vec<Tool>,
    by_name: HashMap<String, Target>,
    custom: Vec<CustomTool>,
    /// What a generated tool's call may do on its own.
    policy: CallPolicy,
    /// The large-API mode's search index, built on the first search.
    search: std::sync::OnceLock<dynamic::SearchIndex>,
    /// `tools/list` shows a validated caller only the tools its scopes allow.
    hide_unauthorized: bool,
}

/// Where a tool name dispatches to.
#[derive(Debug, Clone, Copy)]
enum Target {
    Generated(usize),
    Custom(usize),
    Meta(Meta),
}

/// A tool that cannot be served: its input schema is not a JSON object, or its name is taken.
#[derive(Debug, thiserror::Error)]
#[error("tool `{tool}` cannot be served: {message}")]
pub struct BadSchema {
    /// The tool.
    pub tool: String,
    /// What was wrong.
    pub message: String,
}

impl McpServer {
    /// Builds the tool list once from the static table and the hand-written tools, offered
    /// one per operation or through the meta tools as `mode` says.
    pub fn new(
        mut executor: Executor,
        custom: Vec<CustomTool>,
        mode: ToolMode,
        policy: CallPolicy,
    ) -> Result<Self, BadSchema> {
        let api = executor.api();
        let mut tools = Vec::with_capacity(api.tools.len() + custom.len());
        let mut by_name = HashMap::with_capacity(api.tools.len() + custom.len());
        for (index, tool) in describe_all(api.tools).into_iter().enumerate() {
            tools.push(tool?);
            by_name.insert(api.tools[index].name.to_owned(), Target::Generated(index));
        }
        for (index, extra) in custom.iter().enumerate() {
            let name = extra.tool.name.to_string();
            if let Some(def) = api.tools.iter().find(|t| t.name == name) {
                return Err(BadSchema {
                    tool: def.name.to_owned(),
                    message: "a hand-written tool has the same name".to_owned(),
                });
            }
            if Meta::from_name(&name).is_some() && mode == ToolMode::Dynamic {
                return Err(BadSchema {
                    tool: name.clone(),
                    message: "a hand-written tool has the name of a meta tool".to_owned(),
                });
            }
            tools.push(extra.tool.clone());
            by_name.insert(name, Target::Custom(index));
        }
        executor.set_output_schemas(
            tools[..api.tools.len()]
                .iter()
                .map(|t| t.output_schema.clone())
                .collect(),
        );
        let listed = match mode {
            ToolMode::Operations => tools.clone(),
            ToolMode::Dynamic => {
                let mut listed = dynamic::meta_tools(api);
                for meta in &listed {
                    let target = Meta::from_name(&meta.name).map(Target::Meta);
                    if let Some(target) = target {
                        by_name.insert(meta.name.to_string(), target);
                    }
                }
                listed.extend(custom.iter().map(|c| c.tool.clone()));
                listed
            }
        };
        Ok(McpServer {
            inner: Arc::new(Inner {
                executor: Arc::new(executor),
                tools,
                listed,
                by_name,
                custom,
                policy,
                search: std::sync::OnceLock::new(),
                hide_unauthorized: false,
            }),
        })
    }

    /// Shows a caller validated by the resource server only the tools its token's scopes allow
    /// (`--hide-unauthorized-tools`). Call before the server is shared.
    pub fn hiding_unauthorized_tools(mut self) -> Self {
        match Arc::get_mut(&mut self.inner) {
            Some(inner) => inner.hide_unauthorized = true,
            None => tracing::warn!(
                "--hide-unauthorized-tools was set after the server was shared; ignored"
            ),
        }
        self
    }

    fn api(&self) -> &'static ApiDef {
        self.inner.executor.api()
    }

    /// Starts building the upstream HTTP client in the background (see
    /// [`Executor::start_client`]): the tool list is ready, the handshake has not begun.
    pub fn start_client(&self) {
        self.inner.executor.start_client();
    }
}

/// Every tool's listing, in table order. Parsing a large API's schemas is most of its start-up
/// (GitHub: 639 tools, about 2 MB of JSON), so it is spread over the cores.
fn describe_all(defs: &'static [ToolDef]) -> Vec<Result<Tool, BadSchema>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    if defs.len() < 64 || threads < 2 {
        return defs.iter().map(describe).collect();
    }
    let chunk = defs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = defs
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(describe).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .zip(defs.chunks(chunk))
            .flat_map(|(handle, part)| {
                handle.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|def| {
                            Err(BadSchema {
                                tool: def.name.to_owned(),
                                message: "describing it failed".to_owned(),
                            })
                        })
                        .collect()
                })
            })
            .collect()
    })
}

fn describe(def: &'static ToolDef) -> Result<Tool, BadSchema> {
    let schema: JsonObject = serde_json::from_str(def.input_schema).map_err(|err| BadSchema {
        tool: def.name.to_owned(),
        message: format!("its input schema is invalid: {err}"),
    })?;
    let mut tool = Tool::new(def.name, def.description, Arc::new(schema));
    tool.title = Some(def.title.to_owned());
    if let Some(output) = def.output_schema {
        let output: JsonObject = serde_json::from_str(output).map_err(|err| BadSchema {
            tool: def.name.to_owned(),
            message: format!("its output schema is invalid: {err}"),
        })?;
        tool = tool.with_raw_output_schema(Arc::new(output));
    }
    tool.meta = meta(def);
    Ok(tool.with_annotations(annotations(def)))
}

/// The tool's `_meta`: the needs/yields index (`spec2mcp/needs`, `spec2mcp/yields`) and which
/// texts were composed from the spec (`spec2mcp/derived`), when there is any.
fn meta(def: &ToolDef) -> Option<rmcp::model::MetaObject> {
    let mut meta = JsonObject::new();
    if !def.needs.is_empty() {
        let needs: Vec<serde_json::Value> = def
            .needs
            .iter()
            .map(|n| {
                let mut need = serde_json::json!({
                    "argument": n.argument, "resource": n.resource, "field": n.field, "from": n.from,
                });
                if let Some((tool, argument)) = n.search {
                    need["search"] = serde_json::json!({"tool": tool, "argument": argument});
                }
                need
            })
            .collect();
        meta.insert(META_NEEDS.into(), needs.into());
    }
    if !def.yields.is_empty() {
        let yields: Vec<serde_json::Value> = def
            .yields
            .iter()
            .map(|y| serde_json::json!({"resource": y.resource, "field": y.field, "at": y.at}))
            .collect();
        meta.insert(META_YIELDS.into(), yields.into());
    }
    if !def.derived.is_empty() {
        meta.insert(META_DERIVED.into(), def.derived.into());
    }
    (!meta.is_empty()).then(|| rmcp::model::MetaObject(meta))
}

/// `_meta` key of a tool's needs: `[{argument, resource, field, from, search?}]`.
pub const META_NEEDS: &str = "spec2mcp/needs";
/// `_meta` key of a tool's yields: `[{resource, field, at}]`.
pub const META_YIELDS: &str = "spec2mcp/yields";
/// `_meta` key of the texts composed from the spec: `["title", "description"]`.
pub const META_DERIVED: &str = "spec2mcp/derived";

/// MCP's tool annotations from the tool's hints.
fn annotations(def: &ToolDef) -> ToolAnnotations {
    let promises = def.hints;
    let mut hints = ToolAnnotations::with_title(def.title)
        .read_only(promises.read_only)
        .open_world(true);
    if !promises.read_only {
        hints = hints
            .idempotent(promises.idempotent)
            .destructive(promises.destructive);
    }
    hints
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let api = self.api();
        let mut info = Implementation::new(api.name, api.version);
        info.title = Some(format!("{} (MCP)", api.title));
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(info)
            .with_instructions(format!(
                "Tools that call the {} over HTTP, one per API operation. Each tool's description is the \
                 operation's; arguments are its path, query and header parameters and, for writes, `body`.",
                api.title
            ))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let principal = context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Principal>());
        match principal {
            // --hide-unauthorized-tools: only what the caller's scopes allow.
            Some(principal) if self.inner.hide_unauthorized => {
                let api = self.api();
                let allowed = self.inner.listed.iter().filter(|tool| {
                    match self.inner.by_name.get(tool.name.as_ref()) {
                        Some(Target::Generated(index)) => {
                            principal.allows(api.tools[*index].scopes)
                        }
                        _ => true,
                    }
                });
                Ok(ListToolsResult::with_all_items(allowed.cloned().collect()))
            }
            _ => Ok(ListToolsResult::with_all_items(self.inner.listed.clone())),
        }
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let index = match *self.inner.by_name.get(name)? {
            Target::Generated(i) => i,
            Target::Custom(i) => self.api().tools.len() + i,
            Target::Meta(_) => {
                return self.inner.listed.iter().find(|t| t.name == name).cloned();
            }
        };
        self.inner.tools.get(index).cloned()
    }

    /// Boxed: the call's state (the upstream request in flight) is kilobytes, and rmcp moves
    /// the future it is given into a new task per request; a box makes that move a pointer.
    fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<CallToolResponse, ErrorData>> + Send + '_ {
        Box::pin(self.dispatch(request, context))
    }
}

impl McpServer {
    /// `tools/call`: the tool named in the request, with its arguments.
    async fn dispatch(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let api = self.api();
        // Over HTTP, rmcp puts the incoming request's head in the extensions; stdio has none.
        let caller = match context.extensions.get::<http::request::Parts>() {
            Some(parts) => {
                let mut caller =
                    Caller::from_headers(self.inner.executor.forward_rules(), &parts.headers);
                caller.principal = parts.extensions.get::<Principal>().cloned();
                caller
            }
            None => Caller::default(),
        };
        let Some(&target) = self.inner.by_name.get(request.name.as_ref()) else {
            return Err(self.unknown_tool(&request.name));
        };
        let args = request.arguments.unwrap_or_default();
        let result = match target {
            Target::Generated(index) => self.call_generated(index, args, &caller).await,
            Target::Custom(index) => {
                let custom = &self.inner.custom[index];
                (custom.handler)(self.inner.executor.clone(), caller, args).await
            }
            Target::Meta(Meta::Search) => dynamic::search(api, self.search_index(), &args)
                .unwrap_or_else(|err| err.into_result(dynamic::SEARCH)),
            Target::Meta(Meta::Describe) => {
                match dynamic::operation(api, self.search_index(), &args, &["name"]) {
                    Ok(index) => dynamic::describe(&self.inner.tools[index]),
                    Err(err) => err.into_result(dynamic::DESCRIBE),
                }
            }
            Target::Meta(Meta::Call) => {
                let picked =
                    dynamic::operation(api, self.search_index(), &args, &["name", "arguments"])
                        .and_then(|index| Ok((index, dynamic::call_arguments(&args)?)));
                match picked {
                    Ok((index, inner)) => self.call_generated(index, inner, &caller).await,
                    Err(err) => err.into_result(dynamic::CALL),
                }
            }
        };
        Ok(result.into())
    }

    /// The search index, built once on first use.
    fn search_index(&self) -> &dynamic::SearchIndex {
        self.inner
            .search
            .get_or_init(|| dynamic::SearchIndex::new(self.api()))
    }

    /// The error for a tool name this server does not list, with the nearest names it does.
    fn unknown_tool(&self, name: &str) -> ErrorData {
        let listed = self.inner.listed.iter().map(|t| t.name.as_ref());
        let near = crate::suggest::closest(name, listed, 3);
        let hint = if near.is_empty() {
            "call tools/list for the names".to_owned()
        } else {
            format!("did you mean {}?", near.join(", "))
        };
        ErrorData::invalid_params(format!("unknown tool `{name}`; {hint}"), None)
    }

    /// A generated tool: typed input, then the upstream request.
    async fn call_generated(
        &self,
        index: usize,
        args: JsonObject,
        caller: &Caller,
    ) -> CallToolResult {
        let def = &self.api().tools[index];
        if let Some(principal) = &caller.principal {
            if !principal.allows(def.scopes) {
                return insufficient_scope(def.name, &principal.missing(def.scopes));
            }
        }
        let call = crate::call::ToolCall {
            api: self.api(),
            listed: &self.inner.tools,
            executor: &self.inner.executor,
            caller,
            policy: self.inner.policy,
        };
        call.run(index, args).await
    }
}

/// The result for a caller whose token lacks the scopes a tool needs (RFC 6750's
/// `insufficient_scope`): names them, sends nothing.
pub fn insufficient_scope(tool: &str, missing: &[String]) -> CallToolResult {
    let scopes: Vec<String> = missing.iter().map(|s| format!("`{s}`")).collect();
    let mut result = crate::outcome::classify(
        CallToolResult::error(vec![ContentBlock::text(format!(
            "insufficient_scope: the tool `{tool}` needs the OAuth scope {} (RFC 6750), which the \
             caller's access token was not granted. Nothing was sent to the API; obtain a token \
             with that scope to use it.",
            scopes.join(" and ")
        ))]),
        crate::outcome::ErrorKind::Permission,
    );
    if let Some(error) = result
        .meta
        .as_mut()
        .and_then(|meta| meta.0.get_mut(crate::outcome::META_ERROR))
    {
        error["error"] = "insufficient_scope".into();
        error["scope"] = missing.join(" ").into();
    }
    result
}

/// The result for arguments that do not fit a tool's input: names the field, sends nothing.
pub fn invalid_arguments(tool: &str, err: &crate::args::ArgsError) -> CallToolResult {
    crate::outcome::classify(
        CallToolResult::error(vec![ContentBlock::text(format!(
            "Invalid arguments for tool `{tool}`: {err}. Nothing was sent to the API; \
             see the tool's input schema."
        ))]),
        crate::outcome::ErrorKind::BadArguments,
    )
}
