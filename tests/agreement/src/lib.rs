//! The agreement property of a generated server: **any arguments its advertised input schema
//! accepts, its parser accepts**, so a schema-conforming call never fails on the server's side
//! (and, as the server checks the schema first, what the parser rejects the schema rejects).
//!
//! For every tool, argument objects are made from the advertised schema itself: the minimal
//! object (required fields only, so defaults are omitted), the maximal one (every field), one
//! per union member and per enum value, and near misses (a required field taken out, an unknown
//! field, a wrong type). Each is checked against the schema with the runtime's own checker; for
//! each the schema accepts, the tool's typed parse must accept it too.

use std::fmt;

use spec2mcp_runtime::check::{check, check_value_against};
pub use spec2mcp_runtime::def::ApiDef;
use spec2mcp_runtime::serde_json::{json, Map, Number, Value};

/// Most argument objects made per tool.
const MAX_SAMPLES: usize = 64;
/// How deep `$ref`s are followed when making values (recursive schemas stop here).
const MAX_DEPTH: usize = 8;

/// What one API's check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Tools checked.
    pub tools: usize,
    /// Argument objects the schema accepts, all tried on the parser.
    pub accepted: usize,
    /// Objects the schema rejects (near misses, or values the maker could not fit).
    pub rejected: usize,
    /// Objects the schema accepts and the parser rejects.
    pub disagreements: Vec<Disagreement>,
}

/// Arguments the schema accepts and the parser does not.
#[derive(Debug)]
pub struct Disagreement {
    /// The tool.
    pub tool: &'static str,
    /// The arguments.
    pub arguments: Value,
    /// What the parser said.
    pub error: String,
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the schema accepts {} but the parser says: {}",
            self.tool, self.arguments, self.error
        )
    }
}

impl Report {
    /// Whether the property held for every tool.
    pub fn holds(&self) -> bool {
        self.disagreements.is_empty()
    }
}

/// Checks every tool of `api`.
pub fn check_api(api: &ApiDef) -> Report {
    let mut report = Report::default();
    for tool in api.tools {
        report.tools += 1;
        let Ok(Value::Object(schema)) = spec2mcp_runtime::serde_json::from_str(tool.input_schema)
        else {
            report.disagreements.push(Disagreement {
                tool: tool.name,
                arguments: Value::Null,
                error: "the input schema is not a JSON object".to_owned(),
            });
            continue;
        };
        for arguments in argument_objects(&schema) {
            let Value::Object(args) = &arguments else {
                continue;
            };
            if check(args, &schema).is_err() {
                report.rejected += 1;
                continue;
            }
            report.accepted += 1;
            if let Err(err) = (tool.build)(args.clone()) {
                report.disagreements.push(Disagreement {
                    tool: tool.name,
                    arguments,
                    error: err.to_string(),
                });
            }
        }
    }
    report
}

/// The argument objects tried for a tool: values of its schema, then near misses of them.
pub fn argument_objects(schema: &Map<String, Value>) -> Vec<Value> {
    let maker = Maker { root: schema };
    let root = Value::Object(schema.clone());
    let mut objects = maker.values(&root, 0);
    let mut misses = Vec::new();
    for object in objects.iter().take(4) {
        misses.extend(near_misses(object, schema));
    }
    objects.extend(misses);
    objects.truncate(MAX_SAMPLES);
    objects
}

/// An object with one thing wrong: a required field missing, an unknown field, a field of the
/// wrong type.
fn near_misses(object: &Value, schema: &Map<String, Value>) -> Vec<Value> {
    let Value::Object(map) = object else {
        return Vec::new();
    };
    let mut misses = Vec::new();
    if let Some(Value::Array(required)) = schema.get("required") {
        if let Some(name) = required.first().and_then(Value::as_str) {
            let mut missing = map.clone();
            missing.remove(name);
            misses.push(Value::Object(missing));
        }
    }
    let mut unknown = map.clone();
    unknown.insert("spec2mcp_unknown_field".to_owned(), json!(1));
    misses.push(Value::Object(unknown));
    if let Some((key, value)) = map.iter().next() {
        let mut retyped = map.clone();
        let wrong = if value.is_string() {
            json!(12)
        } else {
            json!("twelve")
        };
        retyped.insert(key.clone(), wrong);
        misses.push(Value::Object(retyped));
    }
    misses
}

/// Picks a field's value (or leaves it out) when building an object: field index, the values
/// made for it, whether it is required.
type Pick<'p> = &'p dyn Fn(usize, &[Value], bool) -> Option<Value>;

/// Makes values from a schema.
struct Maker<'s> {
    root: &'s Map<String, Value>,
}

