//! The large-API mode (`ToolMode::Dynamic`): instead of one tool per operation, `tools/list`
//! offers three meta tools — search the operations, describe one, call one — so an API with a
//! thousand operations costs an agent a few KB of context instead of megabytes. Calls still go
//! through the generated tool's typed input and the same executor; nothing here builds requests.

use std::sync::Arc;

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use serde_json::{json, Value};

use crate::def::{ApiDef, ToolDef};

/// `search_operations`: find operations by words.
pub const SEARCH: &str = "search_operations";
/// `describe_operation`: one operation's description and input schema.
pub const DESCRIBE: &str = "describe_operation";
/// `call_operation`: call one operation by name.
pub const CALL: &str = "call_operation";

/// Most results one search returns.
const MAX_LIMIT: usize = 50;
const DEFAULT_LIMIT: usize = 10;

/// Which meta tool a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meta {
    /// `search_operations`.
    Search,
    /// `describe_operation`.
    Describe,
    /// `call_operation`.
    Call,
}

impl Meta {
    /// The meta tool called `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Meta> {
        match name {
            SEARCH => Some(Meta::Search),
            DESCRIBE => Some(Meta::Describe),
            CALL => Some(Meta::Call),
            _ => None,
        }
    }
}

/// The three meta tools as `tools/list` shows them.
pub fn meta_tools(api: &ApiDef) -> Vec<Tool> {
    let count = api.tools.len();
    let read_only = api.tools.iter().all(|t| t.hints.read_only);
    let destructive = api.tools.iter().any(|t| t.hints.destructive);
    let search = tool(
        SEARCH,
        "Search operations",
        format!(
            "Find operations of the {} ({count} in all) by words in their name, path, summary and \
             tags. Returns names to pass to `{DESCRIBE}` and `{CALL}`.",
            api.title
        ),
        json!({
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "Words to look for, e.g. `list repository issues`. Empty lists the first operations."},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT, "description": "Most operations to return."}
            },
            "required": ["query"],
            "additionalProperties": false
        }),
        ToolAnnotations::with_title("Search operations")
            .read_only(true)
            .open_world(false),
    );
    let describe = tool(
        DESCRIBE,
        "Describe an operation",
        format!(
            "The full description of one operation: what it does, its HTTP method and path, and \
             the JSON Schema of the arguments `{CALL}` takes for it."
        ),
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": format!("An operation name from `{SEARCH}`.")}
            },
            "required": ["name"],
            "additionalProperties": false
        }),
        ToolAnnotations::with_title("Describe an operation")
            .read_only(true)
            .open_world(false),
    );
    let mut call_hints = ToolAnnotations::with_title("Call an operation")
        .read_only(read_only)
        .open_world(true);
    if !read_only {
        call_hints = call_hints.destructive(destructive).idempotent(false);
    }
    let call = tool(
        CALL,
        "Call an operation",
        format!(
            "Calls one operation of the {} over HTTP. `arguments` must follow the input schema \
             `{DESCRIBE}` gives for it; a wrong argument is reported by field and nothing is sent.",
            api.title
        ),
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": format!("An operation name from `{SEARCH}`.")},
                "arguments": {"type": "object", "description": "The operation's arguments.", "default": {}}
            },
            "required": ["name"],
            "additionalProperties": false
        }),
        call_hints,
    );
    vec![search, describe, call]
}

fn tool(
    name: &'static str,
    title: &str,
    description: String,
    schema: Value,
    hints: ToolAnnotations,
) -> Tool {
    let schema: JsonObject = match schema {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    };
    let mut tool = Tool::new(name, description, Arc::new(schema));
    tool.title = Some(title.to_owned());
    tool.with_annotations(hints)
}

/// Arguments of a meta tool that are not what its schema says.
#[derive(Debug)]
pub struct MetaArgsError {
    /// The field at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl MetaArgsError {
    /// The `isError` result naming the field, worded like a generated tool's argument error
    /// (an empty field is left out).
    pub fn into_result(self, tool: &str) -> CallToolResult {
        let err = crate::args::ArgsError {
            field: self.field.to_owned(),
            message: self.message,
        };
        CallToolResult::error(vec![ContentBlock::text(format!(
            "Invalid arguments for tool `{tool}`: {err}"
        ))])
    }
}

fn reject_unknown(args: &JsonObject, known: &[&str]) -> Result<(), MetaArgsError> {
    match crate::args::unknown_field(args, known) {
        Some(message) => Err(MetaArgsError { field: "", message }),
        None => Ok(()),
    }
}

