//! The fixed runtime of every server spec2mcp generates.
//!
//! `src/runtime/` is copied byte for byte into each generated crate, so it is compiled, linted and
//! tested here, once, instead of as text inside the generator.
pub mod runtime;
