// Copied verbatim by spec2mcp 0.1.0 from its runtime templates. Do not edit.
//! Turning a tool's JSON arguments into its typed input struct.

use serde::de::DeserializeOwned;

/// Arguments that do not fit the tool's input struct. The message names the field.
#[derive(Debug)]
pub struct ArgsError {
    /// Dotted path of the offending field (empty for the arguments object as a whole).
    pub field: String,
    /// What serde found wrong there.
    pub message: String,
}

impl std::fmt::Display for ArgsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "field `{}`: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ArgsError {}

/// Deserializes `args` into `T`, keeping the path of the field that failed.
///
/// Unknown fields are rejected by the generated structs (`deny_unknown_fields`); serde names a
/// missing or unknown field in its message, and the path names the field that had a wrong type.
pub fn parse<T: DeserializeOwned>(
    args: serde_json::Map<String, serde_json::Value>,
) -> Result<T, ArgsError> {
    let value = serde_json::Value::Object(args);
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." { String::new() } else { path };
        ArgsError {
            field,
            message: err.into_inner().to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        slug: String,
        page: Option<i64>,
    }

    fn args(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        match v {
            serde_json::Value::Object(m) => m,
            _ => unreachable!("test arguments are objects"),
        }
    }

    #[test]
    fn wrong_type_names_the_field() {
        let err =
            parse::<Input>(args(serde_json::json!({"slug": "a", "page": "two"}))).unwrap_err();
        assert_eq!(err.field, "page");
        assert!(err.to_string().contains("`page`"), "{err}");
    }

    #[test]
    fn missing_and_unknown_fields_are_named() {
        let err = parse::<Input>(args(serde_json::json!({}))).unwrap_err();
        assert!(err.to_string().contains("`slug`"), "{err}");
        let err = parse::<Input>(args(serde_json::json!({"slug": "a", "nope": 1}))).unwrap_err();
        assert!(err.to_string().contains("`nope`"), "{err}");
    }
}
