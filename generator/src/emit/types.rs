//! `src/api/types.rs`: the named types tool inputs use.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{doc, ident, ty};
use super::EmitError;
use crate::model::{Api, NamedType, TypeKind};

/// The whole types module.
pub fn types_file(api: &Api) -> Result<TokenStream, EmitError> {
    let items = api.types.iter().map(named).collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        //! Types of the tool inputs, one per schema they use.
        #(#items)*
    })
}

fn named(t: &NamedType) -> Result<TokenStream, EmitError> {
    let name = ident(&t.name)?;
    let docs = doc(&t.doc);
    let here = TokenStream::new();
    Ok(match &t.kind {
        TypeKind::Struct { fields, extra } => {
            let mut idents = std::collections::HashSet::new();
            let mut out = Vec::new();
            for f in fields {
                idents.insert(f.ident.clone());
                let field = ident(&f.ident)?;
                let field_ty = ty(&f.ty, &here)?;
                let fdoc = doc(&f.doc);
                let wire = &f.wire;
                let rename = (f.wire != f.ident).then(|| quote!(rename = #wire,));
                let attrs = if f.ty.is_option() && !f.required {
                    quote!(#[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")])
                } else if let Some(rename) = rename {
                    quote!(#[serde(#rename)])
                } else {
                    quote!()
                };
                out.push(quote! { #fdoc #attrs pub #field: #field_ty, });
            }
            let deny = match extra {
                Some(extra) => {
                    let mut extra_name = "additional_properties".to_owned();
                    while idents.contains(&extra_name) {
                        extra_name.push('_');
                    }
                    let extra_ident = ident(&extra_name)?;
                    let extra_ty = ty(extra, &here)?;
                    out.push(quote! {
                        /// Properties beyond the named ones (`additionalProperties`).
                        #[serde(flatten)]
                        pub #extra_ident: ::std::collections::BTreeMap<::std::string::String, #extra_ty>,
                    });
                    quote!()
                }
                None => quote!(#[serde(deny_unknown_fields)]),
            };
            quote! {
                #docs
                #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #deny
                pub struct #name { #(#out)* }
            }
        }
        TypeKind::Enum { variants } => {
            let vs = variants
                .iter()
                .map(|(v, wire)| {
                    let v = ident(v)?;
                    Ok(quote!(#[serde(rename = #wire)] #v,))
                })
                .collect::<Result<Vec<_>, EmitError>>()?;
            quote! {
                #docs
                #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::marker::Copy, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::serde::Serialize, ::serde::Deserialize)]
                pub enum #name { #(#vs)* }
            }
        }
        TypeKind::Union { variants } => {
            let vs = variants
                .iter()
                .map(|(v, payload)| {
                    let v = ident(v)?;
                    let payload = ty(payload, &here)?;
                    Ok(quote!(#v(#payload),))
                })
                .collect::<Result<Vec<_>, EmitError>>()?;
            let docs = if t.doc.is_empty() {
                doc("One of several shapes (`oneOf`/`anyOf`); the first that fits is taken.")
            } else {
                docs
            };
            quote! {
                #docs
                #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name { #(#vs)* }
            }
        }
        TypeKind::Tagged { tag, variants } => {
            let vs = variants
                .iter()
                .map(|v| {
                    let ident = ident(&v.ident)?;
                    let payload = ty(&v.ty, &here)?;
                    let value = &v.value;
                    Ok(quote!(#[serde(rename = #value)] #ident(#payload),))
                })
                .collect::<Result<Vec<_>, EmitError>>()?;
            let docs = if t.doc.is_empty() {
                doc(&format!(
                    "One of several shapes, chosen by the `{tag}` property."
                ))
            } else {
                docs
            };
            quote! {
                #docs
                #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(tag = #tag)]
                pub enum #name { #(#vs)* }
            }
        }
    })
}
