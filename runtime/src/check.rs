//! Tool arguments checked against the tool's advertised input schema before they are parsed or
//! sent: what the schema states is what is enforced. Bounds, lengths, patterns, item counts,
//! enums, required and unknown fields all give an error naming the field, and nothing goes
//! upstream (a `maximum: 50` is not a suggestion the upstream may or may not enforce).
//!
//! `format` is an annotation (JSON Schema's default), and `oneOf` is checked like `anyOf`: a
//! value fitting two members of a sloppy union is still a value the union allows. Patterns are
//! matched with Unicode-aware `\w`, `\d` and `\s`, as in Python, whose regexes drf-spectacular
//! writes: Django's slug pattern `^[-\w]+$` accepts `o-brien-ñ`, and so does this check.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use serde_json::{Map, Number, Value};

use crate::args::{unknown_field, ArgsError};

/// A schema object.
type Schema = Map<String, Value>;

/// How deep a value is followed (deeper is accepted as it is).
const MAX_DEPTH: usize = 64;

/// `Ok` when `args` fit the input `schema`; else the first field that does not, and why.
pub fn check(args: &Map<String, Value>, schema: &Schema) -> Result<(), ArgsError> {
    let mut path = Vec::new();
    check_object(args, schema, schema, &mut path, 0).map_err(|why| ArgsError {
        field: render(&why.at),
        message: why.message,
    })
}

/// `Ok` when `value` fits `schema`, a part of the input schema `root` (whose `$defs` a `$ref`
/// may name); else where it does not, and why.
pub fn check_value_against(value: &Value, schema: &Value, root: &Schema) -> Result<(), ArgsError> {
    let mut path = Vec::new();
    check_value(value, schema, root, &mut path, 0).map_err(|why| ArgsError {
        field: render(&why.at),
        message: why.message,
    })
}

/// One step into a value.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Why a value does not fit, and where (outermost step first).
#[derive(Debug)]
struct Why {
    at: Vec<Step>,
    message: String,
}

/// `body.items[2].name`.
fn render(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn fail(path: &[Step], message: String) -> Why {
    Why {
        at: path.to_vec(),
        message,
    }
}

fn check_value(
    value: &Value,
    schema: &Value,
    root: &Schema,
    path: &mut Vec<Step>,
    depth: usize,
) -> Result<(), Why> {
    let Some(schema) = schema.as_object() else {
        // `true` (or anything else that is not an object) allows everything.
        return Ok(());
    };
    if depth > MAX_DEPTH {
        return Ok(());
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = resolve(root, reference)
            .ok_or_else(|| fail(path, format!("the schema's $ref {reference} leads nowhere")))?;
        return check_value(value, target, root, path, depth + 1);
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        for part in parts {
            check_value(value, part, root, path, depth + 1)?;
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = schema.get(key) {
            union(value, members, root, path, depth)?;
        }
    }
    if let Some(types) = schema.get("type") {
        if !fits_type(value, types) {
            return Err(fail(
                path,
                format!("expected {}, got {}", describe_type(types), describe(value)),
            ));
        }
    }
    if let Some(Value::Array(allowed)) = schema.get("enum") {
        if !allowed.iter().any(|a| same(a, value)) {
            return Err(fail(
                path,
                format!("{} is not one of {}", describe(value), list(allowed)),
            ));
        }
    }
    if let Some(constant) = schema.get("const") {
        if !same(constant, value) {
            return Err(fail(
                path,
                format!("must be {constant}, got {}", describe(value)),
            ));
        }
    }
    match value {
        Value::Number(n) => number(n, schema, path),
        Value::String(s) => string(s, schema, path),
        Value::Array(items) => array(items, schema, root, path, depth),
        Value::Object(map) => check_object(map, schema, root, path, depth),
        _ => Ok(()),
    }
}

/// At least one member fits; else the error of the member that got furthest (the likeliest
/// intended one).
fn union(
    value: &Value,
    members: &[Value],
    root: &Schema,
    path: &mut Vec<Step>,
    depth: usize,
) -> Result<(), Why> {
    let mut best: Option<Why> = None;
    for member in members {
        match check_value(value, member, root, path, depth + 1) {
            Ok(()) => return Ok(()),
            Err(why) => {
                if best.as_ref().is_none_or(|b| why.at.len() > b.at.len()) {
                    best = Some(why);
                }
            }
        }
    }
    match best {
        Some(why) if why.at.len() > path.len() => Err(why),
        Some(why) => Err(fail(
            path,
            format!(
                "matches none of the {} allowed shapes (the closest: {})",
                members.len(),
                why.message
            ),
        )),
        None => Ok(()),
    }
}

fn check_object(
    map: &Map<String, Value>,
    schema: &Schema,
    root: &Schema,
    path: &mut Vec<Step>,
    depth: usize,
) -> Result<(), Why> {
    let properties = schema.get("properties").and_then(Value::as_object);
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        let known: Vec<&str> = properties
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if let Some(message) = unknown_field(map, &known) {
            return Err(fail(path, message));
        }
    }
    if let Some(Value::Array(required)) = schema.get("required") {
        for name in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(name) {
                path.push(Step::Key(name.to_owned()));
                let why = fail(path, "missing field".to_owned());
                path.pop();
                return Err(why);
            }
        }
    }
    let additional = schema.get("additionalProperties");
    for (key, item) in map {
        let item_schema = properties.and_then(|p| p.get(key)).or(additional);
        if let Some(item_schema) = item_schema {
            path.push(Step::Key(key.clone()));
            let checked = check_value(item, item_schema, root, path, depth + 1);
            path.pop();
            checked?;
        }
    }
    let count = map.len() as f64;
    bound(
        count,
        schema.get("minProperties"),
        path,
        |min| format!("has {count} properties, fewer than the minimum of {min}"),
        |n, min| n >= min,
    )?;
    bound(
        count,
        schema.get("maxProperties"),
        path,
        |max| format!("has {count} properties, more than the maximum of {max}"),
        |n, max| n <= max,
    )
}

