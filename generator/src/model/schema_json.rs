//! OpenAPI schemas → the JSON Schema a tool advertises as its input.
//!
//! Self-contained: `$ref`s are inlined, except a reference back into a schema that is already
//! being expanded, which goes to `$defs`. Request context: `readOnly` properties are left out.
//! Objects with properties and no `additionalProperties` say `additionalProperties: false`,
//! because the Rust input types reject unknown fields. 3.0's `nullable` becomes a `null` type.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::naming;
use super::types::has_flag;
use crate::diag::join_pointer;
use crate::resolve::{component_name, ref_of, Resolver};

/// Keywords copied as they are.
const KEPT: &[&str] = &[
    "title",
    "description",
    "pattern",
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "default",
    "deprecated",
];

/// A component used again within one tool's schema is inlined again only while it is small;
/// past this size (bytes of JSON) later uses point to `$defs`, so schemas that share large
/// components cannot grow exponentially.
const INLINE_AGAIN_LIMIT: usize = 4096;

/// Converts schemas for one tool, collecting `$defs` for recursive and large shared references.
#[derive(Debug)]
pub struct SchemaWriter<'a> {
    resolver: Resolver<'a>,
    stack: Vec<String>,
    recursive: BTreeSet<String>,
    defs: BTreeMap<String, Value>,
    converted: BTreeMap<String, (Value, usize)>,
    /// Properties marked with this flag are left out: `readOnly` for inputs, `writeOnly` for outputs.
    dropped_flag: &'static str,
    /// Whether assertions and annotations (formats, bounds, descriptions…) are copied. Output
    /// schemas are relaxed to types only, so copying them there is work thrown away (Stripe's
    /// descriptions are most of its schemas' bytes).
    annotate: bool,
    /// Stop once one referenced schema converts to more than this many bytes (output schemas,
    /// which are dropped past a size anyway: expanding Stripe's fully costs seconds per tool).
    budget: Option<usize>,
    /// Whether the budget was exceeded; the result is then incomplete.
    over_budget: bool,
}

impl<'a> SchemaWriter<'a> {
    /// A writer for one tool's input schema.
    pub fn new(resolver: Resolver<'a>) -> Self {
        SchemaWriter {
            resolver,
            stack: Vec::new(),
            recursive: BTreeSet::new(),
            defs: BTreeMap::new(),
            converted: BTreeMap::new(),
            dropped_flag: "readOnly",
            annotate: true,
            budget: None,
            over_budget: false,
        }
    }

    /// A writer for one tool's output schema: `writeOnly` properties are left out instead, and
    /// conversion gives up past `budget` bytes (see [`SchemaWriter::over_budget`]).
    pub fn for_output(resolver: Resolver<'a>, budget: usize) -> Self {
        SchemaWriter {
            dropped_flag: "writeOnly",
            annotate: false,
            budget: Some(budget),
            ..SchemaWriter::new(resolver)
        }
    }

    /// Whether conversion stopped early because a referenced schema was over the budget.
    pub fn over_budget(&self) -> bool {
        self.over_budget
    }

    /// Attaches the collected `$defs` to the finished root schema.
    pub fn finish(self, mut root: Value) -> Value {
        if !self.defs.is_empty() {
            if let Value::Object(map) = &mut root {
                map.insert(
                    "$defs".into(),
                    Value::Object(self.defs.into_iter().collect()),
                );
            }
        }
        root
    }

