//! The runtime of every MCP server spec2mcp generates.
//!
//! Generated code describes the API as static data ([`def`]) and turns typed tool inputs into
//! [`request::Request`]s; everything else — argument parsing, credentials, sending the request,
//! shaping the result, speaking MCP — lives here, once, and is not generic over the tools.
//!
//! A generated crate depends on this crate (or on a copy of it vendored beside the generated
//! code), and a crate that generates its server in `build.rs` brings the module in with
//! [`include_server!`]. The re-exports below are what generated code and hand-written tools
//! use, so such a crate needs no other dependency.

pub mod args;
pub mod auth;
pub mod call;
pub mod caller;
pub mod check;
pub mod cli;
pub mod coerce;
pub mod def;
pub mod dynamic;
pub mod executor;
pub mod http;
pub mod oauth;
pub mod options;
pub mod outcome;
pub mod paging;
pub mod recover;
pub mod request;
pub mod server;
pub mod suggest;
pub mod telemetry;
pub mod terms;
pub mod token;
pub mod upload;
pub mod validate;

/// The MCP SDK, for hand-written tools (`rmcp::model::CallToolResult`, …).
pub use rmcp;
/// serde, for the generated types' derives (`#[serde(crate = "spec2mcp_runtime::serde")]`).
pub use serde;
/// serde_json, for tool arguments and results.
pub use serde_json;

/// Brings in the server module a build script generated with `spec2mcp::Builder`, in the style
/// of `tonic::include_proto!`: `spec2mcp_runtime::include_server!("shop_mcp");` includes
/// `$OUT_DIR/shop_mcp.rs`, which defines `pub mod api`.
#[macro_export]
macro_rules! include_server {
    ($name:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $name, ".rs"));
    };
}
