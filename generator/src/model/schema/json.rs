//! The normalised graph → the JSON Schema a tool advertises for its input (or its output).
//!
//! Self-contained: everything is inlined, except a schema that refers back into itself and a
//! large component used again, which go to `$defs`. Objects with properties and nothing said
//! about others get `additionalProperties: false`, because the Rust input types reject unknown
//! fields. 3.0's `nullable` becomes a `null` type. A discriminated union's members say their
//! tag: required, and one of the values that select that member.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Map, Value};

use super::{Additional, Id, Kind, Node, Normalizer, Object, TagVariant, Union};
use crate::model::naming;

/// Keywords copied into an input schema, in the order they are written.
const COPIED: &[&str] = &[
    "format",
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

/// Writes the schemas of one tool, collecting `$defs` for recursive and large shared schemas.
#[derive(Debug)]
pub struct SchemaWriter<'n, 'a> {
    ir: &'n Normalizer<'a>,
    /// Whether assertions and annotations (formats, bounds, descriptions…) are written. Output
    /// schemas are relaxed to types only, so writing them there is work thrown away (Stripe's
    /// descriptions are most of its schemas' bytes).
    annotate: bool,
    stack: Vec<Id>,
    recursive: BTreeSet<Id>,
    defs: BTreeMap<String, Value>,
    written: HashMap<Id, (Value, usize)>,
    /// Stop once one component writes to more than this many bytes (output schemas, which are
    /// dropped past a size anyway: expanding Stripe's fully costs seconds per tool).
    budget: Option<usize>,
    over_budget: bool,
}

impl<'n, 'a> SchemaWriter<'n, 'a> {
    /// A writer for one tool's input schema.
    pub fn new(ir: &'n Normalizer<'a>) -> Self {
        SchemaWriter {
            ir,
            annotate: true,
            stack: Vec::new(),
            recursive: BTreeSet::new(),
            defs: BTreeMap::new(),
            written: HashMap::new(),
            budget: None,
            over_budget: false,
        }
    }

    /// A writer for one tool's output schema: types only, and it gives up past `budget` bytes
    /// (see [`SchemaWriter::over_budget`]).
    pub fn for_output(ir: &'n Normalizer<'a>, budget: usize) -> Self {
        SchemaWriter {
            annotate: false,
            budget: Some(budget),
            ..SchemaWriter::new(ir)
        }
    }

    /// Whether writing stopped early because a component was over the budget.
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

    /// The schema of node `id`.
    pub fn write(&mut self, id: Id) -> Value {
        if self.over_budget {
            return Value::Null;
        }
        let node = self.ir.get(id);
        if let Kind::Alias(target) = node.kind {
            let inner = self.write(target);
            return self.annotated(inner, node);
        }
        let shared = node.component.is_some();
        if self.stack.contains(&id) {
            self.recursive.insert(id);
            return self.reference(id);
        }
        if let Some((done, size)) = self.written.get(&id) {
            if shared && (*size > INLINE_AGAIN_LIMIT || self.recursive.contains(&id)) {
                let done = done.clone();
                self.defs.entry(def_name(node)).or_insert(done);
                return self.reference(id);
            }
            return done.clone();
        }
        self.stack.push(id);
        let written = self.convert(node, true);
        self.stack.pop();
        if self.recursive.contains(&id) {
            self.defs.insert(def_name(node), written.clone());
        }
        let size = json_size(&written);
        if shared && self.budget.is_some_and(|budget| size > budget) {
            self.over_budget = true;
        }
        self.written.insert(id, (written.clone(), size));
        written
    }

    fn reference(&self, id: Id) -> Value {
        json!({ "$ref": format!("#/$defs/{}", def_name(self.ir.get(id))) })
    }

    /// `inner` with the annotations of the alias `node` on top (a `$ref`'s sibling description,
    /// `nullable`).
    fn annotated(&self, inner: Value, node: &Node<'_>) -> Value {
        let mut inner = inner;
        if let (true, Value::Object(out)) = (self.annotate, &mut inner) {
            for key in COPIED {
                if let Some(value) = node.keyword(key) {
                    out.insert((*key).to_owned(), value.clone());
                }
            }
        }
        if node.nullable {
            make_nullable(inner)
        } else {
            inner
        }
    }

    /// One node's schema; `closed` lets an object with nothing said about other properties
    /// refuse them (not for a part of an `allOf`, where that would refuse the other parts').
    fn convert(&mut self, node: &Node<'_>, closed: bool) -> Value {
        let mut out = Map::new();
        if let Some(t) = &node.declared_type {
            out.insert("type".into(), t.clone());
        }
        if self.annotate {
            self.copy_keywords(node, &mut out);
        }
        match &node.kind {
            Kind::Array(Some(items)) => {
                let items = self.write(*items);
                out.insert("items".into(), items);
            }
            Kind::Union(union) => {
                let members = self.union_members(union);
                out.insert(union.keyword.to_owned(), Value::Array(members));
            }
            Kind::Intersection(parts) => {
                let parts: Vec<Value> = parts.iter().map(|part| self.write_open(*part)).collect();
                out.insert("allOf".into(), Value::Array(parts));
            }
            Kind::Object(object) => self.object(object, closed, &mut out),
            _ => {}
        }
        let written = Value::Object(out);
        if node.nullable {
            make_nullable(written)
        } else {
            written
        }
    }

    /// The kept keywords of `node`, in their fixed order; 3.0's boolean exclusive bounds become
    /// the numeric form, and an `int32` without bounds says what fits in one.
    fn copy_keywords(&self, node: &Node<'_>, out: &mut Map<String, Value>) {
        for key in COPIED {
            if let Some(value) = node.keyword(key) {
                out.insert((*key).to_owned(), value.clone());
            }
            if *key == "format" {
                if let Kind::Enum(values) = &node.kind {
                    out.insert("enum".into(), Value::Array(values.clone()));
                }
            }
        }
        for (bound, exclusive) in [
            ("minimum", "exclusiveMinimum"),
            ("maximum", "exclusiveMaximum"),
        ] {
            if node.keyword(exclusive).and_then(Value::as_bool) == Some(true) {
                if let Some(n) = out.remove(bound) {
                    out.insert(exclusive.to_owned(), n);
                }
            }
        }
        if let Kind::Integer { int32: true } = node.kind {
            for (bound, exclusive, limit) in [
                ("minimum", "exclusiveMinimum", json!(i32::MIN)),
                ("maximum", "exclusiveMaximum", json!(i32::MAX)),
            ] {
                if !out.contains_key(bound) && !out.contains_key(exclusive) {
                    out.insert(bound.to_owned(), limit);
                }
            }
        }
    }

    fn object(&mut self, object: &Object, closed: bool, out: &mut Map<String, Value>) {
        let mut properties = Map::new();
        for property in &object.properties {
            let written = self.write(property.node);
            properties.insert(property.name.clone(), written);
        }
        if object.declares_properties || !properties.is_empty() {
            out.insert("properties".into(), Value::Object(properties));
        }
        let required: Vec<Value> = object.required.iter().cloned().map(Value::String).collect();
        if !required.is_empty() {
            out.insert("required".into(), Value::Array(required));
        }
        let additional = match object.additional {
            Additional::Any => Some(Value::Bool(true)),
            Additional::Forbidden => Some(Value::Bool(false)),
            Additional::Typed(extra) => Some(self.write(extra)),
            Additional::Unspecified if closed && object.declares_properties => {
                Some(Value::Bool(false))
            }
            Additional::Unspecified => None,
        };
        if let Some(additional) = additional {
            out.insert("additionalProperties".into(), additional);
        }
    }

    /// The schema of a `multipart/form-data` body (the object node `id`): its `files` fields are
    /// file arguments ([`file_schema`]), one or a list, the others written as usual.
    pub fn write_form(&mut self, id: Id, files: &[String]) -> Value {
        let mut written = self.write(id);
        let Value::Object(map) = &mut written else {
            return written;
        };
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            for name in files {
                if let Some(property) = properties.get_mut(name) {
                    let list = property.get("type") == Some(&json!("array"))
                        || property
                            .get("type")
                            .and_then(Value::as_array)
                            .is_some_and(|t| t.contains(&json!("array")));
                    let mut file = file_schema();
                    if let (Some(Value::String(own)), Value::Object(file)) =
                        (property.get("description").cloned(), &mut file)
                    {
                        let generic = file
                            .get("description")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        let combined = format!("{own}\n\n{generic}");
                        file.insert("description".into(), Value::String(combined));
                    }
                    *property = if list {
                        json!({"type": "array", "items": file})
                    } else {
                        file
                    };
                }
            }
        }
        written
    }

    /// A part of an `allOf`: an object part stays open to the other parts' properties.
    fn write_open(&mut self, id: Id) -> Value {
        let target = self.ir.target(id);
        let node = self.ir.get(target);
        match &node.kind {
            Kind::Object(object) if object.additional == Additional::Unspecified => {
                let written = self.convert(node, false);
                if target == id {
                    written
                } else {
                    self.annotated(written, self.ir.get(id))
                }
            }
            _ => self.write(id),
        }
    }

    /// The members of a union; a discriminated union's members say their tag.
    fn union_members(&mut self, union: &Union) -> Vec<Value> {
        match &union.tagging {
            None => union.members.iter().map(|m| self.write(*m)).collect(),
            Some(tagging) => tagging
                .variants
                .iter()
                .map(|variant| self.tagged_member(&tagging.tag, variant))
                .collect(),
        }
    }

    /// A member of a discriminated union with its tag property required and limited to the
    /// values that select it: the parser chooses the member by the tag, so it must be there.
    fn tagged_member(&mut self, tag: &str, variant: &TagVariant) -> Value {
        let node = self.ir.get(self.ir.target(variant.member));
        let mut written = self.convert(node, true);
        let Value::Object(map) = &mut written else {
            return written;
        };
        let mut tag_schema = Map::new();
        tag_schema.insert("type".into(), json!("string"));
        tag_schema.insert("enum".into(), json!(variant.values));
        let existing = map
            .get("properties")
            .and_then(|p| p.get(tag))
            .and_then(|t| t.get("description"))
            .cloned();
        if let (true, Some(description)) = (self.annotate, existing) {
            tag_schema.insert("description".into(), description);
        }
        let properties = map
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(properties) = properties {
            properties.insert(tag.to_owned(), Value::Object(tag_schema));
        }
        // `required` goes before `additionalProperties`, where an object's is written.
        let additional = map.remove("additionalProperties");
        let required = map
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(required) = required {
            if !required.iter().any(|r| r == tag) {
                required.insert(0, Value::String(tag.to_owned()));
            }
        }
        if let Some(additional) = additional {
            map.insert("additionalProperties".into(), additional);
        }
        written
    }
}