    /// Converts the schema at `pointer`.
    pub fn convert(&mut self, schema: &Value, pointer: &str) -> Value {
        if self.over_budget {
            return Value::Null;
        }
        if let Some(target) = ref_of(schema) {
            let target = target.to_owned();
            let def_name = def_name(&target);
            let converted = if self.stack.contains(&target) {
                self.recursive.insert(target.clone());
                json!({ "$ref": format!("#/$defs/{def_name}") })
            } else if let Some((done, size)) = self.converted.get(&target) {
                if *size > INLINE_AGAIN_LIMIT || self.recursive.contains(&target) {
                    self.defs
                        .entry(def_name.clone())
                        .or_insert_with(|| done.clone());
                    json!({ "$ref": format!("#/$defs/{def_name}") })
                } else {
                    done.clone()
                }
            } else {
                match self.resolver.get(&target) {
                    Some(resolved) => {
                        self.stack.push(target.clone());
                        let converted = self.convert(resolved, &target);
                        self.stack.pop();
                        if self.recursive.contains(&target) {
                            self.defs.insert(def_name, converted.clone());
                        }
                        let size = json_size(&converted);
                        if self.budget.is_some_and(|budget| size > budget) {
                            self.over_budget = true;
                        }
                        self.converted
                            .insert(target.clone(), (converted.clone(), size));
                        converted
                    }
                    // Dangling references are reported by the model before this runs.
                    None => json!({}),
                }
            };
            return with_siblings(converted, schema, self.annotate);
        }
        let Value::Object(map) = schema else {
            return schema.clone();
        };
        let mut out = Map::new();
        if let Some(v) = map.get("type") {
            out.insert("type".to_owned(), v.clone());
        }
        if self.annotate {
            for key in ["format", "enum"].iter().chain(KEPT) {
                if let Some(v) = map.get(*key) {
                    out.insert((*key).to_owned(), v.clone());
                }
            }
        }
        for (bound, exclusive) in [
            ("minimum", "exclusiveMinimum"),
            ("maximum", "exclusiveMaximum"),
        ] {
            if map.get(exclusive).and_then(Value::as_bool) == Some(true) {
                if let Some(n) = out.remove(bound) {
                    out.insert(exclusive.to_owned(), n);
                }
            }
        }
        if let Some(items) = map.get("items") {
            let converted = self.convert(items, &join_pointer(pointer, "items"));
            out.insert("items".into(), converted);
        }
        if let Some(Value::Array(parts)) = map.get("allOf") {
            self.all_of(parts, pointer, &mut out);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                let base = join_pointer(pointer, key);
                let converted: Vec<Value> = members
                    .iter()
                    .enumerate()
                    .map(|(i, m)| self.convert(m, &format!("{base}/{i}")))
                    .collect();
                out.insert(key.to_owned(), Value::Array(converted));
            }
        }
        let mut parts = Parts::default();
        self.add_object(map, pointer, &mut parts);
        parts.write(
            &mut out,
            map.contains_key("oneOf") || map.contains_key("anyOf"),
        );
        let result = Value::Object(out);
        if map.get("nullable").and_then(Value::as_bool) == Some(true) {
            make_nullable(result)
        } else {
            result
        }
    }

    fn all_of(&mut self, parts: &[Value], pointer: &str, out: &mut Map<String, Value>) {
        let base = join_pointer(pointer, "allOf");
        let converted: Vec<Value> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| self.convert(p, &format!("{base}/{i}")))
            .collect();
        let all_objects = converted.iter().all(|c| {
            c.get("type")
                .and_then(Value::as_str)
                .is_none_or(|t| t == "object")
                && c.get("oneOf").is_none()
                && c.get("anyOf").is_none()
                && c.get("allOf").is_none()
        });
        if !all_objects {
            out.insert("allOf".into(), Value::Array(converted));
            return;
        }
        // Merge object parts into this schema, as the Rust type merges them.
        for part in converted {
            let Value::Object(part) = part else { continue };
            for (key, value) in part {
                match key.as_str() {
                    "properties" => {
                        let props = out.entry("properties").or_insert_with(|| json!({}));
                        if let (Value::Object(props), Value::Object(more)) = (props, value) {
                            props.extend(more);
                        }
                    }
                    "required" => {
                        let req = out.entry("required").or_insert_with(|| json!([]));
                        if let (Value::Array(req), Value::Array(more)) = (req, value) {
                            for name in more {
                                if !req.contains(&name) {
                                    req.push(name);
                                }
                            }
                        }
                    }
                    _ => {
                        out.entry(key).or_insert(value);
                    }
                }
            }
        }
    }

    fn add_object(&mut self, map: &Map<String, Value>, pointer: &str, parts: &mut Parts) {
        if let Some(Value::Object(props)) = map.get("properties") {
            let base = join_pointer(pointer, "properties");
            for (name, prop) in props {
                let prop_pointer = join_pointer(&base, name);
                if has_flag(&self.resolver, prop, &prop_pointer, self.dropped_flag) {
                    parts.dropped.insert(name.clone());
                    continue;
                }
                let converted = self.convert(prop, &prop_pointer);
                parts.properties.insert(name.clone(), converted);
            }
        }
        if let Some(Value::Array(required)) = map.get("required") {
            parts
                .required
                .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        parts.additional = match map.get("additionalProperties") {
            Some(Value::Object(schema)) if !schema.is_empty() => Some(self.convert(
                &Value::Object(schema.clone()),
                &join_pointer(pointer, "additionalProperties"),
            )),
            Some(Value::Object(_)) => Some(Value::Bool(true)),
            Some(other) => Some(other.clone()),
            None => None,
        };
        parts.has_props = map.contains_key("properties");
    }
}

#[derive(Default)]
struct Parts {
    properties: Map<String, Value>,
    required: Vec<String>,
    dropped: BTreeSet<String>,
    additional: Option<Value>,
    has_props: bool,
}

