// Copied verbatim by spec2mcp 0.1.0 from its runtime templates. Do not edit.
//! The MCP side: `tools/list` from a list built once, `tools/call` dispatched by index.

use std::collections::HashMap;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::def::{ApiDef, Method, ToolDef};
use super::executor::Executor;

/// A cheap handle to the server state; cloned per HTTP session or request.
#[derive(Clone, Debug)]
pub struct McpServer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    executor: Executor,
    tools: Vec<Tool>,
    by_name: HashMap<&'static str, usize>,
}

/// A tool whose generated input schema is not a JSON object (a generator bug, reported at start).
#[derive(Debug)]
pub struct BadSchema {
    /// The tool.
    pub tool: &'static str,
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for BadSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "input schema of tool `{}` is invalid: {}",
            self.tool, self.message
        )
    }
}

impl std::error::Error for BadSchema {}

impl McpServer {
    /// Builds the tool list once from the static table.
    pub fn new(executor: Executor) -> Result<Self, BadSchema> {
        let api = executor.api();
        let mut tools = Vec::with_capacity(api.tools.len());
        let mut by_name = HashMap::with_capacity(api.tools.len());
        for (index, def) in api.tools.iter().enumerate() {
            tools.push(describe(def)?);
            by_name.insert(def.name, index);
        }
        Ok(McpServer {
            inner: Arc::new(Inner {
                executor,
                tools,
                by_name,
            }),
        })
    }

    fn api(&self) -> &'static ApiDef {
        self.inner.executor.api()
    }
}

fn describe(def: &'static ToolDef) -> Result<Tool, BadSchema> {
    let schema: JsonObject = serde_json::from_str(def.input_schema).map_err(|err| BadSchema {
        tool: def.name,
        message: err.to_string(),
    })?;
    let mut tool = Tool::new(def.name, def.description, Arc::new(schema));
    tool.title = Some(def.title.to_owned());
    Ok(tool.with_annotations(annotations(def)))
}

/// Hints that follow from the HTTP method's semantics.
fn annotations(def: &ToolDef) -> ToolAnnotations {
    let read_only = matches!(def.method, Method::Get | Method::Head | Method::Options);
    let idempotent = read_only || matches!(def.method, Method::Put | Method::Delete);
    let destructive = matches!(def.method, Method::Delete);
    let mut hints = ToolAnnotations::with_title(def.title)
        .read_only(read_only)
        .open_world(true);
    if !read_only {
        hints = hints.idempotent(idempotent).destructive(destructive);
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
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.inner.tools.clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let index = *self.inner.by_name.get(name)?;
        self.inner.tools.get(index).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let api = self.api();
        let Some(&index) = self.inner.by_name.get(request.name.as_ref()) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`", request.name),
                None,
            ));
        };
        let def = &api.tools[index];
        let args = request.arguments.unwrap_or_default();
        let result = match (def.build)(args) {
            Ok(req) => self.inner.executor.call(def, req).await,
            Err(err) => {
                tracing::info!(tool = def.name, field = %err.field, "rejected arguments");
                CallToolResult::error(vec![ContentBlock::text(format!(
                    "Invalid arguments for tool `{}`: {err}. Nothing was sent to the API; \
                     see the tool's input schema.",
                    def.name
                ))])
            }
        };
        Ok(result.into())
    }
}