/// A file argument (the runtime's `FileArg`): its content as base64, or a path inside the
/// server's `--upload-dir`, with an optional name and media type.
pub fn file_schema() -> Value {
    json!({
        "type": "object",
        "description": "A file: its content as base64 in `content_base64`, or, when the server was started with --upload-dir, a `path` inside that folder.",
        "properties": {
            "content_base64": {"type": "string", "contentEncoding": "base64", "description": "The file's bytes, base64-encoded."},
            "path": {"type": "string", "description": "A file inside the server's upload folder (--upload-dir)."},
            "filename": {"type": "string", "description": "The file name to send (default: the path's, else `upload`)."},
            "media_type": {"type": "string", "description": "The file's media type (default: guessed from its name)."}
        },
        "anyOf": [{"required": ["content_base64"]}, {"required": ["path"]}],
        "additionalProperties": false
    })
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

/// Relaxes a written schema to what upstream data honours: types, properties and items only,
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

fn def_name(node: &Node<'_>) -> String {
    let raw = node.component.clone().unwrap_or_else(|| {
        node.pointer
            .trim_start_matches("#/")
            .replace(['/', '#'], "_")
    });
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
    use super::super::Context;
    use super::*;
    use crate::resolve::Resolver;

    fn input_schema(doc: &Value, pointer: &str) -> Value {
        let resolver = Resolver::new(doc);
        let mut ir = Normalizer::new(resolver, Context::Input);
        let schema = resolver.get(pointer).expect("the pointer exists");
        let id = ir.node(schema, pointer);
        let mut writer = SchemaWriter::new(&ir);
        let written = writer.write(id);
        writer.finish(written)
    }

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
        assert_eq!(
            input_schema(&doc, "#/components/schemas/P"),
            json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 10},
                    "price": {"type": ["number", "null"], "exclusiveMinimum": 0}
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
        let s = input_schema(&doc, "#/components/schemas/Node");
        assert_eq!(
            s["properties"]["children"]["items"],
            json!({"$ref": "#/$defs/Node"})
        );
        assert!(s["$defs"]["Node"].is_object());
    }

    #[test]
    fn a_tagged_member_requires_its_tag_and_an_enum_of_strings_unions_into_one() {
        let doc = json!({"components": {"schemas": {
            "Cat": {"type": "object", "properties": {
                "kind": {"type": "string", "default": "cat"}, "indoor": {"type": "boolean"}}},
            "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat", "kitten": "#/components/schemas/Cat"}}},
            "Status": {"oneOf": [{"enum": ["a", "b"], "type": "string"}, {"enum": [""]}, {"enum": [null]}]}
        }}});
        let pet = input_schema(&doc, "#/components/schemas/Pet");
        assert_eq!(
            pet["oneOf"][0]["properties"]["kind"],
            json!({"type": "string", "enum": ["cat", "kitten"]})
        );
        assert_eq!(pet["oneOf"][0]["required"], json!(["kind"]));
        assert_eq!(
            pet["oneOf"][1]["properties"]["kind"]["enum"],
            json!(["Dog"])
        );
        assert_eq!(
            input_schema(&doc, "#/components/schemas/Status"),
            json!({"type": ["string", "null"], "enum": ["a", "b", "", null]})
        );
    }
}