impl Parts {
    fn write(self, out: &mut Map<String, Value>, union: bool) {
        let has_props = self.has_props || out.contains_key("properties");
        if !self.properties.is_empty() {
            let props = out.entry("properties").or_insert_with(|| json!({}));
            if let Value::Object(props) = props {
                props.extend(self.properties);
            }
        } else if self.has_props {
            out.entry("properties").or_insert_with(|| json!({}));
        }
        let required: Vec<Value> = self
            .required
            .into_iter()
            .filter(|name| !self.dropped.contains(name))
            .map(Value::String)
            .collect();
        if !required.is_empty() {
            let req = out.entry("required").or_insert_with(|| json!([]));
            if let Value::Array(req) = req {
                for name in required {
                    if !req.contains(&name) {
                        req.push(name);
                    }
                }
            }
        }
        if let Some(Value::Array(req)) = out.get_mut("required") {
            req.retain(|name| name.as_str().is_none_or(|n| !self.dropped.contains(n)));
        }
        match self.additional {
            Some(additional) => {
                out.insert("additionalProperties".into(), additional);
            }
            None if has_props && !union => {
                out.entry("additionalProperties")
                    .or_insert(Value::Bool(false));
            }
            None => {}
        }
    }
}

/// Keywords real data breaks: a Django SlugField holds `o-brien-ñ` against `^[-a-zA-Z0-9_]+$`,
/// fields come back null or missing, enums grow. An output schema keeps none of them.
const ASSERTIONS: &[&str] = &[
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "enum",
    "const",
    "required",
    "default",
    "description",
    "title",
    "deprecated",
];

/// Relaxes a converted schema to what upstream data honours: types, properties and items only,
/// `null` allowed everywhere, extra properties allowed.
pub fn relax(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    for key in ASSERTIONS {
        map.remove(*key);
    }
    if map.get("additionalProperties") == Some(&Value::Bool(false)) {
        map.remove("additionalProperties");
    }
    match map.get_mut("type") {
        Some(Value::String(t)) => {
            let t = t.clone();
            map.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.contains(&json!("null")) => types.push(json!("null")),
        _ => {}
    }
    for key in ["properties", "$defs"] {
        if let Some(Value::Object(children)) = map.get_mut(key) {
            children.values_mut().for_each(relax);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = map.get_mut(key) {
            relax(child);
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            members.iter_mut().for_each(relax);
        }
    }
}

/// Siblings of a `$ref` that the reference site adds (description, nullable).
fn with_siblings(converted: Value, site: &Value, annotate: bool) -> Value {
    let mut converted = converted;
    if let (true, Value::Object(out), Some(desc)) =
        (annotate, &mut converted, site.get("description"))
    {
        out.insert("description".into(), desc.clone());
    }
    if site.get("nullable").and_then(Value::as_bool) == Some(true) {
        make_nullable(converted)
    } else {
        converted
    }
}

/// Lets a schema also accept `null`.
fn make_nullable(schema: Value) -> Value {
    let Value::Object(mut map) = schema else {
        return schema;
    };
    match map.get("type").cloned() {
        Some(Value::String(t)) => {
            map.insert("type".into(), json!([t, "null"]));
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            Value::Object(map)
        }
        _ => {
            let description = map.remove("description");
            let mut wrapper = Map::new();
            if let Some(d) = description {
                wrapper.insert("description".into(), d);
            }
            wrapper.insert(
                "anyOf".into(),
                json!([Value::Object(map), {"type": "null"}]),
            );
            Value::Object(wrapper)
        }
    }
}

fn def_name(target: &str) -> String {
    let raw =
        component_name(target).unwrap_or_else(|| target.trim_start_matches("#/").replace('/', "_"));
    naming::pascal_ident(&raw, "Def")
}

/// Bytes of `value` as compact JSON, counted without building the string.
pub fn json_size(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_dropped_nullable_and_exclusive_bounds_rewritten() {
        let doc = json!({"components": {"schemas": {"P": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "integer", "readOnly": true},
                "name": {"type": "string", "maxLength": 10},
                "price": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "nullable": true}
            }
        }}}});
        let mut w = SchemaWriter::new(Resolver::new(&doc));
        let s = w.convert(&json!({"$ref": "#/components/schemas/P"}), "#");
        assert_eq!(
            s,
            json!({
                "type": "object",
                "properties": {
                    "name": {"maxLength": 10, "type": "string"},
                    "price": {"exclusiveMinimum": 0, "type": ["number", "null"]}
                },
                "required": ["name"],
                "additionalProperties": false
            })
        );
    }

    #[test]
    fn recursion_goes_to_defs() {
        let doc = json!({"components": {"schemas": {"Node": {
            "type": "object",
            "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}
        }}}});
        let mut w = SchemaWriter::new(Resolver::new(&doc));
        let s = w.convert(&json!({"$ref": "#/components/schemas/Node"}), "#");
        let s = w.finish(json!({"type": "object", "properties": {"root": s}}));
        assert_eq!(
            s["properties"]["root"]["properties"]["children"]["items"],
            json!({"$ref": "#/$defs/Node"})
        );
        assert!(s["$defs"]["Node"].is_object());
    }
}
