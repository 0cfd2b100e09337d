//! The spec's schemas → the normalised graph ([`super::Node`]).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{Additional, Context, Id, Kind, Node, Object, Property, TagVariant, Tagging, Union};
use crate::diag::{join_pointer, Diagnostic};
use crate::resolve::{component_name, ref_of, Resolver};

/// Keywords kept as they are written: what the advertised schema copies and the Rust side reads
/// for docs and formats.
const KEPT: &[&str] = &[
    "title",
    "description",
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
    "default",
    "deprecated",
];

/// Keys an `allOf` part may have and still merge into one object: it only describes an object
/// (or nothing at all).
const MERGEABLE: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "description",
    "title",
    "nullable",
    "readOnly",
    "writeOnly",
    "default",
    "example",
    "deprecated",
    "allOf",
];

/// `allOf` nesting deeper than this is not followed (it is a cycle in practice).
const MAX_ALL_OF_DEPTH: usize = 32;

/// Builds the graph, one node per schema pointer, for one [`Context`].
#[derive(Debug)]
pub struct Normalizer<'a> {
    resolver: Resolver<'a>,
    context: Context,
    nodes: Vec<Node<'a>>,
    by_pointer: HashMap<String, Id>,
    unenforceable: Vec<Diagnostic>,
}

impl<'a> Normalizer<'a> {
    /// An empty graph over the document of `resolver`.
    pub fn new(resolver: Resolver<'a>, context: Context) -> Self {
        Normalizer {
            resolver,
            context,
            nodes: Vec::new(),
            by_pointer: HashMap::new(),
            unenforceable: Vec::new(),
        }
    }

