//! Small helpers for writing Rust tokens: identifiers, types, literals, and formatting a file.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::EmitError;
use crate::model::TypeRef;

/// An identifier, checked (the model only makes valid ones; a bug becomes an error, not a panic).
pub fn ident(name: &str) -> Result<Ident, EmitError> {
    syn::parse_str::<Ident>(name)
        .map_err(|err| EmitError::Internal(format!("`{name}` is not a Rust identifier: {err}")))
}

/// The tokens of a type; named types are reached through `types_path` (e.g. `super::super::types`).
pub fn ty(t: &TypeRef, types_path: &TokenStream) -> Result<TokenStream, EmitError> {
    Ok(match t {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Object => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        TypeRef::List(inner) => {
            let inner = ty(inner, types_path)?;
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty(inner, types_path)?;
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
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
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = ty(inner, types_path)?;
            quote!(::std::boxed::Box<#inner>)
        }
    })
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

/// Formats `tokens` as a Rust file with `header` (comment lines) on top.
pub fn file(header: &str, tokens: TokenStream) -> Result<String, EmitError> {
    let parsed: syn::File = syn::parse2(tokens)
        .map_err(|err| EmitError::Internal(format!("generated code does not parse: {err}")))?;
    let body = prettyplease::unparse(&parsed);
    Ok(format!("{header}\n{body}"))
}
