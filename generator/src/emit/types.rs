//! `src/api/types.rs`: the named types tool inputs use.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{doc, ident, ty, Uses};
use super::EmitError;
use crate::model::{Api, NamedType, TypeKind};

/// The whole types module.
pub fn types_file(api: &Api) -> Result<TokenStream, EmitError> {
    let mut uses = Uses::default();
    for t in &api.types {
        for member in t.kind.members() {
            uses.add(member);
        }
        if let TypeKind::Struct {
            extra: Some(extra), ..
        } = &t.kind
        {
            uses.btree_map = true;
            uses.add(extra);
        }
    }
    let items = api.types.iter().map(named).collect::<Result<Vec<_>, _>>()?;
    let imports = if api.types.is_empty() {
        quote!()
    } else {
        let json = uses.imports();
        quote! {
            #json
            use spec2mcp_runtime::serde::{Deserialize, Serialize};
        }
    };
    Ok(quote! {
        //! Types of the tool inputs, one per schema they use.

        #imports

        #(#items)*
    })
}

fn named(t: &NamedType) -> Result<TokenStream, EmitError> {
    let name = ident(&t.name)?;
    let docs = doc(&t.doc);
    let here = TokenStream::new();
    // The derives reach serde through the runtime, so a crate needs no serde dependency of its own.
    let serde_crate = quote!(#[serde(crate = "spec2mcp_runtime::serde")]);
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
                    quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none")])
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
                        pub #extra_ident: BTreeMap<String, #extra_ty>,
                    });
                    quote!()
                }
                None => quote!(#[serde(deny_unknown_fields)]),
            };
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                #serde_crate
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
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
                #serde_crate
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
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                #serde_crate
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
                #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
                #serde_crate
                #[serde(tag = #tag)]
                pub enum #name { #(#vs)* }
            }
        }
    })
}