impl Maker<'_> {
    /// Values `schema` should accept: a few, each varying one thing. Empty when none could be
    /// made (a pattern no candidate fits).
    fn values(&self, schema: &Value, depth: usize) -> Vec<Value> {
        let Some(map) = schema.as_object() else {
            return vec![json!("any")];
        };
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            return match self.resolve(reference) {
                Some(target) => self.values(target, depth + 1),
                None => Vec::new(),
            };
        }
        let nullable =
            matches!(map.get("type"), Some(Value::Array(t)) if t.iter().any(|t| t == "null"));
        let mut values = self.shaped(map, depth);
        if nullable {
            values.push(Value::Null);
        }
        // Only values the (sub)schema itself accepts: the maker is approximate, the checker is not.
        values.retain(|v| check_value_against(v, schema, self.root).is_ok());
        values.truncate(MAX_SAMPLES);
        values
    }

    fn shaped(&self, map: &Map<String, Value>, depth: usize) -> Vec<Value> {
        if let Some(Value::Array(allowed)) = map.get("enum") {
            return allowed.iter().filter(|v| !v.is_null()).cloned().collect();
        }
        if let Some(constant) = map.get("const") {
            return vec![constant.clone()];
        }
        if map.contains_key("properties") {
            // Properties beside a union of constraints (a file: content or path): the object's
            // values, which the checker then sorts.
            return self.object(map, depth);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                // One value per member: every member is tried.
                return members
                    .iter()
                    .flat_map(|m| self.values(m, depth + 1).into_iter().take(2))
                    .collect();
            }
        }
        if let Some(Value::Array(parts)) = map.get("allOf") {
            return self.all_of(parts, depth);
        }
        let ty = match map.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ if map.contains_key("properties") => "object",
            _ if map.contains_key("items") => "array",
            _ => "any",
        };
        match ty {
            "object" => self.object(map, depth),
            "array" => self.array(map, depth),
            "string" => strings(map),
            "integer" => numbers(map, true),
            "number" => numbers(map, false),
            "boolean" => vec![json!(true), json!(false)],
            "null" => vec![Value::Null],
            _ => vec![json!("any"), json!(1)],
        }
    }

    /// Objects: the minimal one (required fields only), the maximal one (every field), and the
    /// maximal one with each field's other values in turn.
    fn object(&self, map: &Map<String, Value>, depth: usize) -> Vec<Value> {
        let properties = map.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields: Vec<(&str, Vec<Value>, bool)> = Vec::new();
        for (name, schema) in properties.into_iter().flatten() {
            let values = self.values(schema, depth + 1);
            let is_required = required.contains(&name.as_str());
            if values.is_empty() && is_required {
                return Vec::new();
            }
            fields.push((name, values, is_required));
        }
        let build = |pick: Pick<'_>| {
            let mut object = Map::new();
            for (i, (name, values, is_required)) in fields.iter().enumerate() {
                if let Some(value) = pick(i, values, *is_required) {
                    object.insert((*name).to_owned(), value);
                }
            }
            Value::Object(object)
        };
        let minimal = build(&|_, values, is_required| {
            if is_required {
                values.first().cloned()
            } else {
                None
            }
        });
        let maximal = build(&|_, values, _| values.first().cloned());
        let mut objects = vec![minimal, maximal];
        for (field, (_, values, _)) in fields.iter().enumerate() {
            for other in values.iter().skip(1) {
                objects.push(build(&|i, values, _| {
                    if i == field {
                        Some(other.clone())
                    } else {
                        values.first().cloned()
                    }
                }));
            }
        }
        if let Some(extra @ Value::Object(_)) = map.get("additionalProperties") {
            if let Some(value) = self.values(extra, depth + 1).into_iter().next() {
                let mut with_extra = objects[0].as_object().cloned().unwrap_or_default();
                with_extra.insert("spec2mcp_extra".to_owned(), value);
                objects.push(Value::Object(with_extra));
            }
        }
        objects.dedup();
        objects
    }

    fn array(&self, map: &Map<String, Value>, depth: usize) -> Vec<Value> {
        let items = map
            .get("items")
            .map(|items| self.values(items, depth + 1))
            .unwrap_or_else(|| vec![json!("any")]);
        let min = map.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = map
            .get("maxItems")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        let unique = map.get("uniqueItems") == Some(&Value::Bool(true));
        let mut arrays = Vec::new();
        for count in [min, min.max(1), min.max(2)] {
            if max.is_some_and(|max| count > max) {
                continue;
            }
            let array: Vec<Value> = if unique {
                items.iter().take(count).cloned().collect()
            } else {
                items.iter().cycle().take(count).cloned().collect()
            };
            if array.len() == count && (count == 0 || !items.is_empty()) {
                arrays.push(Value::Array(array));
            }
        }
        arrays.dedup();
        arrays
    }

    fn all_of(&self, parts: &[Value], depth: usize) -> Vec<Value> {
        let mut merged = vec![Map::new()];
        for part in parts {
            let values = self.values(part, depth + 1);
            let Some(first) = values.first() else {
                return Vec::new();
            };
            match first {
                Value::Object(fields) => {
                    for object in &mut merged {
                        for (k, v) in fields {
                            object.insert(k.clone(), v.clone());
                        }
                    }
                }
                other => return vec![other.clone()],
            }
        }
        merged.into_iter().map(Value::Object).collect()
    }

    fn resolve(&self, reference: &str) -> Option<&Value> {
        let mut parts = reference.strip_prefix("#/")?.split('/');
        let unescape = |t: &str| t.replace("~1", "/").replace("~0", "~");
        let mut target = self.root.get(&unescape(parts.next()?))?;
        for part in parts {
            target = target.get(unescape(part))?;
        }
        Some(target)
    }
}

