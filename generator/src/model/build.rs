//! The model builder: resolved operations → tools, their arguments, schemas and types.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use heck::ToTitleCase;
use serde_json::{json, Map, Value};

use super::schema_json::SchemaWriter;
use super::security;
use super::types::{doc_of, TypeBuilder, Unsupported};
use super::{
    naming, Api, Arg, BodyArg, BodyEncoding, Location, QueryStyle, Settings, Skipped, Tool,
    TypeKind, TypeRef,
};
use crate::diag::{join_pointer, Diagnostic};
use crate::load::LoadedSpec;
use crate::resolve::{self, ref_of, Operation, Resolver};

/// Header parameters OpenAPI says to ignore: the runtime sets them itself.
const IGNORED_HEADERS: &[&str] = &["accept", "content-type", "authorization"];

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
    let title = text(info, "title");
    let version = text(info, "version");
    let security_schemes = security::schemes(&resolver, &settings.env_prefix, diags);
    let (default_base_url, server_path) = match server_url(&spec.root, &settings.env_prefix, diags)
    {
        Some(ServerUrl::Absolute(url)) => (Some(url), None),
        Some(ServerUrl::Relative(path)) => (None, Some(path)),
        None => (None, None),
    };

    let operations = resolve::operations(&resolver, diags);
    if operations.is_empty() {
        let webhooks = spec
            .root
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
        diags.push(
            Diagnostic::warning("#/paths", message)
                .with_fix("point --spec at the document that describes the API's own endpoints"),
        );
    }
    let mut types = TypeBuilder::new(resolver);
    let mut tools = Vec::new();
    let mut skipped = Vec::new();
    let mut names = HashSet::new();
    let mut modules = HashSet::new();
    let mut outputs = OutputSchemas::default();
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
        let name = match tool_name(op, settings, &mut names) {
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
        match tool(
            op,
            name.clone(),
            &resolver,
            &mut types,
            &security_schemes,
            &mut modules,
        ) {
            Ok(mut tool) => {
                tool.output_schema = outputs.for_operation(op, &resolver);
                tools.push(tool);
            }
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
    let mut types = types.into_types();
    box_recursion(&mut types);
    drop_tools_with_missing_types(&mut tools, &types, &mut skipped, diags);
    let types = reachable(types, &tools);
    Api {
        title,
        version,
        default_base_url,
        server_path,
        security_schemes,
        tools,
        types,
        operation_count: operations.len(),
        skipped,
        mode: settings.mode,
    }
}

/// Why an operation is not a tool, with the fix.
struct Problem {
    pointer: String,
    reason: String,
    fix: String,
}

impl From<Unsupported> for Problem {
    fn from(u: Unsupported) -> Self {
        Problem {
            pointer: u.pointer,
            reason: u.reason,
            fix: "simplify the schema, or exclude the operation in spec2mcp.toml ([exclude] operations = [...])".into(),
        }
    }
}

fn filtered_out(op: &Operation<'_>, settings: &Settings) -> Option<String> {
    let method = op.method.to_ascii_uppercase();
    if !settings.methods.contains(&method) {
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

fn tool_name(
    op: &Operation<'_>,
    settings: &Settings,
    taken: &mut HashSet<String>,
) -> Result<String, Diagnostic> {
    let id = op
        .op
        .get("operationId")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty());
    let raw = match id {
        Some(id) => id.to_owned(),
        None => naming::method_path_name(op.method, &op.path),
    };
    let generated = naming::tool_name(&raw, settings.max_tool_name_len);
    let renamed = id
        .and_then(|id| settings.rename.get(id))
        .or_else(|| settings.rename.get(&generated));
    if let Some(new) = renamed {
        let valid = !new.is_empty()
            && new.len() <= settings.max_tool_name_len
            && new
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(Diagnostic::error(
                join_pointer(&op.pointer, "operationId"),
                format!(
                    "the config renames this operation to `{new}`, which is not a valid tool name"
                ),
            )
            .with_fix(format!(
                "use only a-z, 0-9 and _ and at most {} characters",
                settings.max_tool_name_len
            )));
        }
        if !taken.insert(new.clone()) {
            return Err(Diagnostic::error(
                join_pointer(&op.pointer, "operationId"),
                format!(
                    "the config renames this operation to `{new}`, which another tool already has"
                ),
            )
            .with_fix("choose a different name in [rename]"));
        }
        return Ok(new.clone());
    }
    Ok(naming::unique(generated, taken, settings.max_tool_name_len))
}

fn tool<'a>(
    op: &Operation<'a>,
    name: String,
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
    schemes: &[super::SecurityScheme],
    modules: &mut HashSet<String>,
) -> Result<Tool, Problem> {
    let module = naming::unique(naming::snake_ident(&name), modules, usize::MAX);
    let type_base = naming::pascal_ident(&name, "Operation");
    let input_type = format!("{type_base}Input");
    let mut writer = SchemaWriter::new(*resolver);
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let mut idents = HashSet::new();
    let mut wires = HashSet::new();

    for param in &op.parameters {
        let p = param.value;
        let pname = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let location = match p.get("in").and_then(Value::as_str) {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            Some("cookie") => Location::Cookie,
            other => {
                return Err(Problem {
                    pointer: join_pointer(&param.pointer, "in"),
                    reason: format!("parameter `{pname}` has location {other:?}, which is not path, query, header or cookie"),
                    fix: "set `in` to path, query, header or cookie".into(),
                })
            }
        };
        if pname.is_empty() {
            return Err(Problem {
                pointer: param.pointer.clone(),
                reason: "a parameter has no name".into(),
                fix: "give the parameter a `name`".into(),
            });
        }
        if location == Location::Header
            && IGNORED_HEADERS.contains(&pname.to_ascii_lowercase().as_str())
        {
            continue;
        }
        let (schema, schema_pointer, json_text) = parameter_schema(p, &param.pointer, &pname)?;
        let style = p.get("style").and_then(Value::as_str);
        let explode = p.get("explode").and_then(Value::as_bool);
        let query_style = match (location, style) {
            (Location::Query, None | Some("form")) if explode != Some(false) => QueryStyle::FormExploded,
            (Location::Query, None | Some("form")) => QueryStyle::Form,
            (Location::Query, Some("spaceDelimited")) => QueryStyle::SpaceDelimited,
            (Location::Query, Some("pipeDelimited")) => QueryStyle::PipeDelimited,
            (Location::Query, Some("deepObject")) => QueryStyle::DeepObject,
            (Location::Path | Location::Header, None | Some("simple")) => QueryStyle::Form,
            (Location::Cookie, None | Some("form")) => QueryStyle::Form,
            (_, Some(other)) => {
                return Err(Problem {
                    pointer: join_pointer(&param.pointer, "style"),
                    reason: format!("parameter `{pname}` uses `style: {other}`, which is not supported for {location:?} parameters"),
                    fix: "use the default style for the parameter's location".into(),
                })
            }
        };
        let required_param =
            location == Location::Path || p.get("required").and_then(Value::as_bool) == Some(true);
        let ty = types.type_of(
            schema,
            &schema_pointer,
            &format!("{type_base}{}", naming::pascal_ident(&pname, "Param")),
        )?;
        let ty = if required_param { ty } else { ty.optional() };
        let wire = if wires.contains(&pname) {
            format!("{}_{pname}", location_word(location))
        } else {
            pname.clone()
        };
        wires.insert(wire.clone());
        let ident = naming::unique(naming::snake_ident(&wire), &mut idents, usize::MAX);
        let doc = p
            .get("description")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| doc_of(resolver, schema, &schema_pointer));
        let mut prop = writer.convert(schema, &schema_pointer);
        if let Value::Object(map) = &mut prop {
            if !doc.is_empty() {
                map.insert("description".into(), Value::String(doc.clone()));
            }
            if p.get("deprecated").and_then(Value::as_bool) == Some(true) {
                map.insert("deprecated".into(), Value::Bool(true));
            }
        }
        properties.insert(wire.clone(), prop);
        if required_param {
            required.push(Value::String(wire.clone()));
        }
        args.push(Arg {
            wire,
            param: pname,
            ident,
            location,
            style: query_style,
            json_text,
            ty,
            required: required_param,
            doc,
        });
    }

    check_path_template(op, &args)?;
    let body = body(
        op,
        resolver,
        types,
        &mut writer,
        &type_base,
        &wires,
        &mut idents,
        &mut properties,
        &mut required,
    )?;

    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema.insert("additionalProperties".into(), Value::Bool(false));
    let input_schema = writer.finish(Value::Object(schema));

    let summary = op
        .op
        .get("summary")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    let details = op
        .op
        .get("description")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    let mut description = match (summary.is_empty(), details.is_empty()) {
        (false, false) if details.starts_with(summary) => details.to_owned(),
        (false, false) => format!("{summary}\n\n{details}"),
        (false, true) => summary.to_owned(),
        (true, false) => details.to_owned(),
        (true, true) => format!("{} {}", op.method.to_ascii_uppercase(), op.path),
    };
    if op.op.get("deprecated").and_then(Value::as_bool) == Some(true) {
        description = format!("Deprecated. {description}");
    }
    let title = if summary.is_empty() {
        name.to_title_case()
    } else {
        summary.lines().next().unwrap_or(summary).to_owned()
    };
    Ok(Tool {
        name,
        module,
        tags: tags(op.op),
        input_type,
        title,
        description,
        method: op.method.to_ascii_uppercase(),
        hints: super::Hints::of_method(&op.method.to_ascii_uppercase()),
        path: op.path.clone(),
        operation_id: op
            .op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned),
        pointer: op.pointer.clone(),
        args,
        body,
        input_schema,
        // Filled in by the caller from the shared cache (`OutputSchemas`).
        output_schema: None,
        security: security::requirements(op.op, resolver.root(), schemes),
    })
}

