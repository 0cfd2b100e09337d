//! Why an operation is not a tool: the place in the spec, the reason and the fix.

use super::schema::rust::Unsupported;
use crate::diag::Diagnostic;

/// Why an operation is skipped, with the fix.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Where in the spec.
    pub pointer: String,
    /// Why.
    pub reason: String,
    /// What to do about it.
    pub fix: String,
}

impl From<Unsupported> for Problem {
    fn from(u: Unsupported) -> Self {
        Problem {
            pointer: u.pointer,
            reason: u.reason,
            fix: "simplify the schema, or exclude the operation in spec2mcp.toml ([exclude] operations = [...])".into(),
        }
    }
}

impl From<Diagnostic> for Problem {
    fn from(d: Diagnostic) -> Self {
        Problem {
            pointer: d.pointer,
            reason: d.message,
            fix: d.fix.unwrap_or_default(),
        }
    }
}
