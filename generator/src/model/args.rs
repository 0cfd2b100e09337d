//! Path, query, header and cookie parameters → tool arguments: where each goes and how it is
//! laid out, its Rust type, and its advertised schema.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::naming;
use super::problem::Problem;
use super::schema::json::SchemaWriter;
use super::schema::rust::{doc_of, TypeBuilder};
use super::schema::{Id, Normalizer};
use super::{Arg, Location, QueryStyle, Settings};
use crate::config::HeaderPolicy;
use crate::diag::join_pointer;
use crate::resolve::Operation;

/// Header parameters OpenAPI says to ignore: the runtime sets them itself.
const IGNORED_HEADERS: &[&str] = &["accept", "content-type", "authorization"];

/// One parameter as the spec declares it, its schema normalised.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the HTTP side.
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Query layout.
    pub style: QueryStyle,
    /// Sent as JSON text (`content` with a JSON media type).
    pub json_text: bool,
    /// Whether the caller must give it (path parameters always).
    pub required: bool,
    /// The parameter's own description.
    pub description: Option<String>,
    /// Whether it is deprecated.
    pub deprecated: bool,
    /// Its schema.
    pub node: Id,
}

/// An operation's parameters: those an agent gives, and the header parameters the server fills
/// itself (with whether each is required). Headers the runtime always sets are neither.
#[derive(Debug, Clone, Default)]
pub struct Params {
    /// Tool arguments, in the spec's order.
    pub args: Vec<Param>,
    /// Server-filled headers.
    pub server_headers: Vec<(String, bool)>,
}

/// The operation's parameters, sorted into [`Params`].
pub fn params<'a>(
    op: &Operation<'a>,
    ir: &mut Normalizer<'a>,
    settings: &Settings,
) -> Result<Params, Problem> {
    let mut params = Vec::new();
    let mut server_headers = Vec::new();
    for param in &op.parameters {
        let p = param.value;
        let name = p
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
                    reason: format!("parameter `{name}` has location {other:?}, which is not path, query, header or cookie"),
                    fix: "set `in` to path, query, header or cookie".into(),
                })
            }
        };
        if name.is_empty() {
            return Err(Problem {
                pointer: param.pointer.clone(),
                reason: "a parameter has no name".into(),
                fix: "give the parameter a `name`".into(),
            });
        }
        if location == Location::Header
            && IGNORED_HEADERS.contains(&name.to_ascii_lowercase().as_str())
        {
            continue;
        }
        if location == Location::Header && settings.header_policy(&name) != HeaderPolicy::Argument {
            let required = p.get("required").and_then(Value::as_bool) == Some(true);
            server_headers.push((name, required));
            continue;
        }
        let (schema, schema_pointer, json_text) = parameter_schema(p, &param.pointer, &name)?;
        let style = style(p, location, &param.pointer, &name)?;
        params.push(Param {
            required: location == Location::Path
                || p.get("required").and_then(Value::as_bool) == Some(true),
            description: p
                .get("description")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            deprecated: p.get("deprecated").and_then(Value::as_bool) == Some(true),
            node: ir.node(schema, &schema_pointer),
            name,
            location,
            style,
            json_text,
        });
    }
    Ok(Params {
        args: params,
        server_headers,
    })
}

/// The query layout of a parameter (`style` + `explode`), or why it is not supported.
fn style(p: &Value, location: Location, pointer: &str, name: &str) -> Result<QueryStyle, Problem> {
    let style = p.get("style").and_then(Value::as_str);
    let explode = p.get("explode").and_then(Value::as_bool);
    Ok(match (location, style) {
        (Location::Query, None | Some("form")) if explode != Some(false) => QueryStyle::FormExploded,
        (Location::Query, None | Some("form")) => QueryStyle::Form,
        (Location::Query, Some("spaceDelimited")) => QueryStyle::SpaceDelimited,
        (Location::Query, Some("pipeDelimited")) => QueryStyle::PipeDelimited,
        (Location::Query, Some("deepObject")) => QueryStyle::DeepObject,
        (Location::Path | Location::Header, None | Some("simple")) => QueryStyle::Form,
        (Location::Cookie, None | Some("form")) => QueryStyle::Form,
        (_, Some(other)) => {
            return Err(Problem {
                pointer: join_pointer(pointer, "style"),
                reason: format!("parameter `{name}` uses `style: {other}`, which is not supported for {location:?} parameters"),
                fix: "use the default style for the parameter's location".into(),
            })
        }
    })
}