fn location_word(location: Location) -> &'static str {
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

/// A parameter's schema, its pointer, and whether its value is sent as JSON text: a parameter
/// described with `content` (one media type) instead of `schema` takes the media type's schema,
/// and a JSON media type means the value is serialized to JSON and sent as the parameter's text.
fn parameter_schema<'a>(
    p: &'a Value,
    pointer: &str,
    pname: &str,
) -> Result<(&'a Value, String, bool), Problem> {
    if let Some(schema) = p.get("schema") {
        return Ok((schema, join_pointer(pointer, "schema"), false));
    }
    let Some(content) = p.get("content").and_then(Value::as_object) else {
        return Err(Problem {
            pointer: pointer.to_owned(),
            reason: format!("parameter `{pname}` has neither `schema` nor `content`"),
            fix: format!("describe parameter `{pname}` with a `schema`"),
        });
    };
    let content_pointer = join_pointer(pointer, "content");
    let mut entries = content.iter();
    let (Some((media_type, media)), None) = (entries.next(), entries.next()) else {
        return Err(Problem {
            pointer: content_pointer,
            reason: format!(
                "parameter `{pname}` has {} media types under `content`; OpenAPI allows exactly one",
                content.len()
            ),
            fix: "keep one media type (e.g. application/json)".into(),
        });
    };
    let media_pointer = join_pointer(&content_pointer, media_type);
    let Some(schema) = media.get("schema") else {
        return Err(Problem {
            pointer: media_pointer,
            reason: format!("parameter `{pname}`'s `content.{media_type}` has no schema"),
            fix: "give the media type a `schema`".into(),
        });
    };
    Ok((
        schema,
        join_pointer(&media_pointer, "schema"),
        is_json(media_type),
    ))
}

