//! OpenAPI schemas → Rust types for tool inputs.
//!
//! Every type built here is a *request* type: `readOnly` properties are left out. Components and
//! inline objects are keyed by their pointer, so a schema used twice is one Rust type. Objects are
//! registered before their fields are built, which is what lets recursive schemas terminate;
//! recursion through anything but a named type is reported as unsupported.
//!
//! An inline schema written out again word for word elsewhere (Stripe repeats its `created`
//! range filter in 53 operations) is the same type too: inline schemas are also keyed by their
//! JSON text, so the generated crate has, and compiles, one struct instead of 53. Such a type is
//! named after the schema's `title` when it has one and no component has that name, else after
//! its first use.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::naming;
use super::{Field, NamedType, TaggedVariant, TypeKind, TypeRef};
use crate::diag::join_pointer;
use crate::resolve::{ref_of, Resolver};

/// A schema the generator cannot turn into a Rust type; the operation using it is skipped.
#[derive(Debug, Clone)]
pub struct Unsupported {
    /// Where in the spec.
    pub pointer: String,
    /// Why.
    pub reason: String,
}

/// Builds and remembers named types.
#[derive(Debug)]
pub struct TypeBuilder<'a> {
    resolver: Resolver<'a>,
    types: BTreeMap<String, NamedType>,
    /// Names claimed for pointers; a type being built is here before it is finished.
    by_pointer: HashMap<String, String>,
    /// Finished types by pointer.
    built: HashMap<String, TypeRef>,
    /// Finished types by the JSON text of the schema (nameable schemas only).
    by_content: HashMap<String, TypeRef>,
    names: HashSet<String>,
    /// The Rust names of `components.schemas`: an inline schema's title never takes one, so
    /// a component keeps its name whichever is met first.
    component_names: HashSet<String>,
    expanding: Vec<String>,
    failed: HashMap<String, Unsupported>,
}

/// Whether a schema marks itself `readOnly` (directly, or on the schema a `$ref` points to).
pub fn is_read_only(resolver: &Resolver<'_>, schema: &Value, pointer: &str) -> bool {
    has_flag(resolver, schema, pointer, "readOnly")
}

/// Whether a schema carries the boolean `flag` (directly, or on the schema a `$ref` points to).
pub fn has_flag(resolver: &Resolver<'_>, schema: &Value, pointer: &str, flag: &str) -> bool {
    if schema.get(flag).and_then(Value::as_bool) == Some(true) {
        return true;
    }
    resolver
        .deref(schema, pointer)
        .map(|n| n.value.get(flag).and_then(Value::as_bool) == Some(true))
        .unwrap_or(false)
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
}

/// Names generated types never take: the generated files use these unqualified (the prelude's
/// `Option`, `String`, …; the imported `Value`, `Map`, `BTreeMap`, serde's derives), so a schema
/// called `Value` becomes `Value2`.
const RESERVED: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Value",
    "Map",
    "BTreeMap",
    "Serialize",
    "Deserialize",
];