/// A parameter's schema, its pointer, and whether its value is sent as JSON text: a parameter
/// described with `content` (one media type) instead of `schema` takes the media type's schema,
/// and a JSON media type means the value is serialized to JSON and sent as the parameter's text.
fn parameter_schema<'a>(
    p: &'a Value,
    pointer: &str,
    name: &str,
) -> Result<(&'a Value, String, bool), Problem> {
    if let Some(schema) = p.get("schema") {
        return Ok((schema, join_pointer(pointer, "schema"), false));
    }
    let Some(content) = p.get("content").and_then(Value::as_object) else {
        return Err(Problem {
            pointer: pointer.to_owned(),
            reason: format!("parameter `{name}` has neither `schema` nor `content`"),
            fix: format!("describe parameter `{name}` with a `schema`"),
        });
    };
    let content_pointer = join_pointer(pointer, "content");
    let mut entries = content.iter();
    let (Some((media_type, media)), None) = (entries.next(), entries.next()) else {
        return Err(Problem {
            pointer: content_pointer,
            reason: format!(
                "parameter `{name}` has {} media types under `content`; OpenAPI allows exactly one",
                content.len()
            ),
            fix: "keep one media type (e.g. application/json)".into(),
        });
    };
    let media_pointer = join_pointer(&content_pointer, media_type);
    let Some(schema) = media.get("schema") else {
        return Err(Problem {
            pointer: media_pointer,
            reason: format!("parameter `{name}`'s `content.{media_type}` has no schema"),
            fix: "give the media type a `schema`".into(),
        });
    };
    Ok((
        schema,
        join_pointer(&media_pointer, "schema"),
        super::body::is_json(media_type),
    ))
}

/// Every `{name}` in the path template must be a declared path parameter.
pub fn check_path_template(op: &Operation<'_>, params: &[Param]) -> Result<(), Problem> {
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !params
            .iter()
            .any(|p| p.location == Location::Path && p.name == name)
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

/// The arguments of `params`: wire names (a name used in two locations gets the location as a
/// prefix, `query_id`), Rust fields and types (named after `type_base`).
pub fn arguments(
    params: &[Param],
    ir: &Normalizer<'_>,
    types: &mut TypeBuilder,
    type_base: &str,
    idents: &mut HashSet<String>,
) -> Result<Vec<Arg>, Problem> {
    let mut wires = HashSet::new();
    let mut args = Vec::new();
    for param in params {
        let hint = format!("{type_base}{}", naming::pascal_ident(&param.name, "Param"));
        let ty = types.type_of(ir, param.node, &hint)?;
        let ty = if param.required { ty } else { ty.optional() };
        let wire = if wires.contains(&param.name) {
            format!("{}_{}", location_word(param.location), param.name)
        } else {
            param.name.clone()
        };
        wires.insert(wire.clone());
        args.push(Arg {
            ident: naming::unique(naming::snake_ident(&wire), idents, usize::MAX),
            wire,
            param: param.name.clone(),
            location: param.location,
            style: param.style,
            json_text: param.json_text,
            ty,
            required: param.required,
            doc: param
                .description
                .clone()
                .unwrap_or_else(|| doc_of(ir, param.node)),
            preset: None,
        });
    }
    Ok(args)
}

/// The input-schema properties of the arguments: each parameter's schema with its own
/// description and deprecation on top; required ones are added to `required`.
pub fn properties(
    params: &[Param],
    args: &[Arg],
    writer: &mut SchemaWriter<'_, '_>,
    properties: &mut Map<String, Value>,
    required: &mut Vec<Value>,
) {
    for (param, arg) in params.iter().zip(args) {
        let mut prop = writer.write(param.node);
        if let Value::Object(map) = &mut prop {
            if !arg.doc.is_empty() {
                map.insert("description".into(), Value::String(arg.doc.clone()));
            }
            if param.deprecated {
                map.insert("deprecated".into(), Value::Bool(true));
            }
        }
        properties.insert(arg.wire.clone(), prop);
        if arg.required {
            required.push(Value::String(arg.wire.clone()));
        }
    }
}

fn location_word(location: Location) -> &'static str {
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::Context;
    use crate::resolve::Resolver;
    use serde_json::json;

    #[test]
    fn a_name_in_two_locations_is_prefixed_and_idents_stay_rust() {
        let doc = json!({"paths": {"/x/{id}": {"get": {"parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
            {"name": "id", "in": "query", "schema": {"type": "string"}},
            {"name": "type", "in": "query", "description": "Kind.", "schema": {"type": "string"}},
            {"name": "Accept", "in": "header", "schema": {"type": "string"}}
        ]}}}});
        let resolver = Resolver::new(&doc);
        let mut diags = Vec::new();
        let ops = crate::resolve::operations(&resolver, &mut diags);
        let mut ir = Normalizer::new(resolver, Context::Input);
        let settings = crate::model::Settings {
            env_prefix: "X".into(),
            methods: vec!["GET".into()],
            include: Default::default(),
            exclude: Default::default(),
            rename: Default::default(),
            max_tool_name_len: 64,
            mode: Default::default(),
            headers: Default::default(),
            derive_descriptions: true,
            tool_name: None,
            namespace: String::new(),
            transforms: Default::default(),
        };
        let Params {
            args: params,
            server_headers,
        } = params(&ops[0], &mut ir, &settings).unwrap();
        assert_eq!(params.len(), 3, "Accept is the runtime's to set");
        assert!(server_headers.is_empty());
        let mut types = TypeBuilder::new(&resolver);
        let args = arguments(&params, &ir, &mut types, "X", &mut HashSet::new()).unwrap();
        let names: Vec<(&str, &str, String)> = args
            .iter()
            .map(|a| (a.wire.as_str(), a.ident.as_str(), format!("{:?}", a.ty)))
            .collect();
        assert_eq!(
            names,
            [
                ("id", "id", "I64".to_owned()),
                ("query_id", "query_id", "Option(String)".to_owned()),
                ("type", "type_", "Option(String)".to_owned()),
            ]
        );
        assert_eq!(args[2].doc, "Kind.");
    }
}