fn array(
    items: &[Value],
    schema: &Schema,
    root: &Schema,
    path: &mut Vec<Step>,
    depth: usize,
) -> Result<(), Why> {
    let count = items.len() as f64;
    bound(
        count,
        schema.get("minItems"),
        path,
        |min| format!("has {count} items, fewer than the minimum of {min}"),
        |n, min| n >= min,
    )?;
    bound(
        count,
        schema.get("maxItems"),
        path,
        |max| format!("has {count} items, more than the maximum of {max}"),
        |n, max| n <= max,
    )?;
    if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
        for (i, item) in items.iter().enumerate() {
            if items[..i].iter().any(|earlier| same(earlier, item)) {
                path.push(Step::Index(i));
                let why = fail(
                    path,
                    format!("{} is repeated; the items must be unique", describe(item)),
                );
                path.pop();
                return Err(why);
            }
        }
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            path.push(Step::Index(i));
            let checked = check_value(item, item_schema, root, path, depth + 1);
            path.pop();
            checked?;
        }
    }
    Ok(())
}

fn number(n: &Number, schema: &Schema, path: &[Step]) -> Result<(), Why> {
    let Some(x) = n.as_f64() else { return Ok(()) };
    bound(
        x,
        schema.get("minimum"),
        path,
        |min| format!("{n} is below the minimum of {min}"),
        |x, min| x >= min,
    )?;
    bound(
        x,
        schema.get("maximum"),
        path,
        |max| format!("{n} is above the maximum of {max}"),
        |x, max| x <= max,
    )?;
    bound(
        x,
        schema.get("exclusiveMinimum"),
        path,
        |min| format!("{n} must be greater than {min}"),
        |x, min| x > min,
    )?;
    bound(
        x,
        schema.get("exclusiveMaximum"),
        path,
        |max| format!("{n} must be less than {max}"),
        |x, max| x < max,
    )?;
    bound(
        x,
        schema.get("multipleOf"),
        path,
        |step| format!("{n} is not a multiple of {step}"),
        |x, step| step <= 0.0 || ((x / step) - (x / step).round()).abs() < 1e-9,
    )
}

