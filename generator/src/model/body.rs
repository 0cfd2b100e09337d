//! The request body → the `body` argument: which media type is sent, its Rust type (a PATCH body
//! all optional), and its advertised schema.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::naming;
use super::problem::Problem;
use super::schema::json::SchemaWriter;
use super::schema::rust::TypeBuilder;
use super::schema::{Id, Normalizer};
use super::{Arg, BodyArg, BodyEncoding, TypeRef};
use crate::diag::join_pointer;
use crate::resolve::{Operation, Resolver};

/// The body as the spec declares it, its schema normalised.
#[derive(Debug, Clone)]
pub struct Body {
    /// Media type sent.
    pub media_type: String,
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// Whether the operation requires it.
    pub required: bool,
    /// Its description.
    pub description: Option<String>,
    /// Its schema (`None`: the media type has none, so anything goes).
    pub node: Option<Id>,
    /// Where the schema is.
    pub schema_pointer: String,
    /// Whether it is a PATCH body (all fields optional).
    pub patch: bool,
    /// The top-level fields that are files (`type: string, format: binary`, or a list of such).
    pub files: Vec<String>,
}

/// The operation's request body, if it has one with a media type spec2mcp can send.
pub fn body<'a>(op: &Operation<'a>, ir: &mut Normalizer<'a>) -> Result<Option<Body>, Problem> {
    let Some(raw) = op.op.get("requestBody") else {
        return Ok(None);
    };
    let node = ir
        .resolver()
        .deref(raw, &join_pointer(&op.pointer, "requestBody"))?;
    let Some(Value::Object(content)) = node.value.get("content") else {
        return Ok(None);
    };
    if content.is_empty() {
        return Ok(None);
    }
    let find = |wanted: &dyn Fn(&str) -> bool, encoding: BodyEncoding| {
        content
            .iter()
            .find(|(m, _)| wanted(m))
            .map(|(m, v)| (m, v, encoding))
    };
    let json_media = find(&|m| is_json(m), BodyEncoding::Json);
    let form_media = find(
        &|m| essence(m) == "application/x-www-form-urlencoded",
        BodyEncoding::Form,
    );
    let multipart_media = find(
        &|m| essence(m) == "multipart/form-data",
        BodyEncoding::Multipart,
    );
    // JSON first, then a form; but a body with file fields goes as multipart when it can
    // (drf-spectacular offers one schema as JSON, form and multipart, and a file cannot be JSON).
    let plain = json_media.or(form_media);
    let has_files = |(_, media, _): &(&String, &'a Value, BodyEncoding)| {
        media
            .get("schema")
            .is_some_and(|schema| !binary_fields(ir.resolver(), schema).is_empty())
    };
    let chosen = match (plain, multipart_media) {
        (Some(plain), Some(multipart)) if has_files(&plain) => Some(multipart),
        (Some(plain), _) => Some(plain),
        (None, multipart) => multipart,
    };
    let Some((media_type, media, encoding)) = chosen else {
        let offered: Vec<&str> = content.keys().map(String::as_str).collect();
        return Err(Problem {
            pointer: join_pointer(&node.pointer, "content"),
            reason: format!(
                "the request body is offered only as {}; spec2mcp sends JSON, form-urlencoded and multipart bodies",
                offered.join(", ")
            ),
            fix: "offer `application/json` for the body, or exclude the operation in spec2mcp.toml"
                .into(),
        });
    };
    let media_pointer = join_pointer(&join_pointer(&node.pointer, "content"), media_type);
    let schema_pointer = join_pointer(&media_pointer, "schema");
    let schema_node = media.get("schema").map(|s| ir.node(s, &schema_pointer));
    let files = match (encoding, media.get("schema")) {
        (BodyEncoding::Multipart, Some(schema)) => binary_fields(ir.resolver(), schema),
        _ => Vec::new(),
    };
    Ok(Some(Body {
        files,
        media_type: media_type.clone(),
        encoding,
        required: node.value.get("required").and_then(Value::as_bool) == Some(true),
        description: node
            .value
            .get("description")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        node: schema_node,
        schema_pointer,
        patch: op.method == "patch",
    }))
}

