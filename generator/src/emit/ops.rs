//! `src/api/ops/<tool>.rs`: one module per tool with its input struct, its advertised schema
//! and the function that turns arguments into a request. Nothing here sends anything: the shared
//! executor in the runtime does.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{doc, ident, raw_str, ty};
use super::EmitError;
use crate::model::{BodyEncoding, Location, QueryStyle, Tool};

/// The module of one tool.
pub fn op_file(tool: &Tool) -> Result<TokenStream, EmitError> {
    let types_path = quote!(super::super::types);
    let input = ident(&tool.input_type)?;
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    let mut wires = Vec::new();
    let mut sets = Vec::new();
    for arg in &tool.args {
        let field = ident(&arg.ident)?;
        let field_ty = ty(&arg.ty, &types_path)?;
        let fdoc = doc(&arg.doc);
        fields.push(quote! { #fdoc pub #field: #field_ty, });
        reads.push(read(&field, &arg.wire, arg.ty.is_option()));
        wires.push(&arg.wire);
        let param = &arg.param;
        let value = if arg.json_text {
            quote!(&JsonText(&input.#field))
        } else {
            quote!(&input.#field)
        };
        sets.push(match arg.location {
            Location::Path => quote!(req.path(#param, #value);),
            Location::Header => quote!(req.header(#param, #value);),
            Location::Cookie => quote!(req.cookie(#param, #value);),
            Location::Query => {
                let style = match arg.style {
                    QueryStyle::FormExploded => quote!(FormExploded),
                    QueryStyle::Form => quote!(Form),
                    QueryStyle::SpaceDelimited => quote!(SpaceDelimited),
                    QueryStyle::PipeDelimited => quote!(PipeDelimited),
                    QueryStyle::DeepObject => quote!(DeepObject),
                };
                quote!(req.query(#param, #value, QueryStyle::#style);)
            }
        });
    }
    if let Some(body) = &tool.body {
        let field = ident(&body.ident)?;
        let field_ty = ty(&body.ty, &types_path)?;
        let fdoc = doc(&body.doc);
        fields.push(quote! { #fdoc pub #field: #field_ty, });
        reads.push(read(&field, &body.wire, body.ty.is_option()));
        wires.push(&body.wire);
        let media = &body.media_type;
        sets.push(match body.encoding {
            BodyEncoding::Json => quote!(req.json_body(#media, &input.#field)?;),
            BodyEncoding::Form => quote!(req.form_body(#media, &input.#field)?;),
        });
    }
    let schema_text = serde_json::to_string_pretty(&tool.input_schema)
        .map_err(|err| EmitError::Internal(format!("cannot write the input schema: {err}")))?;
    let schema = raw_str(&schema_text)?;
    let output = match &tool.output_schema {
        Some(output) => {
            let text = serde_json::to_string_pretty(output).map_err(|err| {
                EmitError::Internal(format!("cannot write the output schema: {err}"))
            })?;
            let literal = raw_str(&text)?;
            quote! {
                /// The JSON Schema advertised for the structured result (relaxed: types only).
                pub const OUTPUT_SCHEMA: &str = #literal;
            }
        }
        None => quote!(),
    };
    let struct_doc = doc(&format!(
        "Arguments of the `{}` tool ({} {}).",
        tool.name, tool.method, tool.path
    ));
    let module_doc = format!(" `{}`: {} {}", tool.name, tool.method, tool.path);
    let (mutability, input_var) = if sets.is_empty() {
        (quote!(), quote!(_input))
    } else {
        (quote!(mut), quote!(input))
    };
    let fields_var = if reads.is_empty() {
        quote!(_fields)
    } else {
        quote!(mut fields)
    };
    // Relative paths: the same code works as a crate (`src/api/ops/x.rs`) and inlined into a
    // build script's module (`mod shop { include!(…) }`), where `crate::` would be wrong.
    let rt = quote!(super::super::super::runtime);
    let uses_style = tool.args.iter().any(|a| a.location == Location::Query);
    let style_import = if uses_style {
        quote!(
            use #rt::request::QueryStyle;
        )
    } else {
        quote!()
    };
    let json_text_import = if tool.args.iter().any(|a| a.json_text) {
        quote!(
            use #rt::request::JsonText;
        )
    } else {
        quote!()
    };
    Ok(quote! {
        #![doc = #module_doc]

        use #rt::args::{ArgsError, Fields};
        use #rt::request::Request;
        #style_import
        #json_text_import

        #struct_doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct #input { #(#fields)* }

        /// The JSON Schema advertised for the arguments.
        pub const INPUT_SCHEMA: &str = #schema;

        #output

        /// Lays a typed input out as the upstream request.
        pub fn request(#input_var: &#input) -> ::std::result::Result<Request, ArgsError> {
            let #mutability req = Request::default();
            #(#sets)*
            ::std::result::Result::Ok(req)
        }

        /// Reads the tool arguments into the input struct; an unknown, missing or mistyped
        /// field is an error naming it.
        pub fn parse(
            args: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        ) -> ::std::result::Result<#input, ArgsError> {
            let #fields_var = Fields::new(args, &[#(#wires),*])?;
            ::std::result::Result::Ok(#input { #(#reads)* })
        }

        /// Parses the tool arguments into the input struct, then builds the request.
        pub fn build(
            args: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        ) -> ::std::result::Result<Request, ArgsError> {
            request(&parse(args)?)
        }
    })
}

/// `field: fields.optional("wire")?,` — the struct field's type picks what is deserialized.
fn read(field: &proc_macro2::Ident, wire: &str, optional: bool) -> TokenStream {
    if optional {
        quote!(#field: fields.optional(#wire)?,)
    } else {
        quote!(#field: fields.required(#wire)?,)
    }
}