fn string(s: &str, schema: &Schema, path: &[Step]) -> Result<(), Why> {
    let length = s.chars().count() as f64;
    bound(
        length,
        schema.get("minLength"),
        path,
        |min| format!("is {length} characters long, shorter than the minimum of {min}"),
        |n, min| n >= min,
    )?;
    bound(
        length,
        schema.get("maxLength"),
        path,
        |max| format!("is {length} characters long, longer than the maximum of {max}"),
        |n, max| n <= max,
    )?;
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        if let Some(regex) = compiled(pattern) {
            if !regex.is_match(s) {
                return Err(fail(
                    path,
                    format!("{:?} does not match the pattern {pattern}", s),
                ));
            }
        }
    }
    Ok(())
}

/// Checks `x` against a numeric keyword's value, if the schema has one.
fn bound(
    x: f64,
    keyword: Option<&Value>,
    path: &[Step],
    message: impl Fn(&Value) -> String,
    holds: impl Fn(f64, f64) -> bool,
) -> Result<(), Why> {
    match keyword {
        Some(limit) => match limit.as_f64() {
            Some(l) if !holds(x, l) => Err(fail(path, message(limit))),
            _ => Ok(()),
        },
        None => Ok(()),
    }
}

/// The compiled `pattern`, built once per pattern for the whole process. The generator only
/// advertises patterns this engine compiles; one it cannot is not enforced here either.
fn compiled(pattern: &str) -> Option<Arc<regex::Regex>> {
    type Cache = RwLock<HashMap<String, Option<Arc<regex::Regex>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.read().ok().and_then(|c| c.get(pattern).cloned()) {
        return found;
    }
    let built = regex::Regex::new(pattern).ok().map(Arc::new);
    if let Ok(mut cache) = cache.write() {
        cache.insert(pattern.to_owned(), built.clone());
    }
    built
}

/// JSON equality where `1` and `1.0` are the same number.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn fits_type(value: &Value, types: &Value) -> bool {
    match types {
        Value::String(t) => fits(value, t),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| fits(value, t)),
        _ => true,
    }
}

fn fits(value: &Value, ty: &str) -> bool {
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

/// `an integer`, `a string or null`.
fn describe_type(types: &Value) -> String {
    let one = |t: &str| match t {
        "integer" => "an integer".to_owned(),
        "array" => "an array".to_owned(),
        "object" => "an object".to_owned(),
        "null" => "null".to_owned(),
        other => format!("a {other}"),
    };
    match types {
        Value::String(t) => one(t),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(one)
            .collect::<Vec<_>>()
            .join(" or "),
        other => other.to_string(),
    }
}

/// `the string "two"`, `the number 3`, short.
fn describe(value: &Value) -> String {
    let text = value.to_string();
    let text = if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    };
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(_) => format!("the boolean {text}"),
        Value::Number(_) => format!("the number {text}"),
        Value::String(_) => format!("the string {text}"),
        Value::Array(_) => format!("the array {text}"),
        Value::Object(_) => format!("the object {text}"),
    }
}

