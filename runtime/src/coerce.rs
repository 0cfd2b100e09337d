//! Lossless reformatting of tool arguments, guided by the input schema: `"300"` where an
//! integer belongs becomes `300`, `"true"` a boolean, `5` where a string belongs `"5"`, an enum
//! value that differs only in case the schema's spelling. Each conversion is reported, so the
//! result can say what was converted; anything that would lose information (`"3.5"` for an
//! integer, `"007"`, an ambiguous case) is left for the checker to reject, naming the field.
//! Used only when arguments do not fit as given; `--strict-arguments` turns it off.

use serde_json::{Map, Number, Value};

type Schema = Map<String, Value>;

/// How deep a value is followed.
const MAX_DEPTH: usize = 32;

/// One conversion made.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    /// The field, as errors name it (`page`, `body.items[0].qty`).
    pub field: String,
    /// The value as given.
    pub from: Value,
    /// The value sent.
    pub to: Value,
}

/// Converts what converts without loss in `args`, following `schema` (the tool's input schema);
/// returns what it changed.
pub fn coerce(args: &mut Map<String, Value>, schema: &Schema) -> Vec<Conversion> {
    let mut done = Vec::new();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return done;
    };
    for (name, value) in args.iter_mut() {
        if let Some(property) = properties.get(name) {
            walk(value, property, schema, name.clone(), &mut done, 0);
        }
    }
    done
}

fn walk(
    value: &mut Value,
    schema: &Value,
    root: &Schema,
    field: String,
    done: &mut Vec<Conversion>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(target) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| resolve(root, r))
    {
        return walk(value, target, root, field, done, depth + 1);
    }
    match value {
        Value::Object(object) => {
            if let Some(properties) = map.get("properties").and_then(Value::as_object) {
                for (name, item) in object.iter_mut() {
                    if let Some(property) = properties.get(name) {
                        walk(
                            item,
                            property,
                            root,
                            format!("{field}.{name}"),
                            done,
                            depth + 1,
                        );
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = map.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    walk(
                        item,
                        item_schema,
                        root,
                        format!("{field}[{i}]"),
                        done,
                        depth + 1,
                    );
                }
            }
        }
        _ => {
            if let Some(converted) = scalar(value, map) {
                done.push(Conversion {
                    field,
                    from: std::mem::replace(value, converted.clone()),
                    to: converted,
                });
            }
        }
    }
}

/// The lossless conversion of a scalar the schema does not take as it is, if there is one.
fn scalar(value: &Value, schema: &Map<String, Value>) -> Option<Value> {
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Array(allowed)) = schema.get("enum") {
        if allowed.contains(value) {
            return None;
        }
        // An enum value in another case, when exactly one matches.
        let text = value.as_str()?;
        let mut matches = allowed
            .iter()
            .filter(|a| a.as_str().is_some_and(|a| a.eq_ignore_ascii_case(text)));
        let found = matches.next()?;
        return matches.next().is_none().then(|| found.clone());
    }
    let fits = |t: &str| match t {
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => true,
    };
    if types.is_empty() || types.iter().any(|t| fits(t)) {
        return None;
    }
    types.iter().find_map(|t| match (*t, value) {
        ("integer", Value::String(s)) => {
            let n: i64 = s.trim().parse().ok()?;
            // `"007"` or `"+7"` would not come back the same: not lossless.
            (n.to_string() == s.trim()).then(|| Value::from(n))
        }
        ("integer", Value::Number(n)) => {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 9.0e15).then(|| Value::from(f as i64))
        }
        ("number", Value::String(s)) => {
            let text = s.trim();
            let numeric = text
                .bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
                && text.bytes().any(|b| b.is_ascii_digit());
            let f: f64 = text
                .parse()
                .ok()
                .filter(|f: &f64| f.is_finite() && numeric)?;
            Number::from_f64(f).map(Value::Number)
        }
        ("boolean", Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        ("string", Value::Number(n)) => Some(Value::String(n.to_string())),
        ("string", Value::Bool(b)) => Some(Value::String(b.to_string())),
        _ => None,
    })
}

fn resolve<'s>(root: &'s Schema, reference: &str) -> Option<&'s Value> {
    let mut parts = reference.strip_prefix("#/")?.split('/');
    let unescape = |t: &str| t.replace("~1", "/").replace("~0", "~");
    let mut target = root.get(&unescape(parts.next()?))?;
    for part in parts {
        target = target.get(unescape(part))?;
    }
    Some(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn converted(args: Value) -> (Value, Vec<String>) {
        let schema = json!({"type": "object", "properties": {
            "page": {"type": "integer"},
            "price": {"type": ["number", "null"]},
            "in_stock": {"type": "boolean"},
            "name": {"type": "string"},
            "status": {"type": "string", "enum": ["available", "sold"]},
            "body": {"$ref": "#/$defs/B"}
        }, "$defs": {"B": {"type": "object", "properties": {"qty": {"type": "array", "items": {"type": "integer"}}}}}});
        let mut args = args.as_object().cloned().unwrap();
        let done = coerce(&mut args, schema.as_object().unwrap());
        (
            Value::Object(args),
            done.iter()
                .map(|c| format!("{}: {} -> {}", c.field, c.from, c.to))
                .collect(),
        )
    }

    #[test]
    fn lossless_values_are_converted_and_reported() {
        let (args, done) = converted(
            json!({"page": "300", "price": "1.50", "in_stock": "TRUE", "name": 5,
            "status": "AVAILABLE", "body": {"qty": ["2", 3.0]}}),
        );
        assert_eq!(
            args,
            json!({"page": 300, "price": 1.5, "in_stock": true, "name": "5",
            "status": "available", "body": {"qty": [2, 3]}})
        );
        assert_eq!(done.len(), 7, "{done:?}");
        assert!(
            done.contains(&"body.qty[0]: \"2\" -> 2".to_owned()),
            "{done:?}"
        );
    }

    #[test]
    fn what_would_lose_information_is_left_alone() {
        for kept in [
            json!({"page": "3.5"}),
            json!({"page": "007"}),
            json!({"page": "two"}),
            json!({"in_stock": "yes"}),
            json!({"price": "1,5"}),
            json!({"page": 2.5}),
            json!({"status": "other"}),
        ] {
            let (args, done) = converted(kept.clone());
            assert_eq!((args, done.len()), (kept, 0));
        }
    }
}