/// Strings for a string schema: its default and examples, values for its format, then plain
/// candidates; the checker keeps those that fit the pattern and lengths.
fn strings(map: &Map<String, Value>) -> Vec<Value> {
    let mut candidates: Vec<String> = Vec::new();
    for key in ["default", "example"] {
        if let Some(Value::String(s)) = map.get(key) {
            candidates.push(s.clone());
        }
    }
    let by_format = match map.get("format").and_then(Value::as_str) {
        Some("date") => vec!["2024-05-06"],
        Some("date-time") => vec!["2024-05-06T07:08:09Z"],
        Some("time") => vec!["07:08:09"],
        Some("uuid") => vec!["123e4567-e89b-12d3-a456-426614174000"],
        Some("email") => vec!["someone@example.com"],
        Some("uri" | "url" | "uri-reference") => vec!["https://example.com/a"],
        Some("ipv4") => vec!["192.0.2.1"],
        Some("ipv6") => vec!["2001:db8::1"],
        Some("decimal") => vec!["12.50"],
        _ => vec![],
    };
    candidates.extend(by_format.into_iter().map(str::to_owned));
    let min = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    for plain in [
        "a",
        "abc",
        "ABC",
        "Abc",
        "a-b_c",
        "1",
        "12.50",
        "-1.5",
        "abc123",
        "a b",
        "x",
        "AB12",
        "2024-05-06",
        "o-brien-ñ",
    ] {
        candidates.push(plain.to_owned());
    }
    if min > 3 {
        candidates.push("a".repeat(min));
        candidates.push("1".repeat(min));
        candidates.push("A".repeat(min));
    }
    let mut seen = Vec::new();
    candidates
        .into_iter()
        .filter(|c| {
            let new = !seen.contains(c);
            seen.push(c.clone());
            new
        })
        .map(Value::String)
        .collect()
}

/// Numbers for a numeric schema: inside its bounds, at them, and a middle one.
fn numbers(map: &Map<String, Value>, integer: bool) -> Vec<Value> {
    let get = |k: &str| map.get(k).and_then(Value::as_f64);
    let low = get("minimum").or_else(|| get("exclusiveMinimum").map(|m| m + 1.0));
    let high = get("maximum").or_else(|| get("exclusiveMaximum").map(|m| m - 1.0));
    let mut picks = vec![
        low.unwrap_or(1.0),
        high.unwrap_or(7.0),
        match (low, high) {
            (Some(l), Some(h)) => ((l + h) / 2.0).floor(),
            (Some(l), None) => l + 2.0,
            (None, Some(h)) => h - 2.0,
            (None, None) => 3.0,
        },
    ];
    if let Some(step) = get("multipleOf").filter(|s| *s > 0.0) {
        picks = picks.iter().map(|p| (p / step).ceil() * step).collect();
    }
    if !integer {
        picks.push(low.unwrap_or(0.0) + 0.5);
    }
    picks
        .into_iter()
        .filter_map(|p| {
            if integer {
                Some(Value::Number(Number::from(p as i64)))
            } else {
                Number::from_f64(p).map(Value::Number)
            }
        })
        .collect()
}

/// Runs the check over several APIs and prints one line each; `false` when any disagreed.
pub fn run(apis: &[(&str, &ApiDef)]) -> bool {
    let mut holds = true;
    for (name, api) in apis {
        let report = check_api(api);
        println!(
            "{name}: {} tools, {} accepted argument objects, {} rejected, {} disagreements",
            report.tools,
            report.accepted,
            report.rejected,
            report.disagreements.len()
        );
        for d in report.disagreements.iter().take(5) {
            println!("  {d}");
        }
        holds &= report.holds();
    }
    holds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_minimal_maximal_member_and_near_miss_objects() {
        let schema = json!({"type": "object", "properties": {
            "slug": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "n": {"type": "integer", "minimum": 2, "maximum": 9},
            "pet": {"oneOf": [
                {"type": "object", "properties": {"kind": {"type": "string", "enum": ["cat"]}}, "required": ["kind"], "additionalProperties": false},
                {"type": "object", "properties": {"kind": {"type": "string", "enum": ["dog"]}}, "required": ["kind"], "additionalProperties": false}
            ]}
        }, "required": ["slug"], "additionalProperties": false});
        let objects = argument_objects(schema.as_object().unwrap());
        assert_eq!(objects[0], json!({"slug": "ABC"}), "minimal");
        assert_eq!(
            objects[1],
            json!({"slug": "ABC", "n": 2, "pet": {"kind": "cat"}}),
            "maximal"
        );
        assert!(
            objects.contains(&json!({"slug": "ABC", "n": 2, "pet": {"kind": "dog"}})),
            "every member"
        );
        assert!(
            objects.contains(&json!({"slug": "ABC", "n": 9, "pet": {"kind": "cat"}})),
            "at a bound"
        );
        assert!(
            objects.contains(&json!({})),
            "a near miss without the required field"
        );
    }
}