/// Every `{name}` in the path template must be a declared path parameter.
fn check_path_template(op: &Operation<'_>, args: &[Arg]) -> Result<(), Problem> {
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !args
            .iter()
            .any(|a| a.location == Location::Path && a.param == name)
        {
            return Err(Problem {
                pointer: join_pointer(&op.pointer, "parameters"),
                reason: format!("the path template has `{{{name}}}` but no path parameter `{name}` is declared, so the URL cannot be built"),
                fix: format!("declare `{{name: {name}, in: path, required: true, schema: {{type: string}}}}`"),
            });
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn body<'a>(
    op: &Operation<'a>,
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
    writer: &mut SchemaWriter<'a>,
    type_base: &str,
    wires: &HashSet<String>,
    idents: &mut HashSet<String>,
    properties: &mut Map<String, Value>,
    required: &mut Vec<Value>,
) -> Result<Option<BodyArg>, Problem> {
    let Some(raw) = op.op.get("requestBody") else {
        return Ok(None);
    };
    let node = resolver
        .deref(raw, &join_pointer(&op.pointer, "requestBody"))
        .map_err(|d| Problem {
            pointer: d.pointer.clone(),
            reason: d.message.clone(),
            fix: d.fix.clone().unwrap_or_default(),
        })?;
    let Some(Value::Object(content)) = node.value.get("content") else {
        return Ok(None);
    };
    if content.is_empty() {
        return Ok(None);
    }
    let json_media = content
        .iter()
        .find(|(m, _)| is_json(m))
        .map(|(m, v)| (m, v, BodyEncoding::Json));
    let form_media = || {
        content
            .iter()
            .find(|(m, _)| essence(m) == "application/x-www-form-urlencoded")
            .map(|(m, v)| (m, v, BodyEncoding::Form))
    };
    let Some((media_type, media, encoding)) = json_media.or_else(form_media) else {
        let offered: Vec<&str> = content.keys().map(String::as_str).collect();
        let multipart = offered.iter().any(|m| essence(m) == "multipart/form-data");
        let reason = if multipart {
            format!(
                "the request body is offered only as {} (file uploads); spec2mcp sends JSON and form-urlencoded bodies",
                offered.join(", ")
            )
        } else {
            format!(
                "the request body is offered only as {}; spec2mcp sends JSON and form-urlencoded bodies",
                offered.join(", ")
            )
        };
        return Err(Problem {
            pointer: join_pointer(&node.pointer, "content"),
            reason,
            fix: "offer `application/json` for the body, or exclude the operation in spec2mcp.toml"
                .into(),
        });
    };
    let media_pointer = join_pointer(&join_pointer(&node.pointer, "content"), media_type);
    let schema_pointer = join_pointer(&media_pointer, "schema");
    static EMPTY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let schema = media
        .get("schema")
        .unwrap_or_else(|| EMPTY.get_or_init(|| json!({})));
    let ty = types.type_of(schema, &schema_pointer, &format!("{type_base}Body"))?;
    let patch = op.method == "patch";
    let ty = if patch { types.patched(ty) } else { ty };
    if encoding == BodyEncoding::Form
        && !matches!(ty.clone().optional(), TypeRef::Option(inner) if matches!(*inner, TypeRef::Named(_) | TypeRef::Object))
    {
        return Err(Problem {
            pointer: schema_pointer,
            reason: "a form-urlencoded body must be an object of fields".into(),
            fix: "describe the form body as an object schema".into(),
        });
    }
    let is_required = node.value.get("required").and_then(Value::as_bool) == Some(true);
    let ty = if is_required { ty } else { ty.optional() };
    let wire = if wires.contains("body") {
        "request_body".to_owned()
    } else {
        "body".to_owned()
    };
    let ident = naming::unique(naming::snake_ident(&wire), idents, usize::MAX);
    let doc = node
        .value
        .get("description")
        .and_then(Value::as_str)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "The request body.".to_owned());
    let mut prop = writer.convert(schema, &schema_pointer);
    if let Value::Object(map) = &mut prop {
        map.entry("description")
            .or_insert_with(|| Value::String(doc.clone()));
        if patch {
            map.remove("required");
        }
    }
    properties.insert(wire.clone(), prop);
    if is_required {
        required.push(Value::String(wire.clone()));
    }
    Ok(Some(BodyArg {
        wire,
        ident,
        media_type: media_type.clone(),
        encoding,
        ty,
        required: is_required,
        doc,
    }))
}

fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// Largest output schema advertised, in bytes of compact JSON. The tool list is context an agent
/// pays for on every turn; past this the structured result goes without a schema.
const MAX_OUTPUT_SCHEMA_BYTES: usize = 4096;

/// The output schema from the first 2xx response with a JSON schema: an object schema as it is,
/// an array or scalar under `result` (as the runtime wraps it), a union root not at all.
/// Output schemas, remembered by the component a response `$ref`s: large APIs return the same
/// few components from many operations (Stripe, GitHub), and each costs a full conversion.
#[derive(Default)]
struct OutputSchemas {
    by_ref: HashMap<String, Option<Value>>,
}

impl OutputSchemas {
    fn for_operation(&mut self, op: &Operation<'_>, resolver: &Resolver<'_>) -> Option<Value> {
        let (schema, pointer) = response_schema(op, resolver)?;
        // Only a bare `$ref` converts the same wherever it appears.
        let bare_ref = schema
            .as_object()
            .filter(|m| m.len() == 1)
            .and_then(|_| ref_of(schema));
        match bare_ref {
            Some(target) => self
                .by_ref
                .entry(target.to_owned())
                .or_insert_with(|| output_schema(schema, &pointer, resolver))
                .clone(),
            None => output_schema(schema, &pointer, resolver),
        }
    }
}

