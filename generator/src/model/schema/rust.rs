//! The normalised graph → Rust types for tool inputs.
//!
//! A node becomes one type however often it is used, and an inline schema written out again
//! word for word elsewhere (Stripe repeats its `created` range filter in 53 operations) is the
//! same type too: inline schemas are also keyed by their JSON text. Such a type is named after
//! the schema's `title` when it has one and no component has that name, else after its first
//! use. Structs are named before their fields are built, which is what lets recursive schemas
//! terminate; recursion through anything but a struct has no Rust type and is reported.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::{Additional, Id, Kind, Normalizer, Object, Union};
use crate::model::naming;
use crate::model::{Field, NamedType, TaggedVariant, TypeKind, TypeRef};
use crate::resolve::{component_name, Resolver};

/// A schema the generator cannot turn into a Rust type; the operation using it is skipped.
#[derive(Debug, Clone)]
pub struct Unsupported {
    /// Where in the spec.
    pub pointer: String,
    /// Why.
    pub reason: String,
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

/// Builds and remembers named types.
#[derive(Debug)]
pub struct TypeBuilder {
    types: BTreeMap<String, NamedType>,
    /// Names claimed for nodes (and twins); a type being built is here before it is finished.
    by_node: HashMap<String, String>,
    /// Finished types by node.
    built: HashMap<Id, TypeRef>,
    /// Finished types by the JSON text of the schema (nameable inline schemas only).
    by_content: HashMap<String, TypeRef>,
    names: HashSet<String>,
    /// The Rust names of `components.schemas`: an inline schema's title never takes one, so
    /// a component keeps its name whichever is met first.
    component_names: HashSet<String>,
    expanding: Vec<Id>,
    failed: HashMap<Id, Unsupported>,
}

impl TypeBuilder {
    /// An empty builder for the document of `resolver`.
    pub fn new(resolver: &Resolver<'_>) -> Self {
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
            types: BTreeMap::new(),
            by_node: HashMap::new(),
            built: HashMap::new(),
            by_content: HashMap::new(),
            names: RESERVED.iter().map(|n| (*n).to_owned()).collect(),
            component_names,
            expanding: Vec::new(),
            failed: HashMap::new(),
        }
    }

    /// All named types built so far, sorted by name.
    pub fn into_types(self) -> Vec<NamedType> {
        self.types.into_values().collect()
    }

    /// The Rust type of node `id`; `hint` names it if it needs a name and has none.
    pub fn type_of(
        &mut self,
        ir: &Normalizer<'_>,
        id: Id,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        let node = ir.get(id);
        let nullable = node.nullable;
        if let Kind::Alias(target) = node.kind {
            let hint = ir
                .get(target)
                .component
                .clone()
                .unwrap_or_else(|| hint.to_owned());
            let ty = self.type_of(ir, target, &hint)?;
            return Ok(if nullable { ty.optional() } else { ty });
        }
        if let Some(failure) = self.failed.get(&id) {
            return Err(failure.clone());
        }
        // The JSON text is only needed when the node itself has not been built.
        let content = if self.built.contains_key(&id) {
            None
        } else {
            content_key(node.raw, &node.pointer)
        };
        let known = self
            .built
            .get(&id)
            .or_else(|| content.as_ref().and_then(|key| self.by_content.get(key)))
            .cloned()
            // Still being built: a recursive use, by the name it will have.
            .or_else(|| self.by_node.get(&node_key(id)).cloned().map(TypeRef::Named));
        let ty = match known {
            Some(ty) => ty,
            None => {
                if self.expanding.contains(&id) {
                    return Err(Unsupported {
                        pointer: node.pointer.clone(),
                        reason: "the schema is recursive through something other than an object \
                                 (e.g. an array of itself), which has no Rust type here"
                            .to_owned(),
                    });
                }
                let component = node.component.as_deref();
                let title = node.keyword("title").and_then(Value::as_str).filter(|t| {
                    !self
                        .component_names
                        .contains(&naming::pascal_ident(t, "Type"))
                });
                let hint = match (component, &content, title) {
                    (Some(name), _, _) => name,
                    (None, Some(_), Some(title)) => title,
                    _ => hint,
                };
                self.expanding.push(id);
                let shaped = self.shape(ir, id, hint);
                self.expanding.pop();
                if let Err(failure) = &shaped {
                    // Forget the half-built type so no later use can name it, and fail the same way.
                    if let Some(name) = self.by_node.remove(&node_key(id)) {
                        self.types.remove(&name);
                    }
                    self.failed.insert(id, failure.clone());
                }
                let ty = shaped?;
                self.built.insert(id, ty.clone());
                if let Some(key) = content {
                    self.by_content.insert(key, ty.clone());
                }
                ty
            }
        };
        Ok(if nullable { ty.optional() } else { ty })
    }