fn string_field(
    args: &JsonObject,
    field: &'static str,
    required: bool,
) -> Result<Option<String>, MetaArgsError> {
    match args.get(field) {
        Some(Value::String(text)) => Ok(Some(text.clone())),
        None if !required => Ok(None),
        None => Err(MetaArgsError {
            field,
            message: "missing field".to_owned(),
        }),
        Some(other) => Err(MetaArgsError {
            field,
            message: format!("expected a string, got {other}"),
        }),
    }
}

/// `search_operations`: operations ranked by how many query words they match, then by where
/// (name and path count most), then in table order.
pub fn search(api: &ApiDef, args: &JsonObject) -> Result<CallToolResult, MetaArgsError> {
    reject_unknown(args, &["query", "limit"])?;
    let query = string_field(args, "query", true)?.unwrap_or_default();
    let limit = match args.get("limit") {
        None | Some(Value::Null) => DEFAULT_LIMIT,
        Some(value) => match value.as_u64() {
            Some(n) if (1..=MAX_LIMIT as u64).contains(&n) => n as usize,
            _ => {
                return Err(MetaArgsError {
                    field: "limit",
                    message: format!("expected an integer from 1 to {MAX_LIMIT}, got {value}"),
                })
            }
        },
    };
    let words = words(&query);
    let mut ranked: Vec<(usize, usize, usize)> = api
        .tools
        .iter()
        .enumerate()
        .filter_map(|(index, def)| {
            let (matched, weight) = score(def, &words);
            (words.is_empty() || matched > 0).then_some((matched, weight, index))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let total = ranked.len();
    let operations: Vec<Value> = ranked
        .iter()
        .take(limit)
        .map(|&(_, _, index)| {
            let def = &api.tools[index];
            json!({
                "name": def.name,
                "title": def.title,
                "method": def.method.as_str(),
                "path": def.path,
                "tags": def.tags,
            })
        })
        .collect();
    let structured = json!({
        "matches": total,
        "operations": operations,
        "next": format!("Call `{DESCRIBE}` with one of these names for its arguments, then `{CALL}`."),
    });
    Ok(structured_result(structured))
}

/// Lower-case words of at least one letter or digit.
fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// (query words matched anywhere, weight of where they matched).
fn score(def: &ToolDef, words: &[String]) -> (usize, usize) {
    let name = def.name.to_lowercase();
    let path = def.path.to_lowercase();
    let title = def.title.to_lowercase();
    let description = def.description.to_lowercase();
    let mut matched = 0;
    let mut weight = 0;
    for word in words {
        let here = [
            (name.contains(word.as_str()), 4),
            (path.contains(word.as_str()), 3),
            (
                def.tags
                    .iter()
                    .any(|t| t.to_lowercase().contains(word.as_str())),
                3,
            ),
            (title.contains(word.as_str()), 2),
            (description.contains(word.as_str()), 1),
        ];
        let w: usize = here.iter().filter(|(hit, _)| *hit).map(|(_, w)| w).sum();
        if w > 0 {
            matched += 1;
            weight += w;
        }
    }
    (matched, weight)
}

/// The index of the operation a `describe_operation` or `call_operation` names, or an error
/// that suggests the closest names.
pub fn operation(api: &ApiDef, args: &JsonObject, known: &[&str]) -> Result<usize, MetaArgsError> {
    reject_unknown(args, known)?;
    let name = string_field(args, "name", true)?.unwrap_or_default();
    if let Some(index) = api.tools.iter().position(|t| t.name == name) {
        return Ok(index);
    }
    let words = words(&name.replace('_', " "));
    let mut close: Vec<(usize, usize, &str)> = api
        .tools
        .iter()
        .map(|t| {
            let (m, w) = score(t, &words);
            (m, w, t.name)
        })
        .filter(|(m, _, _)| *m > 0)
        .collect();
    close.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let suggestions: Vec<&str> = close.iter().take(3).map(|c| c.2).collect();
    let hint = if suggestions.is_empty() {
        format!("use `{SEARCH}` to find operation names")
    } else {
        format!("did you mean {}?", suggestions.join(", "))
    };
    Err(MetaArgsError {
        field: "name",
        message: format!("no operation is called `{name}`; {hint}"),
    })
}

/// `describe_operation`: the operation's tool, as `tools/list` would have shown it.
pub fn describe(described: &Tool) -> CallToolResult {
    let value = serde_json::to_value(described).unwrap_or(Value::Null);
    structured_result(value)
}

/// The arguments object of a `call_operation`.
pub fn call_arguments(args: &JsonObject) -> Result<JsonObject, MetaArgsError> {
    match args.get("arguments") {
        None | Some(Value::Null) => Ok(JsonObject::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(other) => Err(MetaArgsError {
            field: "arguments",
            message: format!("expected an object, got {other}"),
        }),
    }
}

fn structured_result(value: Value) -> CallToolResult {
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(value);
    result
}
