//! The model builder: resolved operations → tools. It orchestrates; each concern has its module:
//! [`naming`](super::naming), [`args`](super::args), [`body`](super::body),
//! [`output`](super::output), [`servers`](super::servers), [`passes`](super::passes), and the
//! schemas' one normalised form ([`schema`](super::schema)) behind both the Rust types and the
//! advertised JSON Schemas.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::output::OutputSchemas;
use super::problem::Problem;
use super::schema::json::SchemaWriter;
use super::schema::rust::TypeBuilder;
use super::schema::{Context, Normalizer};
use super::servers::{server_url, ServerUrl};
use super::{args, body, describe, links, naming, passes, security, transform};
use super::{Api, Derived, HeaderSource, Hints, Semantics, ServerHeader, Settings, Skipped, Tool};
use crate::config::HeaderPolicy;
use crate::diag::Diagnostic;
use crate::load::LoadedSpec;
use crate::resolve::{self, Operation, Resolver};

/// Builds the model of `spec`, reporting what it skips and why in `diags`.
pub fn build(spec: &LoadedSpec, settings: &Settings, diags: &mut Vec<Diagnostic>) -> Api {
    let resolver = Resolver::new(&spec.root);
    let info = spec.root.get("info");
    let text = |v: Option<&Value>, key: &str| {
        v.and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let security_schemes = security::schemes(&resolver, &settings.env_prefix, diags);
    let (default_base_url, server_path) = match server_url(&spec.root, &settings.env_prefix, diags)
    {
        Some(ServerUrl::Absolute(url)) => (Some(url), None),
        Some(ServerUrl::Relative(path)) => (None, Some(path)),
        None => (None, None),
    };
    let operations = resolve::operations(&resolver, diags);
    if operations.is_empty() {
        diags.push(no_operations(&spec.root));
    }
    diags.extend(unknown_config_headers(&operations, settings));
    diags.extend(unknown_config_operations(&operations, settings));
    let mut builder = ToolBuilder {
        ir: Normalizer::new(resolver, Context::Input),
        types: TypeBuilder::new(&resolver),
        outputs: OutputSchemas::new(resolver),
        modules: HashSet::new(),
        schemes: &security_schemes,
    };
    let mut tools = Vec::new();
    let mut skipped = Vec::new();
    let mut names = HashSet::new();
    for op in &operations {
        let label = format!("{} {}", op.method.to_ascii_uppercase(), op.path);
        if let Some(reason) = filtered_out(op, settings) {
            skipped.push(Skipped {
                operation: label,
                reason,
                filtered: true,
            });
            continue;
        }
        let name = match naming::operation_tool_name(op, settings, &mut names) {
            Ok(name) => name,
            Err(d) => {
                skipped.push(Skipped {
                    operation: label,
                    reason: d.message.clone(),
                    filtered: false,
                });
                diags.push(d);
                continue;
            }
        };
        match builder.tool(op, name.clone(), settings) {
            Ok(tool) => tools.push(tool),
            Err(problem) => {
                names.remove(&name);
                diags.push(
                    Diagnostic::warning(
                        problem.pointer.clone(),
                        format!("skipped {label}: {}", problem.reason),
                    )
                    .with_fix(problem.fix.clone()),
                );
                skipped.push(Skipped {
                    operation: label,
                    reason: problem.reason,
                    filtered: false,
                });
            }
        }
    }
    diags.extend(builder.ir.take_warnings());
    links::link(&mut tools);
    naming::apply_template(&mut tools, settings);
    transform::apply(&mut tools, &settings.transforms, diags);
    describe::describe(
        &mut tools,
        &shared_texts(&operations),
        settings.derive_descriptions,
    );
    for tool in tools.iter_mut().filter(|t| t.deprecated) {
        tool.description = format!("Deprecated. {}", tool.description);
    }
    let mut types = builder.types.into_types();
    passes::box_recursion(&mut types);
    passes::drop_tools_with_missing_types(&mut tools, &types, &mut skipped, diags);
    let types = passes::reachable(types, &tools);
    let server_headers = server_headers(&tools, settings);
    Api {
        title: text(info, "title"),
        version: text(info, "version"),
        default_base_url,
        server_path,
        security_schemes,
        server_headers,
        tools,
        types,
        operation_count: operations.len(),
        skipped,
        mode: settings.mode,
    }
}

/// Warnings for `[headers]` entries of the config that name no header parameter of the spec.
fn unknown_config_headers(operations: &[Operation<'_>], settings: &Settings) -> Vec<Diagnostic> {
    let mut names: Vec<&str> = Vec::new();
    for op in operations {
        for param in &op.parameters {
            if param.value.get("in").and_then(Value::as_str) == Some("header") {
                if let Some(name) = param.value.get("name").and_then(Value::as_str) {
                    names.push(name);
                }
            }
        }
    }
    settings
        .headers
        .keys()
        .filter(|key| !names.iter().any(|n| n.eq_ignore_ascii_case(key)))
        .map(|key| {
            Diagnostic::warning(
                "",
                format!(
                    "spec2mcp.toml's [headers] names `{key}`, which no operation has as a header parameter{}",
                    crate::suggest::hint(key, names.iter().copied())
                ),
            )
            .with_fix("correct the header's name in [headers], or remove the entry")
        })
        .collect()
}

/// `[rename]` keys (errors) and `operations` filter entries (warnings) that name no operation
/// of the spec, each with the nearest name: a typo would otherwise do nothing, silently.
fn unknown_config_operations(operations: &[Operation<'_>], settings: &Settings) -> Vec<Diagnostic> {
    let mut known: Vec<String> = Vec::new();
    for op in operations {
        let id = op.op.get("operationId").and_then(Value::as_str);
        known.extend(id.map(str::to_owned));
        let raw = naming::raw_name(id, op.method, &op.path);
        known.push(naming::tool_name(&raw, settings.max_tool_name_len));
    }
    let is_known = |name: &str| known.iter().any(|k| k == name);
    let hint = |name: &str| crate::suggest::hint(name, known.iter().map(String::as_str));
    let mut found = Vec::new();
    for key in settings.rename.keys().filter(|k| !is_known(k)) {
        found.push(
            Diagnostic::error(
                "",
                format!(
                    "spec2mcp.toml's [rename] names `{key}`, which is no operationId or tool name of the spec{}",
                    hint(key)
                ),
            )
            .with_fix("key [rename] by an operationId, or by the name the tool has without it"),
        );
    }
    for (table, filter) in [
        ("include", &settings.include),
        ("exclude", &settings.exclude),
    ] {
        for id in filter.operations.iter().filter(|k| !is_known(k)) {
            found.push(
                Diagnostic::warning(
                    "",
                    format!(
                        "spec2mcp.toml's [{table}] operations names `{id}`, which is no operationId of the spec{}",
                        hint(id)
                    ),
                )
                .with_fix(format!("correct the operationId in [{table}], or remove the entry")),
            );
        }
    }
    found
}

/// The headers the server fills for any tool, once each, with where their values come from.
fn server_headers(tools: &[Tool], settings: &Settings) -> Vec<ServerHeader> {
    let mut headers: Vec<ServerHeader> = Vec::new();
    for (name, _) in tools.iter().flat_map(|t| &t.server_headers) {
        if headers.iter().any(|h| h.name.eq_ignore_ascii_case(name)) {
            continue;
        }
        let source = match settings.header_policy(name) {
            HeaderPolicy::Generated => HeaderSource::Generated,
            _ => HeaderSource::Environment(format!(
                "{}_HEADER_{}",
                settings.env_prefix,
                naming::screaming(name)
            )),
        };
        headers.push(ServerHeader {
            name: name.clone(),
            source,
        });
    }
    headers
}

/// The warning for a document without operations (perhaps only webhooks).
fn no_operations(root: &Value) -> Diagnostic {
    let webhooks = root
        .get("webhooks")
        .and_then(Value::as_object)
        .map_or(0, |w| w.len());
    let message = if webhooks > 0 {
        format!(
            "the document has no operations under `paths`, only {webhooks} webhook(s); webhooks are \
             requests the API sends, not calls a client makes, so the server has no tools"
        )
    } else {
        "the document has no operations under `paths`, so the server has no tools".to_owned()
    };
    Diagnostic::warning("#/paths", message)
        .with_fix("point --spec at the document that describes the API's own endpoints")
}

/// What building tools shares across operations: the input schemas' normalised form, the Rust
/// types, the output schemas, and the module names taken.
struct ToolBuilder<'a, 's> {
    ir: Normalizer<'a>,
    types: TypeBuilder,
    outputs: OutputSchemas<'a>,
    modules: HashSet<String>,
    schemes: &'s [super::SecurityScheme],
}

impl<'a> ToolBuilder<'a, '_> {
    /// One operation as the tool `name`.
    fn tool(
        &mut self,
        op: &Operation<'a>,
        name: String,
        settings: &Settings,
    ) -> Result<Tool, Problem> {
        let args::Params {
            args: params,
            server_headers,
        } = args::params(op, &mut self.ir, settings)?;
        args::check_path_template(op, &params)?;
        let body = body::body(op, &mut self.ir)?;

        let type_base = naming::pascal_ident(&name, "Operation");
        let mut idents = HashSet::new();
        let args = args::arguments(&params, &self.ir, &mut self.types, &type_base, &mut idents)?;
        let body_arg = match &body {
            Some(body) => Some(body::argument(
                body,
                &self.ir,
                &mut self.types,
                &type_base,
                &args,
                &mut idents,
            )?),
            None => None,
        };

        let mut writer = SchemaWriter::new(&self.ir);
        let mut properties = Map::new();
        let mut required = Vec::new();
        args::properties(&params, &args, &mut writer, &mut properties, &mut required);
        if let (Some(body), Some(arg)) = (&body, &body_arg) {
            body::property(body, arg, &mut writer, &mut properties, &mut required);
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        schema.insert("additionalProperties".into(), Value::Bool(false));
        let input_schema = writer.finish(Value::Object(schema));

        let (title, description) = spec_texts(op);
        let method = op.method.to_ascii_uppercase();
        let (resource, answer, fields) = self.outputs.answer(op);
        // A write that answers with no schema acts on its body's resource (`ProductRequest`).
        let resource = resource.or_else(|| {
            let node = body.as_ref()?.node?;
            let component = self.ir.get(self.ir.target(node)).component.clone()?;
            let base = component.strip_prefix("Patched").unwrap_or(&component);
            Some(base.strip_suffix("Request").unwrap_or(base).to_owned())
        });
        let semantics = Semantics {
            action: links::action(
                op.op.get("operationId").and_then(Value::as_str),
                &method,
                &op.path,
            ),
            resource,
            parent: None,
            answer,
            fields,
        };
        Ok(Tool {
            module: naming::unique(naming::snake_ident(&name), &mut self.modules, usize::MAX),
            input_type: format!("{type_base}Input"),
            name,
            tags: tags(op.op),
            title,
            description,
            hints: Hints::of_method(&method),
            method,
            path: op.path.clone(),
            operation_id: op
                .op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned),
            pointer: op.pointer.clone(),
            args,
            body: body_arg,
            input_schema,
            output_schema: self.outputs.for_operation(op),
            security: security::requirements(op.op, self.ir.resolver().root(), self.schemes),
            scopes: security::scopes(op.op, self.ir.resolver().root()),
            server_headers,
            semantics,
            needs: Vec::new(),
            yields: Vec::new(),
            derived: Derived::default(),
            deprecated: op.op.get("deprecated").and_then(Value::as_bool) == Some(true),
        })
    }
}

/// The spec's own title (the summary's first line) and description (summary and description),
/// each empty when the spec has none.
fn spec_texts(op: &Operation<'_>) -> (String, String) {
    let text = |key: &str| {
        op.op
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
    };
    let (summary, details) = (text("summary"), text("description"));
    let description = match (summary.is_empty(), details.is_empty()) {
        (false, false) if details.starts_with(summary) => details.to_owned(),
        (false, false) => format!("{summary}\n\n{details}"),
        (false, true) => summary.to_owned(),
        (true, false) => details.to_owned(),
        (true, true) => String::new(),
    };
    let title = summary.lines().next().unwrap_or_default().to_owned();
    (title, description)
}

/// How many operations of the spec have each description text: one shared by several (a DRF
/// viewset's docstring) does not tell them apart.
fn shared_texts(operations: &[Operation<'_>]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for op in operations {
        let (_, description) = spec_texts(op);
        if !description.is_empty() {
            *counts.entry(description).or_insert(0) += 1;
        }
    }
    counts
}

/// Why an operation is left out by the settings, if it is.
fn filtered_out(op: &Operation<'_>, settings: &Settings) -> Option<String> {
    let method = op.method.to_ascii_uppercase();
    if !settings.methods.contains(&method) && !transform::marked_read_only(op, settings) {
        return Some(format!(
            "{method} is not enabled (only {} become tools; opt in with --methods)",
            settings.methods.join(",")
        ));
    }
    let tags = tags(op.op);
    let id = op.op.get("operationId").and_then(Value::as_str);
    if !settings.include.is_empty() && !settings.include.matches(&tags, id, &op.path) {
        return Some("not matched by [include] in the config".into());
    }
    if settings.exclude.matches(&tags, id, &op.path) {
        return Some("matched by [exclude] in the config".into());
    }
    None
}

fn tags(op: &Value) -> Vec<String> {
    match op.get("tags") {
        Some(Value::Array(t)) => t
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}