    fn shape(&mut self, ir: &Normalizer<'_>, id: Id, hint: &str) -> Result<TypeRef, Unsupported> {
        let node = ir.get(id);
        Ok(match &node.kind {
            Kind::Any | Kind::Intersection(_) => TypeRef::Any,
            Kind::Alias(target) => self.type_of(ir, *target, hint)?,
            Kind::Broken(reason) => {
                return Err(Unsupported {
                    pointer: node.pointer.clone(),
                    reason: reason.clone(),
                })
            }
            Kind::Bool => TypeRef::Bool,
            Kind::Integer { int32: true } => TypeRef::I32,
            Kind::Integer { int32: false } => TypeRef::I64,
            Kind::Number => TypeRef::F64,
            Kind::String => TypeRef::String,
            Kind::Enum(values) => self.enumeration(id, values, node.doc(), hint),
            Kind::Array(None) => TypeRef::List(Box::new(TypeRef::Any)),
            Kind::Array(Some(items)) => {
                let item = self.type_of(ir, *items, &format!("{hint}Item"))?;
                TypeRef::List(Box::new(item))
            }
            Kind::Object(object) => self.object(ir, id, object, hint)?,
            Kind::Union(union) => self.union(ir, id, union, hint)?,
        })
    }

    fn object(
        &mut self,
        ir: &Normalizer<'_>,
        id: Id,
        object: &Object,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        if object.properties.is_empty() {
            return Ok(match object.additional {
                Additional::Typed(extra) => {
                    let item = self.type_of(ir, extra, &format!("{hint}Value"))?;
                    TypeRef::Map(Box::new(item))
                }
                _ => TypeRef::Object,
            });
        }
        let name = self.claim_name(&node_key(id), hint);
        let mut fields = Vec::new();
        let mut idents = HashSet::new();
        for property in &object.properties {
            let field_hint = format!("{name}{}", naming::pascal_ident(&property.name, "Field"));
            let ty = self.type_of(ir, property.node, &field_hint)?;
            let ty = if property.required { ty } else { ty.optional() };
            let ident =
                naming::unique(naming::snake_ident(&property.name), &mut idents, usize::MAX);
            fields.push(Field {
                wire: property.name.clone(),
                ident,
                ty,
                required: property.required,
                doc: doc_of(ir, property.node),
            });
        }
        let extra = match object.additional {
            Additional::Any => Some(TypeRef::Any),
            Additional::Typed(extra) => Some(self.type_of(ir, extra, &format!("{name}Value"))?),
            Additional::Unspecified | Additional::Forbidden => None,
        };
        self.types.insert(
            name.clone(),
            NamedType {
                name: name.clone(),
                doc: ir.get(id).doc().unwrap_or_default(),
                kind: TypeKind::Struct { fields, extra },
            },
        );
        Ok(TypeRef::Named(name))
    }

    fn union(
        &mut self,
        ir: &Normalizer<'_>,
        id: Id,
        union: &Union,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        let name = self.claim_name(&node_key(id), hint);
        if let Some(kind) = self.tagged(ir, union, &name)? {
            self.types.insert(
                name.clone(),
                NamedType {
                    name: name.clone(),
                    doc: ir.get(id).doc().unwrap_or_default(),
                    kind,
                },
            );
            return Ok(TypeRef::Named(name));
        }
        self.untagged(ir, &union.members, &name)
    }

