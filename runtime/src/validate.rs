//! Checks an upstream answer against the tool's output schema before it is sent as structured
//! content: clients reject a whole result whose structured content breaks the `outputSchema`.
//!
//! The generator writes output schemas that only say what the data can honour (types,
//! properties, items; no formats, patterns, bounds, enums or required lists; `null` allowed), so
//! this checks exactly those keywords, plus `anyOf`/`oneOf` and `$ref` into `$defs`.
//!
//! It runs on every successful call, so a fitting answer costs no allocation: the path and the
//! reason of a misfit are only put into words once one is found.

use serde_json::{Map, Value};

/// A schema object; a non-object (sub)schema such as `true` accepts everything.
type Schema = Map<String, Value>;

/// `Ok` when `value` fits `schema`; else the JSON path of the first misfit and why. The schema
/// is the object the tool lists as its `outputSchema` (parsed once, shared with the listing).
pub fn check(value: &Value, schema: &Schema) -> Result<(), String> {
    check_at(value, schema, schema, 0).map_err(|misfit| misfit.to_string())
}

/// Where in the answer a misfit is, innermost step first (filled in while returning).
#[derive(Debug)]
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

/// Why a value does not fit.
#[derive(Debug)]
enum Why<'s> {
    Type {
        expected: &'s Value,
        found: &'static str,
    },
    NoAlternative(&'static str),
    BadRef(&'s str),
}

/// The first misfit found, as borrowed pieces.
#[derive(Debug)]
struct Misfit<'v, 's> {
    steps: Vec<Step<'v>>,
    why: Why<'s>,
}

impl<'v, 's> Misfit<'v, 's> {
    fn new(why: Why<'s>) -> Self {
        Misfit {
            steps: Vec::new(),
            why,
        }
    }

    fn under(mut self, step: Step<'v>) -> Self {
        self.steps.push(step);
        self
    }
}

impl std::fmt::Display for Misfit<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("$")?;
        for step in self.steps.iter().rev() {
            match step {
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        match &self.why {
            Why::Type { expected, found } => write!(f, ": expected {expected}, found {found}"),
            Why::NoAlternative(key) => write!(f, ": matches none of the {key} alternatives"),
            Why::BadRef(reference) => write!(f, ": unresolvable $ref {reference}"),
        }
    }
}

/// The keywords of one schema object this checks, found in one pass over its entries
/// (cheaper than a hashed lookup per keyword: schema objects have a handful of keys).
#[derive(Default)]
struct Keywords<'s> {
    reference: Option<&'s str>,
    unions: [Option<(&'static str, &'s [Value])>; 2],
    types: Option<&'s Value>,
    properties: Option<&'s Schema>,
    additional: Option<&'s Value>,
    items: Option<&'s Value>,
}

impl<'s> Keywords<'s> {
    fn of(schema: &'s Schema) -> Self {
        let mut found = Keywords::default();
        for (key, value) in schema {
            match key.as_str() {
                "$ref" => found.reference = value.as_str(),
                "anyOf" => found.unions[0] = value.as_array().map(|m| ("anyOf", m.as_slice())),
                "oneOf" => found.unions[1] = value.as_array().map(|m| ("oneOf", m.as_slice())),
                "type" => found.types = Some(value),
                "properties" => found.properties = value.as_object(),
                "additionalProperties" => found.additional = Some(value),
                "items" => found.items = Some(value),
                _ => {}
            }
        }
        found
    }
}

fn check_at<'v, 's>(
    value: &'v Value,
    schema: &'s Schema,
    root: &'s Schema,
    depth: usize,
) -> Result<(), Misfit<'v, 's>> {
    let sub = |value: &'v Value, schema: &'s Value| match schema.as_object() {
        Some(schema) => check_at(value, schema, root, depth + 1),
        None => Ok(()),
    };
    if depth > 64 {
        return Ok(());
    }
    let keywords = Keywords::of(schema);
    if let Some(reference) = keywords.reference {
        let target = resolve(root, reference).ok_or(Misfit::new(Why::BadRef(reference)))?;
        return sub(value, target);
    }
    for (key, members) in keywords.unions.into_iter().flatten() {
        if !members.iter().any(|m| sub(value, m).is_ok()) {
            return Err(Misfit::new(Why::NoAlternative(key)));
        }
    }
    if let Some(types) = keywords.types {
        let fits = match types {
            Value::String(t) => type_fits(value, t),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_fits(value, t)),
            _ => true,
        };
        if !fits {
            return Err(Misfit::new(Why::Type {
                expected: types,
                found: kind(value),
            }));
        }
    }
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                let declared = keywords.properties.and_then(|p| p.get(key));
                if let Some(item_schema) = declared.or(keywords.additional) {
                    sub(item, item_schema).map_err(|m| m.under(Step::Key(key)))?;
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = keywords.items {
                for (i, item) in items.iter().enumerate() {
                    sub(item, item_schema).map_err(|m| m.under(Step::Index(i)))?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The schema a local `$ref` (`#/$defs/Name`) points at, without building a pointer string.
fn resolve<'s>(root: &'s Schema, reference: &str) -> Option<&'s Value> {
    let mut parts = reference.strip_prefix("#/")?.split('/');
    let mut target = root.get(unescape(parts.next()?).as_ref())?;
    for part in parts {
        target = match target {
            Value::Object(map) => map.get(unescape(part).as_ref())?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(target)
}

/// A JSON-pointer token with `~1` and `~0` decoded (borrowed when it has neither).
fn unescape(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
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

    #[test]
    fn misfits_in_unions_and_bad_refs_are_named() {
        let schema = json!({"type": "object", "properties": {
            "owner": {"anyOf": [{"$ref": "#/$defs/A~1B"}, {"type": "null"}]},
            "tags": {"type": "array", "items": {"$ref": "#/$defs/Missing"}}
        }, "$defs": {"A/B": {"type": "object", "properties": {"id": {"type": "integer"}}}}});
        let schema = schema.as_object().unwrap().clone();
        assert!(check(&json!({"owner": null}), &schema).is_ok());
        assert!(check(&json!({"owner": {"id": 3}}), &schema).is_ok());
        assert_eq!(
            check(&json!({"owner": {"id": "3"}}), &schema).unwrap_err(),
            "$.owner: matches none of the anyOf alternatives"
        );
        assert_eq!(
            check(&json!({"tags": ["a"]}), &schema).unwrap_err(),
            "$.tags[0]: unresolvable $ref #/$defs/Missing"
        );
    }
}