    /// Warnings for the patterns left out because the runtime could not enforce them, each
    /// reported once; the list is emptied.
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.unenforceable)
    }

    /// The node `id`.
    pub fn get(&self, id: Id) -> &Node<'a> {
        &self.nodes[id]
    }

    /// `id`, or the node it is an alias of (all the way down).
    pub fn target(&self, mut id: Id) -> Id {
        let mut hops = 0;
        while let Kind::Alias(next) = self.nodes[id].kind {
            id = next;
            hops += 1;
            if hops > self.nodes.len() {
                break;
            }
        }
        id
    }

    /// The document's resolver.
    pub fn resolver(&self) -> &Resolver<'a> {
        &self.resolver
    }

    /// The node of `schema`, found at `pointer`. A `$ref` without siblings is its target's node.
    pub fn node(&mut self, schema: &'a Value, pointer: &str) -> Id {
        if let Some(id) = self.by_pointer.get(pointer) {
            return *id;
        }
        if ref_of(schema).is_some() {
            let target = match self.resolver.deref(schema, pointer) {
                Ok(found) => self.node(found.value, &found.pointer),
                Err(problem) => {
                    return self.insert(pointer, schema, Kind::Broken(problem.message));
                }
            };
            let siblings = schema
                .as_object()
                .is_some_and(|m| m.keys().any(|k| k != "$ref"));
            if !siblings {
                return target;
            }
            let id = self.insert(pointer, schema, Kind::Alias(target));
            self.annotate(id, schema);
            return id;
        }
        // Reserved before the children are read, so a recursive use finds it.
        let id = self.insert(pointer, schema, Kind::Any);
        self.annotate(id, schema);
        let kind = self.kind(schema, pointer, id);
        self.nodes[id].kind = kind;
        if let Kind::Object(object) = &self.nodes[id].kind {
            if object.declares_properties || !object.properties.is_empty() {
                self.nodes[id]
                    .declared_type
                    .get_or_insert_with(|| Value::String("object".into()));
            }
        }
        id
    }

    fn insert(&mut self, pointer: &str, raw: &'a Value, kind: Kind) -> Id {
        let id = self.nodes.len();
        self.nodes.push(Node {
            pointer: pointer.to_owned(),
            raw,
            component: component_name(pointer)
                .filter(|_| pointer.starts_with("#/components/schemas/")),
            declared_type: None,
            nullable: false,
            keywords: Map::new(),
            kind,
        });
        self.by_pointer.insert(pointer.to_owned(), id);
        id
    }

    /// Copies `schema`'s type, nullability and kept keywords onto node `id`.
    fn annotate(&mut self, id: Id, schema: &Value) {
        let Value::Object(map) = schema else { return };
        let node = &mut self.nodes[id];
        node.declared_type = map.get("type").cloned();
        node.nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
        for key in KEPT {
            if let Some(value) = map.get(*key) {
                node.keywords.insert((*key).to_owned(), value.clone());
            }
        }
        // Only what the runtime enforces is advertised: its regex engine (Rust's `regex`, with
        // Python's Unicode-aware `\w`, `\d` and `\s`, as drf-spectacular's patterns mean them)
        // has no look-around or backreferences, and a pattern it cannot compile is left out.
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
            if let Err(err) = regex::Regex::new(pattern) {
                node.keywords.remove("pattern");
                let why = err.to_string();
                let why = why.lines().last().unwrap_or("").trim().to_owned();
                self.unenforceable.push(
                    Diagnostic::warning(
                        join_pointer(&node.pointer, "pattern"),
                        format!("the pattern `{pattern}` is not advertised or enforced: {why}; the upstream still checks it"),
                    )
                    .with_fix("write the pattern without look-around or backreferences to have it enforced before sending"),
                );
            }
        }
    }

    /// The kind of `schema`, the node `id` at `pointer` (whose nullability a `null` enum value or
    /// union member sets).
    fn kind(&mut self, schema: &'a Value, pointer: &str, id: Id) -> Kind {
        let Value::Object(map) = schema else {
            // `true` / `{}` style schemas: anything.
            return Kind::Any;
        };
        if let Some(Value::Array(parts)) = map.get("allOf") {
            return self.all_of(schema, parts, pointer, id);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                let union_pointer = join_pointer(pointer, key);
                let union = self.union(map, key, members, &union_pointer, id);
                if !map.contains_key("properties") {
                    return union;
                }
                // Properties beside a union: both hold.
                let own = self.own_object(schema, pointer);
                let union = self.synthetic(&union_pointer, schema, union);
                return Kind::Intersection(vec![own, union]);
            }
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            if values.iter().any(Value::is_null) {
                self.nodes[id].nullable = true;
            }
            return Kind::Enum(values.iter().filter(|v| !v.is_null()).cloned().collect());
        }
        match map.get("type").and_then(Value::as_str) {
            Some("string") => Kind::String,
            Some("integer") => Kind::Integer {
                int32: map.get("format").and_then(Value::as_str) == Some("int32"),
            },
            Some("number") => Kind::Number,
            Some("boolean") => Kind::Bool,
            Some("array") => self.array(map, pointer),
            Some("object") => Kind::Object(self.object(&[(schema, pointer.to_owned())])),
            None if map.contains_key("properties") => {
                Kind::Object(self.object(&[(schema, pointer.to_owned())]))
            }
            None if map.contains_key("items") => self.array(map, pointer),
            _ => Kind::Any,
        }
    }

    /// A node for a part of a schema that has no pointer of its own.
    fn synthetic(&mut self, pointer: &str, raw: &'a Value, kind: Kind) -> Id {
        self.insert(pointer, raw, kind)
    }

    /// The object made of `schema`'s own properties only (beside a union).
    fn own_object(&mut self, schema: &'a Value, pointer: &str) -> Id {
        let object = self.object(&[(schema, pointer.to_owned())]);
        let id = self.synthetic(&format!("{pointer}#properties"), schema, Kind::Any);
        self.nodes[id].declared_type = Some(Value::String("object".into()));
        self.nodes[id].kind = Kind::Object(object);
        id
    }

    fn array(&mut self, map: &'a Map<String, Value>, pointer: &str) -> Kind {
        match map.get("items") {
            Some(items) => Kind::Array(Some(self.node(items, &join_pointer(pointer, "items")))),
            None => Kind::Array(None),
        }
    }

    /// One object from `parts` (each a schema and its pointer), in order: later properties
    /// replace earlier ones of the same name in place, `required` lists add up, and the last
    /// `additionalProperties` given holds. Properties the context drops are left out.
    fn object(&mut self, parts: &[(&'a Value, String)]) -> Object {
        let flag = match self.context {
            Context::Input => "readOnly",
            Context::Output => "writeOnly",
        };
        let mut object = Object::default();
        let mut required: Vec<String> = Vec::new();
        let mut dropped: Vec<String> = Vec::new();
        for (schema, pointer) in parts {
            if let Some(Value::Object(props)) = schema.get("properties") {
                object.declares_properties = true;
                let base = join_pointer(pointer, "properties");
                for (name, prop) in props {
                    let prop_pointer = join_pointer(&base, name);
                    if self.has_flag(prop, &prop_pointer, flag) {
                        dropped.push(name.clone());
                        object.properties.retain(|p| &p.name != name);
                        continue;
                    }
                    let node = self.node(prop, &prop_pointer);
                    match object.properties.iter_mut().find(|p| &p.name == name) {
                        Some(existing) => existing.node = node,
                        None => object.properties.push(Property {
                            name: name.clone(),
                            node,
                            required: false,
                        }),
                    }
                }
            }
            if let Some(Value::Array(names)) = schema.get("required") {
                for name in names.iter().filter_map(Value::as_str) {
                    if !required.iter().any(|r| r == name) {
                        required.push(name.to_owned());
                    }
                }
            }
            match schema.get("additionalProperties") {
                Some(Value::Bool(true)) => object.additional = Additional::Any,
                Some(Value::Bool(false)) => object.additional = Additional::Forbidden,
                Some(Value::Object(m)) if m.is_empty() => object.additional = Additional::Any,
                Some(extra @ Value::Object(_)) => {
                    let extra_pointer = join_pointer(pointer, "additionalProperties");
                    object.additional = Additional::Typed(self.node(extra, &extra_pointer));
                }
                _ => {}
            }
        }
        required.retain(|name| {
            !dropped.contains(name) || object.properties.iter().any(|p| &p.name == name)
        });
        for property in &mut object.properties {
            property.required = required.contains(&property.name);
        }
        object.required = required;
        object.dropped = dropped;
        object
    }

    /// Whether a property's schema carries the boolean `flag`, itself or where its `$ref` leads.
    fn has_flag(&self, schema: &Value, pointer: &str, flag: &str) -> bool {
        if schema.get(flag).and_then(Value::as_bool) == Some(true) {
            return true;
        }
        self.resolver
            .deref(schema, pointer)
            .map(|n| n.value.get(flag).and_then(Value::as_bool) == Some(true))
            .unwrap_or(false)
    }

    fn all_of(&mut self, schema: &'a Value, parts: &'a [Value], pointer: &str, id: Id) -> Kind {
        let own_props = schema.get("properties").is_some();
        if parts.len() == 1 && !own_props {
            // `allOf: [X]` with siblings such as nullable or description: X, annotated.
            return Kind::Alias(self.node(&parts[0], &format!("{pointer}/allOf/0")));
        }
        let mut pieces = Vec::new();
        let mergeable = match self.flatten(parts, &format!("{pointer}/allOf"), &mut pieces, 0) {
            Ok(all) => all,
            Err(problem) => return Kind::Broken(problem),
        };
        if mergeable {
            pieces.push((schema, pointer.to_owned()));
            let object = self.object(&pieces);
            // The merged node takes the first description or title the parts have when it has none.
            for (part, _) in &pieces {
                for key in ["description", "title"] {
                    if let Some(value) = part.get(key) {
                        self.nodes[id]
                            .keywords
                            .entry(key.to_owned())
                            .or_insert_with(|| value.clone());
                    }
                }
            }
            return Kind::Object(object);
        }
        let mut ids: Vec<Id> = parts
            .iter()
            .enumerate()
            .map(|(i, part)| self.node(part, &format!("{pointer}/allOf/{i}")))
            .collect();
        if own_props {
            ids.push(self.own_object(schema, pointer));
        }
        Kind::Intersection(ids)
    }

    /// The `allOf` parts, nested `allOf`s flattened (a part's nested parts before its own keys),
    /// each with its pointer; `Ok(false)` when a part is not an object schema.
    fn flatten(
        &self,
        parts: &'a [Value],
        base: &str,
        into: &mut Vec<(&'a Value, String)>,
        depth: usize,
    ) -> Result<bool, String> {
        if depth > MAX_ALL_OF_DEPTH {
            return Err(format!(
                "allOf nests more than {MAX_ALL_OF_DEPTH} levels deep"
            ));
        }
        let mut all = true;
        for (i, part) in parts.iter().enumerate() {
            let found = self
                .resolver
                .deref(part, &format!("{base}/{i}"))
                .map_err(|d| d.message)?;
            let value = found.value;
            let Value::Object(map) = value else {
                all = false;
                continue;
            };
            let objectish = match map.get("type").and_then(Value::as_str) {
                Some(t) => t == "object",
                None => true,
            };
            all &= objectish && map.keys().all(|k| MERGEABLE.contains(&k.as_str()));
            if let Some(Value::Array(inner)) = map.get("allOf") {
                let inner_base = join_pointer(&found.pointer, "allOf");
                all &= self.flatten(inner, &inner_base, into, depth + 1)?;
            }
            into.push((value, found.pointer));
        }
        Ok(all)
    }

    fn union(
        &mut self,
        map: &'a Map<String, Value>,
        keyword: &str,
        members: &'a [Value],
        base: &str,
        owner: Id,
    ) -> Kind {
        let keyword = if keyword == "oneOf" { "oneOf" } else { "anyOf" };
        let mut ids = Vec::new();
        let mut nullable = false;
        for (i, member) in members.iter().enumerate() {
            let member_pointer = format!("{base}/{i}");
            let target = self
                .resolver
                .deref(member, &member_pointer)
                .map(|n| n.value)
                .unwrap_or(member);
            if is_null_schema(target) {
                nullable = true;
            } else {
                ids.push((member, self.node(member, &member_pointer)));
            }
        }
        if nullable {
            self.nodes[owner].nullable = true;
        }
        let discriminator = map.get("discriminator");
        match ids.len() {
            0 => return Kind::Any,
            1 => return Kind::Alias(ids[0].1),
            _ => {}
        }
        if discriminator.is_none() {
            if let Some(values) = self.enum_of_enums(&ids) {
                self.nodes[owner].declared_type = Some(Value::String("string".into()));
                return Kind::Enum(values);
            }
        }
        let tagging = discriminator.and_then(|d| self.tagging(d, &ids));
        Kind::Union(Union {
            keyword,
            members: ids.into_iter().map(|(_, id)| id).collect(),
            tagging,
        })
    }

    /// The values of a union whose members are all string enums: one enum of them all
    /// (drf-spectacular's `oneOf: [StatusEnum, BlankEnum, NullEnum]`).
    fn enum_of_enums(&self, members: &[(&Value, Id)]) -> Option<Vec<Value>> {
        let mut values: Vec<Value> = Vec::new();
        for (_, id) in members {
            let Kind::Enum(member_values) = &self.nodes[self.target(*id)].kind else {
                return None;
            };
            if !member_values.iter().all(Value::is_string) {
                return None;
            }
            for value in member_values {
                if !values.contains(value) {
                    values.push(value.clone());
                }
            }
        }
        Some(values)
    }

    /// How a discriminated union picks its member, when the discriminator's property is part
    /// of the members' data; `None` (untagged) when a member is not a `$ref` to an object, a
    /// tag value would select two members, or no member declares the property: then it sits
    /// beside the union in the parent (drf-spectacular's polymorphic proxy), not in the value.
    fn tagging(&self, discriminator: &Value, members: &[(&Value, Id)]) -> Option<Tagging> {
        let tag = discriminator.get("propertyName")?.as_str()?;
        let mapping: Vec<(&str, &str)> = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
                    .collect()
            })
            .unwrap_or_default();
        let mut declared = false;
        let mut seen = Vec::new();
        let mut variants = Vec::new();
        for (raw, id) in members {
            let reference = ref_of(raw)?;
            let Kind::Object(object) = &self.nodes[self.target(*id)].kind else {
                return None;
            };
            // A read-only tag still picks the member: the discriminator says it is in the data.
            declared |= object.properties.iter().any(|p| p.name == tag)
                || object.dropped.iter().any(|d| d == tag);
            let schema_name = reference.rsplit('/').next().unwrap_or(reference).to_owned();
            // Mapping values are `$ref`s or bare schema names; with no entry the name is the value.
            let mut values: Vec<String> = mapping
                .iter()
                .filter(|(_, target)| *target == reference || *target == schema_name)
                .map(|(value, _)| (*value).to_owned())
                .collect();
            if values.is_empty() {
                values.push(schema_name.clone());
            }
            if values.iter().any(|v| seen.contains(v)) {
                return None;
            }
            seen.extend(values.iter().cloned());
            variants.push(TagVariant {
                member: *id,
                schema_name,
                values,
            });
        }
        declared.then(|| Tagging {
            tag: tag.to_owned(),
            variants,
        })
    }
}

