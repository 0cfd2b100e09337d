//! OpenAPI 3.1 schema idioms rewritten into their 3.0 shapes, so the rest of the pipeline has one
//! model: `type: [T, "null"]` → `type: T, nullable: true`; numeric `exclusiveMinimum/Maximum` →
//! the 3.0 boolean form; `const` → a one-value `enum`; `examples` dropped.

use serde_json::{Map, Value};

/// Rewrites every schema-like object under `root` in place.
pub fn to_30(root: &mut Value) {
    walk(root, "");
}

/// Keys whose value is a map of names, not a schema: a property called `const` or `type` must not
/// be rewritten as if it were a keyword.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "schemas",
    "paths",
    "webhooks",
    "responses",
    "content",
    "headers",
    "examples",
    "links",
    "callbacks",
    "variables",
    "securitySchemes",
    "mapping",
    "encoding",
    "requestBodies",
    "parameters",
];

fn walk(value: &mut Value, parent_key: &str) {
    match value {
        Value::Object(map) => {
            if !NAME_MAPS.contains(&parent_key) {
                fix_schema(map);
            }
            for (key, child) in map.iter_mut() {
                walk(child, key);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, "")),
        _ => {}
    }
}

fn fix_schema(map: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = map.get("type").cloned() {
        let non_null: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        let nullable = non_null.len() != types.len();
        match non_null.len() {
            0 => {
                map.remove("type");
            }
            1 => {
                map.insert("type".into(), non_null[0].clone());
            }
            _ => {
                // Several types: a oneOf of single-typed schemas.
                map.remove("type");
                let variants = non_null
                    .into_iter()
                    .map(|t| Value::Object(Map::from_iter([("type".into(), t)])));
                map.insert("oneOf".into(), Value::Array(variants.collect()));
            }
        }
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
    for (bound, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        if let Some(n @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), n);
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    if let Some(c) = map.remove("const") {
        map.insert("enum".into(), Value::Array(vec![c]));
    }
    // `anyOf/oneOf: [X, {type: null}]` → X made nullable (via allOf so siblings stay valid).
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = map.get(key) {
            let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
            if items.iter().any(is_null) {
                let rest: Vec<Value> = items.iter().filter(|v| !is_null(v)).cloned().collect();
                map.insert("nullable".into(), Value::Bool(true));
                if rest.len() == 1 {
                    map.remove(key);
                    map.insert("allOf".into(), Value::Array(rest));
                } else {
                    map.insert(key.into(), Value::Array(rest));
                }
            }
        }
    }
    if map.get("examples").is_some_and(Value::is_array) {
        map.remove("examples");
    }
}
