//! The whole server as one Rust source for a build script's `OUT_DIR`: `pub mod runtime {…}` and
//! `pub mod api {…}` with every file of the crate layout inlined as a module block, so the user's
//! crate can `include!` it. The generated code uses relative paths (`super::…::runtime`), which
//! resolve the same way in both layouts.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::ident;
use super::{ops, runtime, table, types, CrateInfo, EmitError};
use crate::model::Api;

/// The single-file module.
pub fn module_file(api: &Api, info: &CrateInfo) -> Result<String, EmitError> {
    let runtime_mod = runtime_module()?;
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
    // A given API uses only part of the runtime, and a binary crate sees every unused `pub` item.
    let file: syn::File = syn::parse2(quote! {
        #[allow(dead_code)]
        #runtime_mod
        #[allow(dead_code)]
        #api_mod
    })
    .map_err(|err| EmitError::Internal(format!("the module file does not parse: {err}")))?;
    Ok(format!(
        "{}// Bring it in with: mod {} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{}.rs\")); }}\n\n{}",
        info.header("//", true),
        info.package.replace('-', "_"),
        info.package.replace('-', "_"),
        prettyplease::unparse(&file)
    ))
}

fn parse(tokens: TokenStream) -> Result<syn::File, EmitError> {
    syn::parse2(tokens)
        .map_err(|err| EmitError::Internal(format!("generated code does not parse: {err}")))
}

/// `pub mod runtime { pub mod args { … } … }` from the template files, without their unit tests.
fn runtime_module() -> Result<syn::Item, EmitError> {
    let mut children = BTreeMap::new();
    let mut root = None;
    for (name, text) in runtime::RUNTIME_FILES {
        let mut file = syn::parse_file(text).map_err(|err| {
            EmitError::Internal(format!("runtime template {name} does not parse: {err}"))
        })?;
        file.items.retain(|item| !is_cfg_test(item));
        let stem = name.trim_end_matches(".rs");
        if stem == "mod" {
            root = Some(file);
        } else {
            children.insert(stem.to_owned(), file);
        }
    }
    let root =
        root.ok_or_else(|| EmitError::Internal("runtime templates have no mod.rs".into()))?;
    module_item("runtime", inline_children(root, &mut children)?)
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

fn is_cfg_test(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Mod(m) => &m.attrs,
        syn::Item::Fn(f) => &f.attrs,
        _ => return false,
    };
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && matches!(&a.meta, syn::Meta::List(list) if list.tokens.to_string() == "test")
    })
}