/// The schema of the first 2xx JSON response, and its pointer.
fn response_schema<'a>(op: &Operation<'a>, resolver: &Resolver<'a>) -> Option<(&'a Value, String)> {
    let responses = op.op.get("responses")?.as_object()?;
    let (code, response) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    let pointer = join_pointer(&join_pointer(&op.pointer, "responses"), code);
    let node = resolver.deref(response, &pointer).ok()?;
    let content = node.value.get("content")?.as_object()?;
    let (media_type, media) = content.iter().find(|(m, _)| is_json(m))?;
    let schema_pointer = join_pointer(
        &join_pointer(&join_pointer(&node.pointer, "content"), media_type),
        "schema",
    );
    let schema = media.get("schema")?;
    Some((schema, schema_pointer))
}

fn output_schema(schema: &Value, schema_pointer: &str, resolver: &Resolver<'_>) -> Option<Value> {
    // The output writer copies no assertions or descriptions, so what it writes is close to
    // the relaxed size: relaxing still drops `required` lists and `additionalProperties: false`
    // (under a third of an object's bytes) and adds `null` to types. Twice the limit leaves
    // room for that; past it the schema cannot fit, and converting more is wasted.
    let mut writer = SchemaWriter::for_output(*resolver, 2 * MAX_OUTPUT_SCHEMA_BYTES);
    let converted = writer.convert(schema, schema_pointer);
    if writer.over_budget() {
        return None;
    }
    let ty = converted.get("type");
    let is_object = match ty {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        None => converted.get("properties").is_some(),
        _ => false,
    };
    let root = if is_object && converted.get("anyOf").is_none() && converted.get("oneOf").is_none()
    {
        converted
    } else if ty.is_some() {
        json!({"type": "object", "properties": {"result": converted}})
    } else {
        return None;
    };
    let mut root = writer.finish(root);
    super::schema_json::relax(&mut root);
    if let Value::Object(map) = &mut root {
        map.insert("type".into(), json!("object"));
    }
    (super::schema_json::json_size(&root) <= MAX_OUTPUT_SCHEMA_BYTES).then_some(root)
}

/// The spec's first server URL, with variables at their defaults.
enum ServerUrl {
    /// `https://api.example.com/v1`: the default base URL.
    Absolute(String),
    /// `/api/v3`: relative to wherever the spec is served, so the host comes from the operator.
    Relative(String),
}

fn server_url(root: &Value, env_prefix: &str, diags: &mut Vec<Diagnostic>) -> Option<ServerUrl> {
    let server = root.get("servers")?.as_array()?.first()?;
    let mut url = server.get("url")?.as_str()?.trim().to_owned();
    if let Some(Value::Object(vars)) = server.get("variables") {
        for (name, var) in vars {
            if let Some(default) = var.get("default").and_then(Value::as_str) {
                url = url.replace(&format!("{{{name}}}"), default);
            }
        }
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        return Some(ServerUrl::Absolute(url));
    }
    let path = format!("/{}", url.trim_start_matches("./").trim_start_matches('/'));
    let path = path.trim_end_matches('/').to_owned();
    if path.is_empty() {
        return None;
    }
    diags.push(
        Diagnostic::warning(
            "#/servers/0/url",
            format!(
                "the first server URL `{url}` is relative, so the server needs the API's host at run \
                 time; a base URL without a path gets `{path}` appended (`https://api.example.com` \
                 → `https://api.example.com{path}`)"
            ),
        )
        .with_fix(format!(
            "run the server with --base-url or {env_prefix}_BASE_URL, or make the spec's URL absolute"
        )),
    );
    Some(ServerUrl::Relative(path))
}

