//! `src/api/ops/<tool>.rs`: one module per tool with its input struct, its advertised schema
//! and the function that turns arguments into a request. Nothing here sends anything: the shared
//! executor in the runtime does.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{doc, ident, raw_str, ty, Uses};
use super::EmitError;
use crate::model::{BodyEncoding, Location, Preset, QueryStyle, Tool, TypeRef};

/// The module of one tool.
pub fn op_file(tool: &Tool) -> Result<TokenStream, EmitError> {
    let types_path = quote!(types);
    let input = ident(&tool.input_type)?;
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    let mut wires = Vec::new();
    let mut sets = Vec::new();
    let mut uses = Uses {
        value: true,
        map: true,
        ..Uses::default()
    };
    let mut named = false;
    let mut note = |t: &TypeRef| {
        uses.add(t);
        named |= mentions_named(t);
    };
    for arg in &tool.args {
        let field = ident(&arg.ident)?;
        note(&arg.ty);
        let field_ty = ty(&arg.ty, &types_path)?;
        let fdoc = doc(&arg.doc);
        fields.push(quote! { #fdoc pub #field: #field_ty, });
        reads.push(match &arg.preset {
            None => read(&field, &arg.wire, arg.ty.is_option()),
            Some(preset) => read_preset(&field, &arg.wire, preset),
        });
        if arg.is_open() {
            wires.push(&arg.wire);
        }
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
        note(&body.ty);
        let field_ty = ty(&body.ty, &types_path)?;
        let fdoc = doc(&body.doc);
        fields.push(quote! { #fdoc pub #field: #field_ty, });
        reads.push(read(&field, &body.wire, body.ty.is_option()));
        wires.push(&body.wire);
        let media = &body.media_type;
        sets.push(match body.encoding {
            BodyEncoding::Json => quote!(req.json_body(#media, &input.#field)?;),
            BodyEncoding::Form => quote!(req.form_body(#media, &input.#field)?;),
            BodyEncoding::Multipart => {
                let files = &body.files;
                quote!(req.multipart_body(&input.#field, &[#(#files),*])?;)
            }
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
    let request_items = {
        let mut items = vec![quote!(Request)];
        if tool.args.iter().any(|a| a.json_text) {
            items.push(quote!(JsonText));
        }
        if tool.args.iter().any(|a| a.location == Location::Query) {
            items.push(quote!(QueryStyle));
        }
        items
    };
    // The types module by a relative path: the same code works as a crate (`src/api/ops/x.rs`)
    // and inlined into a build script's module, where `crate::` would be wrong.
    let types_import = if named {
        quote!(
            use super::super::types;
        )
    } else {
        quote!()
    };
    let json_imports = uses.imports();
    Ok(quote! {
        #![doc = #module_doc]

        #types_import
        use spec2mcp_runtime::args::{ArgsError, Fields};
        use spec2mcp_runtime::request::{#(#request_items),*};
        #json_imports

        #struct_doc
        #[derive(Debug, Clone)]
        pub struct #input { #(#fields)* }

        /// The JSON Schema advertised for the arguments.
        pub const INPUT_SCHEMA: &str = #schema;

        #output

        /// Lays a typed input out as the upstream request.
        pub fn request(#input_var: &#input) -> Result<Request, ArgsError> {
            let #mutability req = Request::default();
            #(#sets)*
            Ok(req)
        }

        /// Reads the tool arguments into the input struct; an unknown, missing or mistyped
        /// field is an error naming it.
        pub fn parse(args: Map<String, Value>) -> Result<#input, ArgsError> {
            let #fields_var = Fields::new(args, &[#(#wires),*])?;
            Ok(#input { #(#reads)* })
        }

        /// Parses the tool arguments into the input struct, then builds the request.
        pub fn build(args: Map<String, Value>) -> Result<Request, ArgsError> {
            request(&parse(args)?)
        }
    })
}

/// Whether `t` names a generated type.
fn mentions_named(t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(_) => true,
        TypeRef::List(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => mentions_named(inner),
        _ => false,
    }
}

/// A parameter with a value from spec2mcp.toml: `fields.fixed` (never an argument) or
/// `fields.defaulted` (the argument, else the default), the value as JSON text.
fn read_preset(field: &proc_macro2::Ident, wire: &str, preset: &Preset) -> TokenStream {
    match preset {
        Preset::Fixed(value) => {
            let json = value.to_string();
            quote!(#field: fields.fixed(#wire, #json)?,)
        }
        Preset::Default(value) => {
            let json = value.to_string();
            quote!(#field: fields.defaulted(#wire, #json)?,)
        }
    }
}

/// `field: fields.optional("wire")?,` — the struct field's type picks what is deserialized.
fn read(field: &proc_macro2::Ident, wire: &str, optional: bool) -> TokenStream {
    if optional {
        quote!(#field: fields.optional(#wire)?,)
    } else {
        quote!(#field: fields.required(#wire)?,)
    }
}
