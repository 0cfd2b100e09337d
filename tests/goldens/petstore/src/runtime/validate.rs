// Copied verbatim by spec2mcp 0.1.0 from its runtime templates. Do not edit.
//! Checks an upstream answer against the tool's output schema before it is sent as structured
//! content: clients reject a whole result whose structured content breaks the `outputSchema`.
//!
//! The generator writes output schemas that only say what the data can honour (types,
//! properties, items; no formats, patterns, bounds, enums or required lists; `null` allowed), so
//! this checks exactly those keywords, plus `anyOf`/`oneOf` and `$ref` into `$defs`.

use serde_json::{Map, Value};

/// A schema object; a non-object (sub)schema such as `true` accepts everything.
type Schema = Map<String, Value>;

/// `Ok` when `value` fits `schema`; else the JSON path of the first misfit and why. The schema
/// is the object the tool lists as its `outputSchema` (parsed once, shared with the listing).
pub fn check(value: &Value, schema: &Schema) -> Result<(), String> {
    check_at(value, schema, schema, "$", 0)
}

fn check_at(
    value: &Value,
    schema: &Schema,
    root: &Schema,
    path: &str,
    depth: usize,
) -> Result<(), String> {
    let sub = |value: &Value, schema: &Value, path: &str| match schema.as_object() {
        Some(schema) => check_at(value, schema, root, path, depth + 1),
        None => Ok(()),
    };
    if depth > 64 {
        return Ok(());
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix("#/")
            .and_then(|p| {
                let (first, rest) = p.split_once('/').unwrap_or((p, ""));
                let top = root.get(first)?;
                if rest.is_empty() {
                    Some(top)
                } else {
                    top.pointer(&format!("/{rest}"))
                }
            })
            .ok_or_else(|| format!("{path}: unresolvable $ref {reference}"))?;
        return sub(value, target, path);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = schema.get(key) {
            if !members.iter().any(|m| sub(value, m, path).is_ok()) {
                return Err(format!("{path}: matches none of the {key} alternatives"));
            }
        }
    }
    if let Some(types) = schema.get("type") {
        let fits = match types {
            Value::String(t) => type_fits(value, t),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_fits(value, t)),
            _ => true,
        };
        if !fits {
            return Err(format!("{path}: expected {types}, found {}", kind(value)));
        }
    }
    match value {
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            for (key, item) in map {
                let at = format!("{path}.{key}");
                match props.and_then(|p| p.get(key)) {
                    Some(prop) => sub(item, prop, &at)?,
                    None => {
                        if let Some(extra) = schema.get("additionalProperties") {
                            sub(item, extra, &at)?;
                        }
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    sub(item, item_schema, &format!("{path}[{i}]"))?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn type_fits(value: &Value, ty: &str) -> bool {
    match ty {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn checks_types_properties_items_and_refs() {
        let schema = json!({"type": "object", "properties": {
            "count": {"type": ["integer", "null"]},
            "results": {"type": ["array", "null"], "items": {"$ref": "#/$defs/P"}}
        }, "$defs": {"P": {"type": ["object", "null"], "properties": {"slug": {"type": ["string", "null"]}}}}});
        let schema = schema.as_object().unwrap().clone();
        assert!(check(
            &json!({"count": 2, "results": [{"slug": "o-brien-ñ", "extra": 1}, null]}),
            &schema
        )
        .is_ok());
        let err = check(&json!({"count": 2, "results": [{"slug": 5}]}), &schema).unwrap_err();
        assert_eq!(
            err,
            "$.results[0].slug: expected [\"string\",\"null\"], found number"
        );
    }
}