fn list(values: &[Value]) -> String {
    let shown: Vec<String> = values.iter().take(20).map(Value::to_string).collect();
    let more = values.len().saturating_sub(20);
    if more > 0 {
        format!("{} (and {more} more)", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The schema a local `$ref` (`#/$defs/Name`) points at.
fn resolve<'s>(root: &'s Schema, reference: &str) -> Option<&'s Value> {
    let mut parts = reference.strip_prefix("#/")?.split('/');
    let unescape = |t: &str| t.replace("~1", "/").replace("~0", "~");
    let mut target = root.get(&unescape(parts.next()?))?;
    for part in parts {
        target = match target {
            Value::Object(map) => map.get(&unescape(part))?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Schema {
        json!({
            "type": "object",
            "properties": {
                "limit": {"type": "integer", "minimum": 1, "maximum": 50},
                "slug": {"type": "string", "pattern": "^[-a-z0-9]+$", "maxLength": 8},
                "price": {"type": "string", "pattern": "^-?\\d{0,8}(?:\\.\\d{0,2})?$"},
                "tags": {"type": "array", "items": {"type": "string", "minLength": 2}, "maxItems": 3, "uniqueItems": true},
                "kind": {"type": ["string", "null"], "enum": ["a", "b", null]},
                "body": {"$ref": "#/$defs/Body"}
            },
            "required": ["slug"],
            "additionalProperties": false,
            "$defs": {"Body": {"type": "object", "properties": {
                "pet": {"oneOf": [
                    {"type": "object", "properties": {"kind": {"type": "string", "enum": ["cat"]}, "lives": {"type": "integer", "exclusiveMaximum": 10}}, "required": ["kind"], "additionalProperties": false},
                    {"type": "object", "properties": {"kind": {"type": "string", "enum": ["dog"]}}, "required": ["kind"], "additionalProperties": false}
                ]}
            }, "additionalProperties": false}}
        })
        .as_object()
        .cloned()
        .unwrap()
    }

    fn error(args: Value) -> String {
        let args = args.as_object().cloned().unwrap();
        check(&args, &schema()).unwrap_err().to_string()
    }

    #[test]
    fn what_the_schema_allows_passes() {
        let args = json!({"slug": "a-1", "limit": 50, "price": "-12.50", "tags": ["ab", "cd"], "kind": null,
            "body": {"pet": {"kind": "cat", "lives": 9}}});
        assert!(check(args.as_object().unwrap(), &schema()).is_ok());
    }

    #[test]
    fn what_it_states_is_enforced_naming_the_field() {
        assert_eq!(
            error(json!({"slug": "a", "limit": 500})),
            "field `limit`: 500 is above the maximum of 50"
        );
        assert_eq!(
            error(json!({"slug": "a", "limit": 0})),
            "field `limit`: 0 is below the minimum of 1"
        );
        assert_eq!(
            error(json!({"slug": "A B"})),
            "field `slug`: \"A B\" does not match the pattern ^[-a-z0-9]+$"
        );
        assert_eq!(
            error(json!({"slug": "abcdefghij"})),
            "field `slug`: is 10 characters long, longer than the maximum of 8"
        );
        assert_eq!(
            error(json!({"slug": "a", "price": "1.234"})),
            "field `price`: \"1.234\" does not match the pattern ^-?\\d{0,8}(?:\\.\\d{0,2})?$"
        );
        assert_eq!(
            error(json!({"slug": "a", "tags": ["ab", "c"]})),
            "field `tags[1]`: is 1 characters long, shorter than the minimum of 2"
        );
        assert_eq!(
            error(json!({"slug": "a", "tags": ["ab", "ab"]})),
            "field `tags[1]`: the string \"ab\" is repeated; the items must be unique"
        );
        assert_eq!(
            error(json!({"slug": "a", "tags": ["ab", "cd", "ef", "gh"]})),
            "field `tags`: has 4 items, more than the maximum of 3"
        );
        assert_eq!(
            error(json!({"slug": "a", "kind": "c"})),
            "field `kind`: the string \"c\" is not one of \"a\", \"b\", null"
        );
        assert_eq!(
            error(json!({"slug": "a", "limit": "5"})),
            "field `limit`: expected an integer, got the string \"5\""
        );
        assert_eq!(error(json!({})), "field `slug`: missing field");
        assert!(error(json!({"slug": "a", "bogus": 1})).starts_with("unknown field `bogus`"));
    }

    #[test]
    fn word_classes_are_unicode_as_in_the_python_that_wrote_the_pattern() {
        let schema = json!({"type": "object", "properties": {"slug": {"type": "string", "pattern": "^[-\\w]+$"}}})
            .as_object()
            .cloned()
            .unwrap();
        let args = json!({"slug": "o-brien-ñ"});
        assert!(check(args.as_object().unwrap(), &schema).is_ok());
        let args = json!({"slug": "o brien"});
        assert!(check(args.as_object().unwrap(), &schema).is_err());
    }

    #[test]
    fn a_union_reports_the_member_that_got_furthest() {
        assert_eq!(
            error(json!({"slug": "a", "body": {"pet": {"kind": "cat", "lives": 10}}})),
            "field `body.pet.lives`: 10 must be less than 10"
        );
        assert_eq!(
            error(json!({"slug": "a", "body": {"pet": 3}})),
            "field `body.pet`: matches none of the 2 allowed shapes (the closest: expected an object, got the number 3)"
        );
    }
}
