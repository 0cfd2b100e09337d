//! rmcp-openapi's server over stdio, for the bench's stdio rows: its published binary serves
//! Streamable HTTP only. Built by setup.sh into the bench cache against the same rmcp-openapi
//! version, with the same choices its binary makes (GET operations only, descriptions kept);
//! nothing here does work per call, so the figures are the library's.
//!
//! Usage: rmcp-openapi-stdio SPEC.json BASE_URL

use rmcp::ServiceExt;
use rmcp_openapi::spec::{Filter, Filters};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(spec), Some(base_url)) = (args.next(), args.next()) else {
        return Err("usage: rmcp-openapi-stdio SPEC.json BASE_URL".into());
    };
    let spec: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(spec)?)?;
    let filters = Filters {
        tags: None,
        methods: Some(Filter::Include(vec![http::Method::GET])),
        operations_id: None,
    };
    let mut server = rmcp_openapi::Server::new(
        spec,
        url::Url::parse(&base_url)?,
        None,
        Some(filters),
        false,
        false,
        false,
    );
    server.load_openapi_spec()?;
    server.serve(rmcp::transport::stdio()).await?.waiting().await?;
    Ok(())
}
