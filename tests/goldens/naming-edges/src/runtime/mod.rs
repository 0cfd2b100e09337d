// Copied verbatim by spec2mcp 0.1.0 from its runtime templates. Do not edit.
//! The hand-written runtime of a generated MCP server.
//!
//! Generated code describes the API as static data ([`def`]) and turns typed tool inputs into
//! [`request::Request`]s; everything else — argument parsing, credentials, sending the request,
//! shaping the result, speaking MCP — lives here, once, and is not generic over the tools.
pub mod args;
pub mod auth;
pub mod caller;
pub mod cli;
pub mod def;
pub mod dynamic;
pub mod executor;
pub mod options;
pub mod outcome;
pub mod request;
pub mod server;
pub mod suggest;
pub mod telemetry;
pub mod validate;