/// Boxes every struct field and union variant that leads back to its own type without passing
/// through a `Vec` or map, so recursive types have a finite size.
fn box_recursion(types: &mut [super::NamedType]) {
    let edges: BTreeMap<String, BTreeSet<String>> = types
        .iter()
        .map(|t| {
            let mut direct = BTreeSet::new();
            for ty in t.kind.members() {
                if let Some(n) = direct_named(ty) {
                    direct.insert(n.to_owned());
                }
            }
            (t.name.clone(), direct)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                if let Some(next) = edges.get(&n) {
                    stack.extend(next.iter().cloned());
                }
            }
        }
        false
    };
    for t in types.iter_mut() {
        let owner = t.name.clone();
        for ty in members_mut(&mut t.kind) {
            let target = direct_named(ty).map(str::to_owned);
            if let Some(target) = target {
                if reaches(&target, &owner) {
                    box_named(ty);
                }
            }
        }
    }
}

fn members_mut(kind: &mut TypeKind) -> Vec<&mut TypeRef> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
        TypeKind::Union { variants } => variants.iter_mut().map(|(_, t)| t).collect(),
        TypeKind::Tagged { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::Enum { .. } => Vec::new(),
    }
}

fn direct_named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Option(inner) => direct_named(inner),
        _ => None,
    }
}

fn box_named(ty: &mut TypeRef) {
    match ty {
        TypeRef::Option(inner) => box_named(inner),
        TypeRef::Named(_) => {
            let named = std::mem::replace(ty, TypeRef::Any);
            *ty = TypeRef::Boxed(Box::new(named));
        }
        _ => {}
    }
}

/// Safety net: a tool whose input reaches a type that was never built (a schema that failed
/// half-way through a recursive structure) is skipped rather than emitted as code that does not
/// compile.
fn drop_tools_with_missing_types(
    tools: &mut Vec<Tool>,
    types: &[super::NamedType],
    skipped: &mut Vec<Skipped>,
    diags: &mut Vec<Diagnostic>,
) {
    let by_name: BTreeMap<&str, &super::NamedType> =
        types.iter().map(|t| (t.name.as_str(), t)).collect();
    tools.retain(
        |tool| match type_closure(std::slice::from_ref(tool), &by_name) {
            Ok(_) => true,
            Err(name) => {
                let operation = format!("{} {}", tool.method, tool.path);
                let reason = format!(
                    "its input uses the schema behind type `{name}`, which could not be built"
                );
                diags.push(Diagnostic::warning(
                    tool.pointer.clone(),
                    format!("skipped {operation}: {reason}"),
                ));
                skipped.push(Skipped {
                    operation,
                    reason,
                    filtered: false,
                });
                false
            }
        },
    );
}

/// Keeps only the types some tool's input uses (skipped operations may have built others).
fn reachable(types: Vec<super::NamedType>, tools: &[Tool]) -> Vec<super::NamedType> {
    let by_name: BTreeMap<&str, &super::NamedType> =
        types.iter().map(|t| (t.name.as_str(), t)).collect();
    // Tools whose closure is incomplete were dropped before this runs.
    let keep = type_closure(tools, &by_name).unwrap_or_default();
    types
        .into_iter()
        .filter(|t| keep.contains(&t.name))
        .collect()
}

/// Names of every type the inputs of `tools` reach; `Err` names the first one that is missing.
fn type_closure(
    tools: &[Tool],
    by_name: &BTreeMap<&str, &super::NamedType>,
) -> Result<BTreeSet<String>, String> {
    let mut stack = Vec::new();
    for tool in tools {
        for ty in tool
            .args
            .iter()
            .map(|a| &a.ty)
            .chain(tool.body.iter().map(|b| &b.ty))
        {
            named_in(ty, &mut stack);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if seen.contains(&name) {
            continue;
        }
        let t = by_name.get(name.as_str()).ok_or_else(|| name.clone())?;
        for ty in t.kind.members() {
            named_in(ty, &mut stack);
        }
        if let TypeKind::Struct {
            extra: Some(extra), ..
        } = &t.kind
        {
            named_in(extra, &mut stack);
        }
        seen.insert(name);
    }
    Ok(seen)
}

fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::List(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => named_in(inner, out),
        _ => {}
    }
}
