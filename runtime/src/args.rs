//! Turning a tool's JSON arguments into its typed input struct.
//!
//! Each generated `parse` reads its struct field by field through [`Fields`] instead of deriving
//! `Deserialize` for the struct. A derive is a map visitor, a sequence visitor and a field enum
//! per struct, compiled again for every tool; that was most of a large API's build (GitHub: 765
//! `visit_map` copies, 14% of the generated crate's code). Field by field, the generic code is
//! one instance per field *type*: `Option<String>` is compiled once for every tool that has one.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Arguments that do not fit the tool's input struct. The message names the field.
#[derive(Debug)]
pub struct ArgsError {
    /// Dotted path of the offending field (empty for the arguments object as a whole).
    pub field: String,
    /// What is wrong there.
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

/// A tool's arguments, taken out one field at a time.
#[derive(Debug)]
pub struct Fields {
    args: Map<String, Value>,
}

impl Fields {
    /// The arguments of a tool whose input has the fields `known`; any other field is an error,
    /// reported before any field is read (a misspelt name is the likeliest mistake).
    pub fn new(args: Map<String, Value>, known: &[&str]) -> Result<Fields, ArgsError> {
        match unknown_field(&args, known) {
            Some(message) => Err(ArgsError {
                field: String::new(),
                message,
            }),
            None => Ok(Fields { args }),
        }
    }

    /// A field the caller must give.
    pub fn required<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, ArgsError> {
        match self.args.remove(name) {
            Some(value) => read(name, value),
            None => Err(ArgsError {
                field: name.to_owned(),
                message: "missing field".to_owned(),
            }),
        }
    }

    /// A field the caller may leave out or set to `null`.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, ArgsError> {
        match self.args.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => read(name, value).map(Some),
        }
    }

    /// A parameter spec2mcp.toml fixes to `json`: not an argument (the caller cannot set it; an
    /// attempt is an unknown field), always sent.
    pub fn fixed<T: DeserializeOwned>(&self, name: &str, json: &str) -> Result<T, ArgsError> {
        read(name, preset(name, json)?)
    }

    /// A field the caller may leave out, when spec2mcp.toml's default `json` is used.
    pub fn defaulted<T: DeserializeOwned>(
        &mut self,
        name: &str,
        json: &str,
    ) -> Result<T, ArgsError> {
        match self.args.remove(name) {
            None | Some(Value::Null) => read(name, preset(name, json)?),
            Some(value) => read(name, value),
        }
    }
}

/// The message for the first argument that is not one of `known`, if there is one (it lists
/// the known names, so the caller can correct a misspelling).
pub fn unknown_field(args: &Map<String, Value>, known: &[&str]) -> Option<String> {
    let unknown = args.keys().find(|k| !known.contains(&k.as_str()))?;
    let expected = if known.is_empty() {
        "this tool takes no arguments".to_owned()
    } else {
        let names: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        format!("expected one of {}", names.join(", "))
    };
    Some(format!("unknown field `{unknown}`, {expected}"))
}

/// A value spec2mcp.toml gives a parameter, as generated code holds it (JSON text).
fn preset(name: &str, json: &str) -> Result<Value, ArgsError> {
    serde_json::from_str(json).map_err(|err| ArgsError {
        field: name.to_owned(),
        message: format!("the value spec2mcp.toml gives it is not JSON: {err}"),
    })
}

/// Deserializes one field's value, keeping the path inside it of what failed.
fn read<T: DeserializeOwned>(name: &str, value: Value) -> Result<T, ArgsError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let inner = err.path().to_string();
        let field = if inner == "." {
            name.to_owned()
        } else {
            format!("{name}.{inner}")
        };
        ArgsError {
            field,
            message: err.into_inner().to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Range {
        gt: Option<i64>,
    }

    #[derive(Debug, PartialEq)]
    struct Input {
        slug: String,
        page: Option<i64>,
        created: Option<Range>,
    }

    /// What a generated `parse` does.
    fn parse(args: Value) -> Result<Input, ArgsError> {
        let Value::Object(args) = args else {
            unreachable!("test arguments are objects")
        };
        let mut fields = Fields::new(args, &["slug", "page", "created"])?;
        Ok(Input {
            slug: fields.required("slug")?,
            page: fields.optional("page")?,
            created: fields.optional("created")?,
        })
    }

    #[test]
    fn fields_are_read_by_name() {
        let input = parse(serde_json::json!({"page": 2, "slug": "a", "created": {"gt": 5}}));
        let expected = Input {
            slug: "a".into(),
            page: Some(2),
            created: Some(Range { gt: Some(5) }),
        };
        assert_eq!(input.unwrap(), expected);
        let input = parse(serde_json::json!({"slug": "a", "page": null})).unwrap();
        assert_eq!((input.page, input.created), (None, None));
    }

    #[test]
    fn wrong_type_names_the_field_and_the_path_inside_it() {
        let err = parse(serde_json::json!({"slug": "a", "page": "two"})).unwrap_err();
        assert_eq!(err.field, "page");
        assert!(
            err.to_string().starts_with("field `page`: invalid type"),
            "{err}"
        );
        let err = parse(serde_json::json!({"slug": "a", "created": {"gt": "x"}})).unwrap_err();
        assert_eq!(err.field, "created.gt");
    }

    #[test]
    fn missing_and_unknown_fields_are_named() {
        let err = parse(serde_json::json!({})).unwrap_err();
        assert_eq!(err.to_string(), "field `slug`: missing field");
        let err = parse(serde_json::json!({"slug": "a", "nope": 1})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown field `nope`, expected one of `slug`, `page`, `created`"
        );
        let Value::Object(args) = serde_json::json!({"x": 1}) else {
            unreachable!()
        };
        let err = Fields::new(args, &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown field `x`, this tool takes no arguments"
        );
    }
}
