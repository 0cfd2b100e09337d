//! Passes over the finished type graph: box what recursion needs boxed, drop tools whose types
//! could not all be built, and keep only the types some tool uses.

use std::collections::{BTreeMap, BTreeSet};

use super::{NamedType, Skipped, Tool, TypeKind, TypeRef};
use crate::diag::Diagnostic;

/// Boxes every struct field and union variant that leads back to its own type without passing
/// through a `Vec` or map, so recursive types have a finite size.
pub fn box_recursion(types: &mut [NamedType]) {
    let edges: BTreeMap<String, BTreeSet<String>> = types
        .iter()
        .map(|t| {
            let mut direct = BTreeSet::new();
            for ty in t.kind.members() {
                if let Some(n) = direct_named(ty) {
                    direct.insert(n.to_owned());
                }
            }
            (t.name.clone(), direct)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                if let Some(next) = edges.get(&n) {
                    stack.extend(next.iter().cloned());
                }
            }
        }
        false
    };
    for t in types.iter_mut() {
        let owner = t.name.clone();
        for ty in members_mut(&mut t.kind) {
            let target = direct_named(ty).map(str::to_owned);
            if let Some(target) = target {
                if reaches(&target, &owner) {
                    box_named(ty);
                }
            }
        }
    }
}

fn members_mut(kind: &mut TypeKind) -> Vec<&mut TypeRef> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
        TypeKind::Union { variants } => variants.iter_mut().map(|(_, t)| t).collect(),
        TypeKind::Tagged { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::Enum { .. } => Vec::new(),
    }
}

fn direct_named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Option(inner) => direct_named(inner),
        _ => None,
    }
}

fn box_named(ty: &mut TypeRef) {
    match ty {
        TypeRef::Option(inner) => box_named(inner),
        TypeRef::Named(_) => {
            let named = std::mem::replace(ty, TypeRef::Any);
            *ty = TypeRef::Boxed(Box::new(named));
        }
        _ => {}
    }
}

/// Safety net: a tool whose input reaches a type that was never built (a schema that failed
/// half-way through a recursive structure) is skipped rather than emitted as code that does not
/// compile.
pub fn drop_tools_with_missing_types(
    tools: &mut Vec<Tool>,
    types: &[NamedType],
    skipped: &mut Vec<Skipped>,
    diags: &mut Vec<Diagnostic>,
) {
    let by_name: BTreeMap<&str, &NamedType> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    tools.retain(
        |tool| match type_closure(std::slice::from_ref(tool), &by_name) {
            Ok(_) => true,
            Err(name) => {
                let operation = format!("{} {}", tool.method, tool.path);
                let reason = format!(
                    "its input uses the schema behind type `{name}`, which could not be built"
                );
                diags.push(Diagnostic::warning(
                    tool.pointer.clone(),
                    format!("skipped {operation}: {reason}"),
                ));
                skipped.push(Skipped {
                    operation,
                    reason,
                    filtered: false,
                });
                false
            }
        },
    );
}

/// Keeps only the types some tool's input uses (skipped operations may have built others).
pub fn reachable(types: Vec<NamedType>, tools: &[Tool]) -> Vec<NamedType> {
    let by_name: BTreeMap<&str, &NamedType> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    // Tools whose closure is incomplete were dropped before this runs.
    let keep = type_closure(tools, &by_name).unwrap_or_default();
    types
        .into_iter()
        .filter(|t| keep.contains(&t.name))
        .collect()
}

/// Names of every type the inputs of `tools` reach; `Err` names the first one that is missing.
fn type_closure(
    tools: &[Tool],
    by_name: &BTreeMap<&str, &NamedType>,
) -> Result<BTreeSet<String>, String> {
    let mut stack = Vec::new();
    for tool in tools {
        for ty in tool
            .args
            .iter()
            .map(|a| &a.ty)
            .chain(tool.body.iter().map(|b| &b.ty))
        {
            named_in(ty, &mut stack);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if seen.contains(&name) {
            continue;
        }
        let t = by_name.get(name.as_str()).ok_or_else(|| name.clone())?;
        for ty in t.kind.members() {
            named_in(ty, &mut stack);
        }
        if let TypeKind::Struct {
            extra: Some(extra), ..
        } = &t.kind
        {
            named_in(extra, &mut stack);
        }
        seen.insert(name);
    }
    Ok(seen)
}

fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::List(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => named_in(inner, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;

    fn structure(name: &str, fields: &[(&str, TypeRef)]) -> NamedType {
        NamedType {
            name: name.to_owned(),
            doc: String::new(),
            kind: TypeKind::Struct {
                fields: fields
                    .iter()
                    .map(|(wire, ty)| Field {
                        wire: (*wire).to_owned(),
                        ident: (*wire).to_owned(),
                        ty: ty.clone(),
                        required: false,
                        doc: String::new(),
                    })
                    .collect(),
                extra: None,
            },
        }
    }

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(name.to_owned())
    }

    #[test]
    fn recursion_is_boxed_where_it_is_direct_only() {
        let mut types = vec![
            structure(
                "Node",
                &[
                    ("parent", named("Node").optional()),
                    ("children", TypeRef::List(Box::new(named("Node")))),
                ],
            ),
            structure("Leaf", &[("node", named("Node"))]),
        ];
        box_recursion(&mut types);
        let TypeKind::Struct { fields, .. } = &types[0].kind else {
            unreachable!()
        };
        assert_eq!(
            fields[0].ty,
            TypeRef::Option(Box::new(TypeRef::Boxed(Box::new(named("Node")))))
        );
        assert_eq!(
            fields[1].ty,
            TypeRef::List(Box::new(named("Node"))),
            "a Vec already has a finite size"
        );
        let TypeKind::Struct { fields, .. } = &types[1].kind else {
            unreachable!()
        };
        assert_eq!(fields[0].ty, named("Node"), "Leaf is not part of the cycle");
    }
}