impl<'a> TypeBuilder<'a> {
    /// An empty builder over the document of `resolver`.
    pub fn new(resolver: Resolver<'a>) -> Self {
        let component_names = resolver
            .get("#/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .keys()
                    .map(|name| naming::pascal_ident(name, "Type"))
                    .collect()
            })
            .unwrap_or_default();
        TypeBuilder {
            component_names,
            resolver,
            types: BTreeMap::new(),
            by_pointer: HashMap::new(),
            built: HashMap::new(),
            by_content: HashMap::new(),
            names: RESERVED.iter().map(|n| (*n).to_owned()).collect(),
            expanding: Vec::new(),
            failed: HashMap::new(),
        }
    }

    /// All named types built so far, sorted by name.
    pub fn into_types(self) -> Vec<NamedType> {
        self.types.into_values().collect()
    }

    /// The Rust type of `schema` found at `pointer`; `hint` names it if it needs a name.
    pub fn type_of(
        &mut self,
        schema: &'a Value,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        if ref_of(schema).is_some() {
            let node = self
                .resolver
                .deref(schema, pointer)
                .map_err(|d| Unsupported {
                    pointer: d.pointer.clone(),
                    reason: d.message.clone(),
                })?;
            let hint = node.component.clone().unwrap_or_else(|| hint.to_owned());
            let ty = self.type_at(node.value, &node.pointer, &hint)?;
            return Ok(if is_nullable(schema) {
                ty.optional()
            } else {
                ty
            });
        }
        self.type_at(schema, pointer, hint)
    }

    fn type_at(
        &mut self,
        schema: &'a Value,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        if let Some(failure) = self.failed.get(pointer) {
            return Err(failure.clone());
        }
        // The JSON text is only needed when the pointer itself has not been seen.
        let content = if self.built.contains_key(pointer) {
            None
        } else {
            content_key(schema, pointer)
        };
        let known = self
            .built
            .get(pointer)
            .or_else(|| {
                content
                    .as_ref()
                    .and_then(|key| self.by_content.get(key.as_str()))
            })
            .cloned()
            // Still being built: a recursive use, by the name it will have.
            .or_else(|| self.by_pointer.get(pointer).cloned().map(TypeRef::Named));
        let ty = match known {
            Some(ty) => ty,
            None => {
                if self.expanding.iter().any(|p| p == pointer) {
                    return Err(Unsupported {
                        pointer: pointer.to_owned(),
                        reason: "the schema is recursive through something other than an object \
                                 (e.g. an array of itself), which has no Rust type here"
                            .to_owned(),
                    });
                }
                let title = schema.get("title").and_then(Value::as_str).filter(|t| {
                    !self
                        .component_names
                        .contains(&naming::pascal_ident(t, "Type"))
                });
                let hint = match (&content, title) {
                    (Some(_), Some(title)) => title,
                    _ => hint,
                };
                self.expanding.push(pointer.to_owned());
                let shaped = self.shape(schema, pointer, hint);
                self.expanding.pop();
                if let Err(failure) = &shaped {
                    // Forget the half-built type so no later use can name it, and fail the same way.
                    if let Some(name) = self.by_pointer.remove(pointer) {
                        self.types.remove(&name);
                    }
                    self.failed.insert(pointer.to_owned(), failure.clone());
                }
                let ty = shaped?;
                self.built.insert(pointer.to_owned(), ty.clone());
                if let Some(key) = content {
                    self.by_content.insert(key, ty.clone());
                }
                ty
            }
        };
        Ok(if is_nullable(schema) {
            ty.optional()
        } else {
            ty
        })
    }

    fn shape(
        &mut self,
        schema: &'a Value,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        let Value::Object(map) = schema else {
            // `true` / `{}` style schemas: anything.
            return Ok(TypeRef::Any);
        };
        if let Some(Value::Array(parts)) = map.get("allOf") {
            return self.all_of(schema, parts, pointer, hint);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                if map.contains_key("properties") {
                    // Properties beside a union: no faithful Rust shape; the schema still says it.
                    return Ok(TypeRef::Any);
                }
                return self.union(schema, members, &join_pointer(pointer, key), pointer, hint);
            }
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            return Ok(self.enumeration(schema, values, pointer, hint));
        }
        let ty = map.get("type").and_then(Value::as_str);
        match ty {
            Some("string") => Ok(TypeRef::String),
            Some("integer") => Ok(match map.get("format").and_then(Value::as_str) {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            Some("number") => Ok(TypeRef::F64),
            Some("boolean") => Ok(TypeRef::Bool),
            Some("array") => self.array(schema, pointer, hint),
            Some("object") => self.object(schema, pointer, hint),
            None if map.contains_key("properties") => self.object(schema, pointer, hint),
            None if map.contains_key("items") => self.array(schema, pointer, hint),
            _ => Ok(TypeRef::Any),
        }
    }

    fn array(
        &mut self,
        schema: &'a Value,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        match schema.get("items") {
            Some(items) => {
                let item = self.type_of(
                    items,
                    &join_pointer(pointer, "items"),
                    &format!("{hint}Item"),
                )?;
                Ok(TypeRef::List(Box::new(item)))
            }
            None => Ok(TypeRef::List(Box::new(TypeRef::Any))),
        }
    }

    fn object(
        &mut self,
        schema: &'a Value,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        let mut parts = ObjectParts::default();
        parts.add(schema, pointer);
        self.struct_from(parts, schema, pointer, hint)
    }

    fn all_of(
        &mut self,
        schema: &'a Value,
        parts: &'a [Value],
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        let own_props = schema.get("properties").is_some();
        if parts.len() == 1 && !own_props {
            // `allOf: [X]` with siblings such as nullable/description: the type of X.
            return self.type_of(&parts[0], &format!("{pointer}/allOf/0"), hint);
        }
        let mut merged = ObjectParts::default();
        merged.add(schema, pointer);
        if !self.collect_all_of(parts, &format!("{pointer}/allOf"), &mut merged, 0)? {
            // Some part is not an object: no struct can hold the intersection.
            return Ok(TypeRef::Any);
        }
        self.struct_from(merged, schema, pointer, hint)
    }

    /// Gathers the properties of every part (following nested `allOf`); false when a part is not
    /// an object schema.
    fn collect_all_of(
        &self,
        parts: &'a [Value],
        base: &str,
        into: &mut ObjectParts<'a>,
        depth: usize,
    ) -> Result<bool, Unsupported> {
        if depth > 32 {
            return Err(Unsupported {
                pointer: base.to_owned(),
                reason: "allOf nests more than 32 levels deep".into(),
            });
        }
        for (i, part) in parts.iter().enumerate() {
            let node = self
                .resolver
                .deref(part, &format!("{base}/{i}"))
                .map_err(|d| Unsupported {
                    pointer: d.pointer.clone(),
                    reason: d.message.clone(),
                })?;
            let value = node.value;
            if let Some(Value::Array(inner)) = value.get("allOf") {
                into.add(value, &node.pointer);
                if !self.collect_all_of(
                    inner,
                    &join_pointer(&node.pointer, "allOf"),
                    into,
                    depth + 1,
                )? {
                    return Ok(false);
                }
                continue;
            }
            let ty = value.get("type").and_then(Value::as_str);
            let objectish =
                matches!(ty, Some("object")) || (ty.is_none() && value.get("properties").is_some());
            let empty = value.as_object().is_some_and(|m| {
                m.keys().all(|k| {
                    matches!(
                        k.as_str(),
                        "description"
                            | "title"
                            | "nullable"
                            | "readOnly"
                            | "writeOnly"
                            | "default"
                            | "example"
                            | "deprecated"
                    )
                })
            });
            if !objectish && !empty {
                return Ok(false);
            }
            into.add(value, &node.pointer);
        }
        Ok(true)
    }

    fn struct_from(
        &mut self,
        parts: ObjectParts<'a>,
        schema: &'a Value,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        if parts.properties.is_empty() {
            return Ok(match parts.additional {
                Some(Value::Bool(false)) => TypeRef::Object,
                Some(extra @ Value::Object(m)) if !m.is_empty() => {
                    let item =
                        self.type_of(extra, &parts.additional_pointer, &format!("{hint}Value"))?;
                    TypeRef::Map(Box::new(item))
                }
                _ => TypeRef::Object,
            });
        }
        let name = self.claim_name(pointer, hint);
        let mut fields = Vec::new();
        let mut idents = HashSet::new();
        for (wire, prop, prop_pointer) in &parts.properties {
            if is_read_only(&self.resolver, prop, prop_pointer) {
                continue;
            }
            let field_hint = format!("{name}{}", naming::pascal_ident(wire, "Field"));
            let ty = self.type_of(prop, prop_pointer, &field_hint)?;
            let required = parts.required.contains(wire.as_str());
            let ty = if required { ty } else { ty.optional() };
            let ident = naming::unique(naming::snake_ident(wire), &mut idents, usize::MAX);
            fields.push(Field {
                wire: wire.clone(),
                ident,
                ty,
                required,
                doc: doc_of(&self.resolver, prop, prop_pointer),
            });
        }
        let extra = match parts.additional {
            Some(Value::Bool(true)) => Some(TypeRef::Any),
            Some(Value::Object(m)) if m.is_empty() => Some(TypeRef::Any),
            Some(extra @ Value::Object(_)) => {
                Some(self.type_of(extra, &parts.additional_pointer, &format!("{name}Value"))?)
            }
            _ => None,
        };
        let doc = doc_of(&self.resolver, schema, pointer);
        self.types.insert(
            name.clone(),
            NamedType {
                name: name.clone(),
                doc,
                kind: TypeKind::Struct { fields, extra },
            },
        );
        Ok(TypeRef::Named(name))
    }

    fn union(
        &mut self,
        schema: &'a Value,
        members: &'a [Value],
        base: &str,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        let mut nullable = false;
        let mut kept = Vec::new();
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
                kept.push((member, member_pointer));
            }
        }
        let ty = match kept.len() {
            0 => TypeRef::Any,
            1 => self.type_of(kept[0].0, &kept[0].1, hint)?,
            _ if schema.get("discriminator").is_some() => {
                let name = self.claim_name(pointer, hint);
                match self.tagged(schema, &kept, &name)? {
                    Some(kind) => {
                        let doc = doc_of(&self.resolver, schema, pointer);
                        self.types.insert(
                            name.clone(),
                            NamedType {
                                name: name.clone(),
                                doc,
                                kind,
                            },
                        );
                        TypeRef::Named(name)
                    }
                    None => self.untagged(&kept, &name)?,
                }
            }
            _ => {
                let name = self.claim_name(pointer, hint);
                self.untagged(&kept, &name)?
            }
        };
        Ok(if nullable { ty.optional() } else { ty })
    }

    /// An untagged enum of the members; "any value" when one of them is free-form. The caller
    /// adds `Option` for a nullable union.
    fn untagged(
        &mut self,
        kept: &[(&'a Value, String)],
        name: &str,
    ) -> Result<TypeRef, Unsupported> {
        let mut variants: Vec<(String, TypeRef)> = Vec::new();
        let mut idents = HashSet::new();
        for (i, (member, member_pointer)) in kept.iter().enumerate() {
            let ty = self.type_of(member, member_pointer, &format!("{name}Variant{}", i + 1))?;
            if matches!(ty, TypeRef::Any | TypeRef::Object) {
                // A free-form member accepts everything: the union is just "any value".
                self.types.remove(name);
                return Ok(TypeRef::Any);
            }
            if variants.iter().any(|(_, t)| *t == ty) {
                continue;
            }
            let ident = naming::unique_pascal(variant_name(&ty), &mut idents);
            variants.push((ident, ty));
        }
        self.types.insert(
            name.to_owned(),
            NamedType {
                name: name.to_owned(),
                doc: String::new(),
                kind: TypeKind::Union { variants },
            },
        );
        Ok(TypeRef::Named(name.to_owned()))
    }

    /// A `oneOf`/`anyOf` with a `discriminator` as an internally tagged enum: one variant per
    /// member, chosen by the tag property's value. `None` (an untagged enum instead) unless every
    /// member is a `$ref` to an object: only then is there a struct for the variant to hold.
    ///
    /// serde takes the tag out before it reads the variant, so each variant holds a twin of the
    /// member's struct without the tag property (`PetCat` for `Cat` in `Pet`); the tag is written
    /// back when the value is serialized.
    fn tagged(
        &mut self,
        schema: &'a Value,
        kept: &[(&'a Value, String)],
        name: &str,
    ) -> Result<Option<TypeKind>, Unsupported> {
        let discriminator = &schema["discriminator"];
        let Some(tag) = discriminator.get("propertyName").and_then(Value::as_str) else {
            return Ok(None);
        };
        let mapping: Vec<(&str, &str)> = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
                    .collect()
            })
            .unwrap_or_default();
        let mut idents = HashSet::new();
        let mut seen_values = HashSet::new();
        let mut variants = Vec::new();
        for (member, member_pointer) in kept {
            let Some(reference) = ref_of(member) else {
                return Ok(None);
            };
            let schema_name = reference.rsplit('/').next().unwrap_or(reference);
            // Mapping values are `$ref`s or bare schema names; with no entry the name is the value.
            let mut values: Vec<String> = mapping
                .iter()
                .filter(|(_, target)| *target == reference || *target == schema_name)
                .map(|(value, _)| (*value).to_owned())
                .collect();
            if values.is_empty() {
                values.push(schema_name.to_owned());
            }
            values.retain(|v| seen_values.insert(v.clone()));
            if values.is_empty() {
                return Ok(None);
            }
            let ty = self.type_of(member, member_pointer, schema_name)?;
            let TypeRef::Named(member_name) = &ty else {
                return Ok(None);
            };
            let Some(NamedType {
                kind: TypeKind::Struct { fields, extra },
                doc,
                ..
            }) = self.types.get(member_name).cloned()
            else {
                // Not an object, or still being built (recursion): no struct to copy yet.
                return Ok(None);
            };
            let payload = if fields.iter().any(|f| f.wire == tag) {
                let twin = self.claim_name(
                    &format!("{member_pointer}#without-{tag}"),
                    &format!("{name}{}", naming::pascal_ident(schema_name, "Variant")),
                );
                let fields = fields.into_iter().filter(|f| f.wire != tag).collect();
                let doc = format!(
                    "`{schema_name}` without `{tag}`, which [`{name}`] carries as its tag.{}{doc}",
                    if doc.is_empty() { "" } else { "\n\n" }
                );
                self.types.insert(
                    twin.clone(),
                    NamedType {
                        name: twin.clone(),
                        doc,
                        kind: TypeKind::Struct { fields, extra },
                    },
                );
                TypeRef::Named(twin)
            } else {
                ty.clone()
            };
            // One variant per tag value, so the value the caller chose is the one sent.
            for value in values {
                variants.push(TaggedVariant {
                    ident: naming::unique_pascal(
                        naming::pascal_ident(&value, "Variant"),
                        &mut idents,
                    ),
                    value,
                    ty: payload.clone(),
                });
            }
        }
        Ok(Some(TypeKind::Tagged {
            tag: tag.to_owned(),
            variants,
        }))
    }

    fn enumeration(
        &mut self,
        schema: &'a Value,
        values: &'a [Value],
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        let nullable = values.iter().any(Value::is_null);
        let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        let ty = if non_null.is_empty() {
            TypeRef::Any
        } else if non_null.iter().all(|v| v.is_string()) {
            let name = self.claim_name(pointer, hint);
            let mut idents = HashSet::new();
            // Duplicate values (seen in real specs) would be unreachable serde arms.
            let mut seen = HashSet::new();
            let variants = non_null
                .iter()
                .filter_map(|v| v.as_str())
                .filter(|wire| seen.insert(*wire))
                .map(|wire| {
                    (
                        naming::unique_pascal(naming::pascal_ident(wire, "Empty"), &mut idents),
                        wire.to_owned(),
                    )
                })
                .collect();
            let doc = doc_of(&self.resolver, schema, pointer);
            self.types.insert(
                name.clone(),
                NamedType {
                    name: name.clone(),
                    doc,
                    kind: TypeKind::Enum { variants },
                },
            );
            TypeRef::Named(name)
        } else if non_null.iter().all(|v| v.is_i64() || v.is_u64()) {
            TypeRef::I64
        } else if non_null.iter().all(|v| v.is_number()) {
            TypeRef::F64
        } else if non_null.iter().all(|v| v.is_boolean()) {
            TypeRef::Bool
        } else {
            TypeRef::Any
        };
        if nullable {
            ty.optional()
        } else {
            ty
        }
    }

    /// The PATCH form of a body type: a struct with required fields gets a `Patched…` twin whose
    /// fields are all optional (drf-spectacular already writes `Patched*Request`; other specs
    /// often reuse the PUT schema).
    pub fn patched(&mut self, ty: TypeRef) -> TypeRef {
        match ty {
            TypeRef::Option(inner) => self.patched(*inner).optional(),
            TypeRef::Named(name) => {
                let Some(NamedType {
                    kind: TypeKind::Struct { fields, extra },
                    doc,
                    ..
                }) = self.types.get(&name).cloned()
                else {
                    return TypeRef::Named(name);
                };
                if fields.iter().all(|f| !f.required) {
                    return TypeRef::Named(name);
                }
                let key = format!("patched:{name}");
                if let Some(existing) = self.by_pointer.get(&key) {
                    return TypeRef::Named(existing.clone());
                }
                let patched_name = self.claim_name(&key, &format!("Patched{name}"));
                let fields = fields
                    .into_iter()
                    .map(|f| Field {
                        ty: f.ty.optional(),
                        required: false,
                        ..f
                    })
                    .collect();
                let doc =
                    format!("{doc}\n\nAll fields optional: the body of a partial update (PATCH).")
                        .trim()
                        .to_owned();
                self.types.insert(
                    patched_name.clone(),
                    NamedType {
                        name: patched_name.clone(),
                        doc,
                        kind: TypeKind::Struct { fields, extra },
                    },
                );
                TypeRef::Named(patched_name)
            }
            other => other,
        }
    }

    /// The Rust name for the type at `pointer`, made unique and remembered.
    fn claim_name(&mut self, pointer: &str, hint: &str) -> String {
        if let Some(name) = self.by_pointer.get(pointer) {
            return name.clone();
        }
        let base = naming::pascal_ident(hint, "Type");
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        self.by_pointer.insert(pointer.to_owned(), name.clone());
        name
    }
}

/// The JSON text of an inline schema that becomes a named type (an object with properties, an
/// enum, a union or an `allOf`), as the key that makes repeats of it one type; `None` for
/// components, which keep their own names even when two are alike, and for schemas whose type
/// is unnamed (`string`, an array of a named type, …), which cost nothing to repeat.
fn content_key(schema: &Value, pointer: &str) -> Option<String> {
    let map = schema.as_object()?;
    let nameable = ["properties", "enum", "oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| map.contains_key(*k));
    if !nameable || crate::resolve::component_name(pointer).is_some() {
        return None;
    }
    // Serializing a `Value` cannot fail; keys keep the spec's order.
    serde_json::to_string(schema).ok()
}

/// Schemas that only admit `null`: `{type: "null"}` or `{enum: [null]}` (drf's `NullEnum`).
fn is_null_schema(schema: &Value) -> bool {
    if schema.get("type").and_then(Value::as_str) == Some("null") {
        return true;
    }
    matches!(schema.get("enum"), Some(Value::Array(v)) if !v.is_empty() && v.iter().all(Value::is_null))
}

fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F64 => "Number".into(),
        TypeRef::Bool => "Boolean".into(),
        TypeRef::List(_) => "List".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => variant_name(inner),
        TypeRef::Any | TypeRef::Object => "Value".into(),
    }
}