/// Schemas that only admit `null`: `{type: "null"}` or `{enum: [null]}` (drf's `NullEnum`).
fn is_null_schema(schema: &Value) -> bool {
    if schema.get("type").and_then(Value::as_str) == Some("null") {
        return true;
    }
    matches!(schema.get("enum"), Some(Value::Array(v)) if !v.is_empty() && v.iter().all(Value::is_null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn normalized(doc: &Value, pointer: &str) -> (Normalizer<'static>, Id) {
        let doc: &'static Value = Box::leak(Box::new(doc.clone()));
        let resolver = Resolver::new(doc);
        let mut ir = Normalizer::new(resolver, Context::Input);
        let schema = resolver.get(pointer).expect("the pointer exists");
        let id = ir.node(schema, pointer);
        (ir, id)
    }

    #[test]
    fn a_discriminator_whose_property_sits_beside_the_union_is_untagged() {
        // drf-spectacular's polymorphic proxy: `provider_model` is the parent's, not the members'.
        let doc = json!({"components": {"schemas": {
            "Apple": {"type": "object", "properties": {"team": {"type": "string"}}, "additionalProperties": false},
            "Saml": {"type": "object", "properties": {"acs": {"type": "string"}}},
            "Model": {"oneOf": [{"$ref": "#/components/schemas/Apple"}, {"$ref": "#/components/schemas/Saml"}],
                "discriminator": {"propertyName": "provider_model", "mapping": {
                    "apple": "#/components/schemas/Apple", "saml": "#/components/schemas/Saml"}}}
        }}});
        let (ir, id) = normalized(&doc, "#/components/schemas/Model");
        let Kind::Union(union) = &ir.get(id).kind else {
            panic!("a union")
        };
        assert!(union.tagging.is_none(), "no member carries provider_model");
    }

    #[test]
    fn a_read_only_tag_still_tags_and_enums_of_enums_merge() {
        let doc = json!({"components": {"schemas": {
            "Legal": {"type": "object", "properties": {"type": {"type": "string", "readOnly": true}, "name": {"type": "string"}}},
            "Natural": {"type": "object", "properties": {"type": {"type": "string", "readOnly": true}}},
            "Person": {"oneOf": [{"$ref": "#/components/schemas/Legal"}, {"$ref": "#/components/schemas/Natural"}],
                "discriminator": {"propertyName": "type", "mapping": {"legal": "#/components/schemas/Legal", "natural": "#/components/schemas/Natural"}}},
            "Status": {"nullable": true, "oneOf": [{"enum": ["a"]}, {"enum": [""]}, {"enum": [null]}]}
        }}});
        let (ir, id) = normalized(&doc, "#/components/schemas/Person");
        let Kind::Union(union) = &ir.get(id).kind else {
            panic!("a union")
        };
        let tagging = union.tagging.as_ref().expect("tagged by `type`");
        assert_eq!(tagging.variants[0].values, ["legal"]);
        let (ir, id) = normalized(&doc, "#/components/schemas/Status");
        assert!(matches!(&ir.get(id).kind, Kind::Enum(v) if v == &[json!("a"), json!("")]));
        assert!(ir.get(id).nullable);
    }

    #[test]
    fn all_of_parts_merge_in_order_with_required_and_read_only_dropped() {
        let doc = json!({"components": {"schemas": {
            "Base": {"type": "object", "description": "Base.", "properties": {
                "id": {"type": "integer", "readOnly": true}, "name": {"type": "string"}}, "required": ["id", "name"]},
            "Item": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"required": ["sku"], "properties": {"sku": {"type": "string"}}}]}
        }}});
        let (ir, id) = normalized(&doc, "#/components/schemas/Item");
        let Kind::Object(object) = &ir.get(id).kind else {
            panic!("merged into an object")
        };
        let names: Vec<&str> = object.properties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["name", "sku"]);
        assert_eq!(object.required, ["name", "sku"]);
        assert_eq!(ir.get(id).doc().as_deref(), Some("Base."));
    }
}
