//! The server as one Rust source for a build script's `OUT_DIR`: `pub mod api {…}` with every
//! file of the crate layout's `src/api/` inlined as a module block, so the user's crate can bring
//! it in with `spec2mcp_runtime::include_server!`. The runtime is a dependency, not part of it;
//! the generated code reaches it and its own types through paths that resolve the same way in
//! both layouts (`spec2mcp_runtime::…`, `super::super::types`).

use std::collections::BTreeMap;

use quote::quote;

use super::rust::{ident, parse, unparse};
use super::{ops, table, types, CrateInfo, EmitError};
use crate::model::Api;

/// The single-file module.
pub fn module_file(api: &Api, info: &CrateInfo) -> Result<String, EmitError> {
    let mut ops_children = BTreeMap::new();
    for tool in &api.tools {
        ops_children.insert(tool.module.clone(), parse(ops::op_file(tool)?)?);
    }
    let ops_file = inline_children(parse(table::ops_mod(api)?)?, &mut ops_children)?;
    let mut api_children = BTreeMap::new();
    api_children.insert("ops".to_owned(), ops_file);
    api_children.insert("types".to_owned(), parse(types::types_file(api)?)?);
    let api_file = inline_children(
        parse(table::api_mod(api, &info.package, &info.env_prefix)?)?,
        &mut api_children,
    )?;
    let api_mod = module_item("api", api_file)?;
    let file = parse(quote! {
        // Generated code in a user's crate: not every item is used by every program.
        #[allow(dead_code)]
        #api_mod
    })?;
    let stem = info.package.replace('-', "_");
    Ok(format!(
        "{}// Bring it in with: spec2mcp_runtime::include_server!(\"{stem}\");\n\n{}",
        info.header("//", true),
        unparse(file)
    ))
}

/// Replaces each `mod name;` of `file` by the inline module of the same name.
fn inline_children(
    mut file: syn::File,
    children: &mut BTreeMap<String, syn::File>,
) -> Result<syn::File, EmitError> {
    let mut items = Vec::with_capacity(file.items.len());
    for item in file.items {
        match item {
            syn::Item::Mod(m) if m.content.is_none() => {
                let name = m.ident.to_string();
                let child = children.remove(&name).ok_or_else(|| {
                    EmitError::Internal(format!("no contents for module `{name}`"))
                })?;
                items.push(module_item(&name, child)?);
            }
            other => items.push(other),
        }
    }
    file.items = items;
    Ok(file)
}

/// `pub mod name { <inner attributes> <items> }`.
fn module_item(name: &str, file: syn::File) -> Result<syn::Item, EmitError> {
    let name = ident(name)?;
    let attrs = file.attrs;
    let items = file.items;
    syn::parse2(quote! { pub mod #name { #(#attrs)* #(#items)* } })
        .map_err(|err| EmitError::Internal(format!("module `{name}` does not parse: {err}")))
}
