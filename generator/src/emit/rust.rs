//! Small helpers for writing Rust tokens: identifiers, types, literals, and formatting a file.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::EmitError;
use crate::model::TypeRef;

/// An identifier, checked (the model only makes valid ones; a bug becomes an error, not a panic).
pub fn ident(name: &str) -> Result<Ident, EmitError> {
    syn::parse_str::<Ident>(name)
        .map_err(|err| EmitError::Internal(format!("`{name}` is not a Rust identifier: {err}")))
}

/// `12`, not `12usize`.
pub fn count(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

/// The tokens of a type, with the short names the generated files import (`Option`, `String`,
/// `Vec`, `Value`, `Map`, `BTreeMap`; generated type names never take these). Named types are
/// reached through `types_path` (`types` in an op module, nothing inside `types.rs`).
pub fn ty(t: &TypeRef, types_path: &TokenStream) -> Result<TokenStream, EmitError> {
    Ok(match t {
        TypeRef::String => quote!(String),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Any => quote!(Value),
        TypeRef::Object => quote!(Map<String, Value>),
        TypeRef::List(inner) => {
            let inner = ty(inner, types_path)?;
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty(inner, types_path)?;
            quote!(BTreeMap<String, #inner>)
        }
        TypeRef::Named(name) => {
            let name = ident(name)?;
            if types_path.is_empty() {
                quote!(#name)
            } else {
                quote!(#types_path::#name)
            }
        }
        TypeRef::Option(inner) => {
            let inner = ty(inner, types_path)?;
            quote!(Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = ty(inner, types_path)?;
            quote!(Box<#inner>)
        }
        TypeRef::File => quote!(FileArg),
    })
}

/// Which imported short names a set of types uses, so a file imports exactly those.
#[derive(Debug, Default, Clone, Copy)]
pub struct Uses {
    /// `serde_json::Value`.
    pub value: bool,
    /// `serde_json::Map`.
    pub map: bool,
    /// `std::collections::BTreeMap`.
    pub btree_map: bool,
    /// `spec2mcp_runtime::upload::FileArg`.
    pub file: bool,
}

impl Uses {
    /// Adds what `t` uses.
    pub fn add(&mut self, t: &TypeRef) {
        match t {
            TypeRef::Any => self.value = true,
            TypeRef::Object => {
                self.value = true;
                self.map = true;
            }
            TypeRef::Map(inner) => {
                self.btree_map = true;
                self.add(inner);
            }
            TypeRef::File => self.file = true,
            TypeRef::List(inner) | TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
                self.add(inner)
            }
            _ => {}
        }
    }

    /// The `use` items for them.
    pub fn imports(&self) -> TokenStream {
        let json: Vec<TokenStream> = [(self.map, quote!(Map)), (self.value, quote!(Value))]
            .into_iter()
            .filter(|(used, _)| *used)
            .map(|(_, name)| name)
            .collect();
        let json = match json.len() {
            0 => quote!(),
            _ => quote!(use spec2mcp_runtime::serde_json::{#(#json),*};),
        };
        let btree = if self.btree_map {
            quote!(
                use std::collections::BTreeMap;
            )
        } else {
            quote!()
        };
        let file = if self.file {
            quote!(
                use spec2mcp_runtime::upload::FileArg;
            )
        } else {
            quote!()
        };
        quote!(#btree #json #file)
    }
}

/// A raw string literal holding `text` verbatim, with enough `#`s that it cannot end early.
pub fn raw_str(text: &str) -> Result<TokenStream, EmitError> {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    let literal = format!("r{fence}\"{text}\"{fence}");
    syn::parse_str::<syn::LitStr>(&literal)
        .map(|lit| quote!(#lit))
        .map_err(|err| EmitError::Internal(format!("cannot write a raw string literal: {err}")))
}

/// `#[doc = "…"]` lines for a non-empty text.
pub fn doc(text: &str) -> TokenStream {
    let text = text.trim();
    if text.is_empty() {
        return TokenStream::new();
    }
    let lines = text.lines().map(|line| {
        let line = format!(" {}", line.trim_end());
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Parses generated tokens as a file (a failure is a generator bug).
pub fn parse(tokens: TokenStream) -> Result<syn::File, EmitError> {
    syn::parse2(tokens)
        .map_err(|err| EmitError::Internal(format!("generated code does not parse: {err}")))
}

/// Formats `tokens` as a Rust file with `header` (comment lines) on top.
pub fn file(header: &str, tokens: TokenStream) -> Result<String, EmitError> {
    Ok(format!("{header}\n{}", unparse(parse(tokens)?)))
}

/// prettyplease's layout, with a blank line between items as people write them (a run of
/// `use` items, or of `mod name;` declarations, stays together).
pub fn unparse(file: syn::File) -> String {
    let mut out = prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: file.attrs,
        items: Vec::new(),
    });
    let mut previous = None;
    for item in file.items {
        let run = match &item {
            syn::Item::Use(_) => Some("use"),
            syn::Item::Mod(m) if m.content.is_none() => Some("mod"),
            _ => None,
        };
        if !out.is_empty() && (run.is_none() || run != previous) {
            out.push('\n');
        }
        out.push_str(&prettyplease::unparse(&syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![item],
        }));
        previous = run;
    }
    out
}