/// The `body` argument (`request_body` when a parameter is called `body`).
pub fn argument(
    body: &Body,
    ir: &Normalizer<'_>,
    types: &mut TypeBuilder,
    type_base: &str,
    args: &[Arg],
    idents: &mut HashSet<String>,
) -> Result<BodyArg, Problem> {
    let hint = format!("{type_base}Body");
    let ty = match (body.node, body.encoding) {
        (Some(node), BodyEncoding::Multipart) => types.form_struct(ir, node, &body.files, &hint)?,
        (Some(node), _) => types.type_of(ir, node, &hint)?,
        (None, _) => TypeRef::Any,
    };
    let ty = if body.patch { types.patched(ty) } else { ty };
    if body.encoding != BodyEncoding::Json
        && !matches!(ty.clone().optional(), TypeRef::Option(inner) if matches!(*inner, TypeRef::Named(_) | TypeRef::Object))
    {
        return Err(Problem {
            pointer: body.schema_pointer.clone(),
            reason: "a form-urlencoded or multipart body must be an object of fields".into(),
            fix: "describe the form body as an object schema".into(),
        });
    }
    let ty = if body.required { ty } else { ty.optional() };
    let wire = if args.iter().any(|a| a.wire == "body") {
        "request_body".to_owned()
    } else {
        "body".to_owned()
    };
    Ok(BodyArg {
        ident: naming::unique(naming::snake_ident(&wire), idents, usize::MAX),
        wire,
        media_type: body.media_type.clone(),
        encoding: body.encoding,
        ty,
        required: body.required,
        doc: body
            .description
            .clone()
            .unwrap_or_else(|| "The request body.".to_owned()),
        files: body.files.clone(),
    })
}

/// The body's input-schema property (a PATCH body's `required` left out, as its type makes
/// every field optional).
pub fn property(
    body: &Body,
    arg: &BodyArg,
    writer: &mut SchemaWriter<'_, '_>,
    properties: &mut Map<String, Value>,
    required: &mut Vec<Value>,
) {
    let mut prop = match (body.node, body.encoding) {
        (Some(node), BodyEncoding::Multipart) => writer.write_form(node, &body.files),
        (Some(node), _) => writer.write(node),
        (None, _) => Value::Object(Map::new()),
    };
    if let Value::Object(map) = &mut prop {
        map.entry("description")
            .or_insert_with(|| Value::String(arg.doc.clone()));
        if body.patch {
            map.remove("required");
        }
    }
    properties.insert(arg.wire.clone(), prop);
    if arg.required {
        required.push(Value::String(arg.wire.clone()));
    }
}

/// The top-level properties of an object schema (following `$ref`s and `allOf` parts) that are
/// files: `type: string` with `format: binary` or a `contentMediaType`, or arrays of them.
fn binary_fields(resolver: &Resolver<'_>, schema: &Value) -> Vec<String> {
    fn is_binary(resolver: &Resolver<'_>, schema: &Value) -> bool {
        let Ok(found) = resolver.deref(schema, "#") else {
            return false;
        };
        let s = found.value;
        match s.get("type").and_then(Value::as_str) {
            Some("string") => {
                s.get("format").and_then(Value::as_str) == Some("binary")
                    || s.get("contentMediaType").is_some()
            }
            Some("array") => s.get("items").is_some_and(|i| is_binary(resolver, i)),
            _ => false,
        }
    }
    fn collect(resolver: &Resolver<'_>, schema: &Value, out: &mut Vec<String>, depth: usize) {
        let Ok(found) = resolver.deref(schema, "#") else {
            return;
        };
        if depth > 8 {
            return;
        }
        if let Some(Value::Object(props)) = found.value.get("properties") {
            for (name, prop) in props {
                if is_binary(resolver, prop) && !out.contains(name) {
                    out.push(name.clone());
                }
            }
        }
        if let Some(Value::Array(parts)) = found.value.get("allOf") {
            for part in parts {
                collect(resolver, part, out, depth + 1);
            }
        }
    }
    let mut out = Vec::new();
    collect(resolver, schema, &mut out, 0);
    out
}

/// The media type without parameters, lower-cased: `application/json`.
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON (`application/json`, `*+json`, `*/*`).
pub fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/vnd.api+json"));
        assert!(is_json("*/*"));
        assert!(!is_json("multipart/form-data"));
        assert_eq!(essence(" Application/JSON ; q=1"), "application/json");
    }
}