    /// An untagged enum of the members; "any value" when one of them is free-form.
    fn untagged(
        &mut self,
        ir: &Normalizer<'_>,
        members: &[Id],
        name: &str,
    ) -> Result<TypeRef, Unsupported> {
        let mut variants: Vec<(String, TypeRef)> = Vec::new();
        let mut idents = HashSet::new();
        for (i, member) in members.iter().enumerate() {
            let ty = self.type_of(ir, *member, &format!("{name}Variant{}", i + 1))?;
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

    /// A discriminated union as an internally tagged enum: one variant per tag value, holding
    /// the member's struct without the tag property (serde takes the tag out before it reads the
    /// variant, and writes it back when the value is serialized). `None` (an untagged enum
    /// instead) when the union has no tagging or a member's struct is not built yet (recursion).
    fn tagged(
        &mut self,
        ir: &Normalizer<'_>,
        union: &Union,
        name: &str,
    ) -> Result<Option<TypeKind>, Unsupported> {
        let Some(tagging) = &union.tagging else {
            return Ok(None);
        };
        let tag = &tagging.tag;
        let mut idents = HashSet::new();
        let mut variants = Vec::new();
        for variant in &tagging.variants {
            let ty = self.type_of(ir, variant.member, &variant.schema_name)?;
            let TypeRef::Named(member_name) = &ty else {
                return Ok(None);
            };
            let Some(NamedType {
                kind: TypeKind::Struct { fields, extra },
                doc,
                ..
            }) = self.types.get(member_name).cloned()
            else {
                return Ok(None);
            };
            let payload = if fields.iter().any(|f| &f.wire == tag) {
                let twin = self.claim_name(
                    &format!("{}#without-{tag}", ir.get(variant.member).pointer),
                    &format!(
                        "{name}{}",
                        naming::pascal_ident(&variant.schema_name, "Variant")
                    ),
                );
                let fields = fields.into_iter().filter(|f| &f.wire != tag).collect();
                let doc = format!(
                    "`{}` without `{tag}`, which [`{name}`] carries as its tag.{}{doc}",
                    variant.schema_name,
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
            for value in &variant.values {
                variants.push(TaggedVariant {
                    ident: naming::unique_pascal(
                        naming::pascal_ident(value, "Variant"),
                        &mut idents,
                    ),
                    value: value.clone(),
                    ty: payload.clone(),
                });
            }
        }
        Ok(Some(TypeKind::Tagged {
            tag: tag.clone(),
            variants,
        }))
    }

    fn enumeration(
        &mut self,
        id: Id,
        values: &[Value],
        doc: Option<String>,
        hint: &str,
    ) -> TypeRef {
        if values.is_empty() {
            TypeRef::Any
        } else if values.iter().all(Value::is_string) {
            let name = self.claim_name(&node_key(id), hint);
            let mut idents = HashSet::new();
            // Duplicate values (seen in real specs) would be unreachable serde arms.
            let mut seen = HashSet::new();
            let variants = values
                .iter()
                .filter_map(Value::as_str)
                .filter(|wire| seen.insert(*wire))
                .map(|wire| {
                    (
                        naming::unique_pascal(naming::pascal_ident(wire, "Empty"), &mut idents),
                        wire.to_owned(),
                    )
                })
                .collect();
            self.types.insert(
                name.clone(),
                NamedType {
                    name: name.clone(),
                    doc: doc.unwrap_or_default(),
                    kind: TypeKind::Enum { variants },
                },
            );
            TypeRef::Named(name)
        } else if values.iter().all(|v| v.is_i64() || v.is_u64()) {
            TypeRef::I64
        } else if values.iter().all(Value::is_number) {
            TypeRef::F64
        } else if values.iter().all(Value::is_boolean) {
            TypeRef::Bool
        } else {
            TypeRef::Any
        }
    }

    /// The struct of a `multipart/form-data` body (the object node `id`): its `files` fields are
    /// file arguments (one, or a list of them), the others typed as usual.
    pub fn form_struct(
        &mut self,
        ir: &Normalizer<'_>,
        id: Id,
        files: &[String],
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        let target = ir.target(id);
        let Kind::Object(object) = &ir.get(target).kind else {
            return self.type_of(ir, id, hint);
        };
        let name = self.claim_name(&format!("{}#form", ir.get(target).pointer), hint);
        let mut fields = Vec::new();
        let mut idents = HashSet::new();
        for property in &object.properties {
            let ty = if files.contains(&property.name) {
                match ir.get(ir.target(property.node)).kind {
                    Kind::Array(_) => TypeRef::List(Box::new(TypeRef::File)),
                    _ => TypeRef::File,
                }
            } else {
                let field_hint = format!("{name}{}", naming::pascal_ident(&property.name, "Field"));
                self.type_of(ir, property.node, &field_hint)?
            };
            let ty = if property.required { ty } else { ty.optional() };
            fields.push(Field {
                wire: property.name.clone(),
                ident: naming::unique(naming::snake_ident(&property.name), &mut idents, usize::MAX),
                ty,
                required: property.required,
                doc: doc_of(ir, property.node),
            });
        }
        let doc = ir.get(target).doc().unwrap_or_default();
        self.types.insert(
            name.clone(),
            NamedType {
                name: name.clone(),
                doc,
                kind: TypeKind::Struct {
                    fields,
                    extra: None,
                },
            },
        );
        Ok(TypeRef::Named(name))
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
                if let Some(existing) = self.by_node.get(&key) {
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

    /// The Rust name for `key` (a node, or a twin of one), made unique and remembered.
    fn claim_name(&mut self, key: &str, hint: &str) -> String {
        if let Some(name) = self.by_node.get(key) {
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
        self.by_node.insert(key.to_owned(), name.clone());
        name
    }
}

/// The key a node's claimed name is kept under.
fn node_key(id: Id) -> String {
    format!("node:{id}")
}

/// The doc comment of a use of node `id`: its own description or title, else its target's.
pub fn doc_of(ir: &Normalizer<'_>, id: Id) -> String {
    ir.get(id)
        .doc()
        .or_else(|| ir.get(ir.target(id)).doc())
        .unwrap_or_default()
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
    if !nameable || component_name(pointer).is_some() {
        return None;
    }
    // Serializing a `Value` cannot fail; keys keep the spec's order.
    serde_json::to_string(schema).ok()
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
        TypeRef::File => "File".into(),
    }
}