/// The description (or title) of a schema, following a `$ref` when the schema itself has none.
pub fn doc_of(resolver: &Resolver<'_>, schema: &Value, pointer: &str) -> String {
    let own = |v: &Value| {
        v.get("description")
            .or_else(|| v.get("title"))
            .and_then(Value::as_str)
            .map(|s| s.trim().to_owned())
    };
    own(schema)
        .or_else(|| {
            resolver
                .deref(schema, pointer)
                .ok()
                .and_then(|n| own(n.value))
        })
        .unwrap_or_default()
}

/// Properties, required names and `additionalProperties` gathered from one or more schemas.
#[derive(Default)]
struct ObjectParts<'a> {
    properties: Vec<(String, &'a Value, String)>,
    required: HashSet<String>,
    additional: Option<&'a Value>,
    additional_pointer: String,
}

impl<'a> ObjectParts<'a> {
    fn add(&mut self, schema: &'a Value, pointer: &str) {
        if let Some(Value::Object(props)) = schema.get("properties") {
            let base = join_pointer(pointer, "properties");
            for (name, prop) in props {
                let prop_pointer = join_pointer(&base, name);
                if let Some(existing) = self.properties.iter_mut().find(|(n, _, _)| n == name) {
                    *existing = (name.clone(), prop, prop_pointer);
                } else {
                    self.properties.push((name.clone(), prop, prop_pointer));
                }
            }
        }
        if let Some(Value::Array(required)) = schema.get("required") {
            self.required
                .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if let Some(additional) = schema.get("additionalProperties") {
            self.additional = Some(additional);
            self.additional_pointer = join_pointer(pointer, "additionalProperties");
        }
    }
}
