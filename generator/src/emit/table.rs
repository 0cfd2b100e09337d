//! `src/api/mod.rs`: the static API description and tool table the runtime serves.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{count, ident};
use super::EmitError;
use crate::model::{Api, HeaderSource, SchemeKind};

/// The module that ties the generated parts to the runtime.
pub fn api_mod(api: &Api, package: &str, env_prefix: &str) -> Result<TokenStream, EmitError> {
    let schemes = api.security_schemes.iter().map(|s| {
        let name = &s.name;
        let var = &s.env_var;
        let kind = match &s.kind {
            SchemeKind::ApiKeyHeader(h) => quote!(ApiKeyHeader(#h)),
            SchemeKind::ApiKeyQuery(q) => quote!(ApiKeyQuery(#q)),
            SchemeKind::ApiKeyCookie(c) => quote!(ApiKeyCookie(#c)),
            SchemeKind::Bearer => quote!(Bearer),
            SchemeKind::Basic => quote!(Basic),
        };
        let oauth = match &s.oauth {
            Some(flows) => {
                let token_url = match &flows.token_url {
                    Some(url) => quote!(Some(#url)),
                    None => quote!(None),
                };
                let (client_credentials, scopes) = (flows.client_credentials, &flows.scopes);
                quote!(Some(OAuthFlows {
                    token_url: #token_url,
                    client_credentials: #client_credentials,
                    scopes: &[#(#scopes),*],
                }))
            }
            None => quote!(None),
        };
        quote! {
            SecurityScheme {
                name: #name,
                env_var: #var,
                kind: SchemeKind::#kind,
                oauth: #oauth,
            },
        }
    });
    let scheme_count = count(api.security_schemes.len());
    let headers = api.server_headers.iter().map(|h| {
        let name = &h.name;
        let source = match &h.source {
            HeaderSource::Environment(var) => quote!(HeaderSource::Environment(#var)),
            HeaderSource::Generated => quote!(HeaderSource::Generated),
        };
        quote!(HeaderDef { name: #name, source: #source },)
    });
    let header_count = count(api.server_headers.len());
    let mut tools = Vec::new();
    for t in &api.tools {
        let module = ident(&t.module)?;
        let name = &t.name;
        let title = &t.title;
        let description = &t.description;
        let method = ident(&pascal_method(&t.method))?;
        let (read_only, idempotent, destructive) =
            (t.hints.read_only, t.hints.idempotent, t.hints.destructive);
        let path = &t.path;
        let tags = &t.tags;
        let alternatives = t.security.iter().map(|alt| quote!(&[#(#alt),*]));
        let scopes = t.scopes.iter().map(|alt| quote!(&[#(#alt),*]));
        let needs = t.needs.iter().map(|n| {
            let (argument, resource, field, from) = (&n.argument, &n.resource, &n.field, &n.from);
            let search = match &n.search {
                Some((tool, arg)) => quote!(Some((#tool, #arg))),
                None => quote!(None),
            };
            quote!(NeedDef { argument: #argument, resource: #resource, field: #field, from: &[#(#from),*], search: #search },)
        });
        let yields = t.yields.iter().map(|y| {
            let (resource, field, at) = (&y.resource, &y.field, &y.at);
            quote!(YieldDef { resource: #resource, field: #field, at: #at },)
        });
        let derived: Vec<&str> = [
            (t.derived.title, "title"),
            (t.derived.description, "description"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| name)
        .collect();
        let search_terms = crate::model::search::search_terms(t);
        let tool_headers = t
            .server_headers
            .iter()
            .map(|(name, required)| quote!((#name, #required)));
        let output = if t.output_schema.is_some() {
            quote!(Some(ops::#module::OUTPUT_SCHEMA))
        } else {
            quote!(None)
        };
        tools.push(quote! {
            ToolDef {
                name: #name,
                title: #title,
                description: #description,
                method: Method::#method,
                hints: Hints {
                    read_only: #read_only,
                    idempotent: #idempotent,
                    destructive: #destructive,
                },
                path: #path,
                tags: &[#(#tags),*],
                input_schema: ops::#module::INPUT_SCHEMA,
                output_schema: #output,
                security: &[#(#alternatives),*],
                scopes: &[#(#scopes),*],
                server_headers: &[#(#tool_headers),*],
                needs: &[#(#needs)*],
                yields: &[#(#yields)*],
                derived: &[#(#derived),*],
                search_terms: #search_terms,
                build: ops::#module::build,
            },
        });
    }
    let tool_count = count(api.tools.len());
    let mode = match api.mode {
        crate::config::Mode::Operations => quote!(Operations),
        crate::config::Mode::Dynamic => quote!(Dynamic),
    };
    let title = &api.title;
    let generator = concat!("spec2mcp ", env!("CARGO_PKG_VERSION"));
    let option = |value: &Option<String>| match value {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    };
    let base_url = option(&api.default_base_url);
    let server_path = option(&api.server_path);
    let mut imports = vec![
        "ApiDef",
        "HeaderDef",
        "SecurityScheme",
        "ToolDef",
        "ToolMode",
    ];
    if !api.tools.is_empty() {
        imports.extend(["Hints", "Method"]);
    }
    if api.tools.iter().any(|t| !t.needs.is_empty()) {
        imports.push("NeedDef");
    }
    if api.tools.iter().any(|t| !t.yields.is_empty()) {
        imports.push("YieldDef");
    }
    if !api.security_schemes.is_empty() {
        imports.push("SchemeKind");
    }
    if api.security_schemes.iter().any(|s| s.oauth.is_some()) {
        imports.push("OAuthFlows");
    }
    if !api.server_headers.is_empty() {
        imports.push("HeaderSource");
    }
    imports.sort_unstable();
    let imports = imports
        .iter()
        .map(|name| ident(name))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        //! The API as static data: its tools, security schemes and defaults.

        use spec2mcp_runtime::def::{#(#imports),*};

        pub mod ops;
        pub mod types;

        /// Security schemes, each read from its own environment variable.
        pub static SECURITY_SCHEMES: [SecurityScheme; #scheme_count] = [#(#schemes)*];

        /// Header parameters the server fills itself instead of asking the agent.
        pub static SERVER_HEADERS: [HeaderDef; #header_count] = [#(#headers)*];

        /// One entry per tool, in the order `tools/list` reports them.
        pub static TOOLS: [ToolDef; #tool_count] = [#(#tools)*];

        /// Everything the runtime needs to serve this API.
        pub static API: ApiDef = ApiDef {
            name: #package,
            version: env!("CARGO_PKG_VERSION"),
            title: #title,
            generator: #generator,
            env_prefix: #env_prefix,
            default_base_url: #base_url,
            server_path: #server_path,
            security_schemes: &SECURITY_SCHEMES,
            server_headers: &SERVER_HEADERS,
            tools: &TOOLS,
            mode: ToolMode::#mode,
        };
    })
}

/// `src/api/ops/mod.rs`.
pub fn ops_mod(api: &Api) -> Result<TokenStream, EmitError> {
    let mods = api
        .tools
        .iter()
        .map(|t| {
            let m = ident(&t.module)?;
            Ok(quote!(pub mod #m;))
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    Ok(quote! {
        //! One module per tool.
        #(#mods)*
    })
}

fn pascal_method(method: &str) -> String {
    let lower = method.to_ascii_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}
