//! What a tool handler wants sent: parameters by location and an optional body.
//!
//! Generated handlers fill a [`Request`] from their typed input; values are serialized with serde
//! and laid out here by the parameter's OpenAPI `style`, so the generated code stays one line per
//! parameter and the encoding rules exist once.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use crate::args::ArgsError;

/// Everything but the RFC 3986 unreserved characters is percent-encoded in a path segment or a
/// query component, so a value holding `/`, `?`, `#`, `&`, `=` or a style's delimiter stays one
/// value; the delimiters a style puts between values are added literally.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How a query parameter's value is laid out (OpenAPI `style` + `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form, explode: true` (the default): arrays repeat the name, objects spread keys.
    FormExploded,
    /// `style: form, explode: false`: comma-separated.
    Form,
    /// `style: spaceDelimited`.
    SpaceDelimited,
    /// `style: pipeDelimited`.
    PipeDelimited,
    /// `style: deepObject`: `name[key]=value`.
    DeepObject,
}

/// A parameter described with a JSON media type under `content` instead of a `schema`: its
/// value is serialized to JSON text, which is then sent like any string. `None` stays absent.
pub struct JsonText<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> Serialize for JsonText<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match serde_json::to_value(self.0).map_err(serde::ser::Error::custom)? {
            Value::Null => serializer.serialize_none(),
            value => serializer.serialize_str(&value.to_string()),
        }
    }
}

/// A request body, already serialized to JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `application/json` (or another JSON media type).
    Json(&'static str, Value),
    /// `application/x-www-form-urlencoded`, from a flat object.
    Form(&'static str, Value),
    /// `multipart/form-data`, from a flat object whose fields named in the list are files
    /// ([`crate::upload::FileArg`], or arrays of them).
    Multipart(Value, &'static [&'static str]),
}

/// One upstream request, before the base URL and credentials are added.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Request {
    /// Path parameters: name → already-encoded segment.
    pub path_params: Vec<(&'static str, String)>,
    /// Query pairs, already percent-encoded (`name`, `value`), the style's delimiters literal.
    pub query: Vec<(String, String)>,
    /// Header parameters.
    pub headers: Vec<(&'static str, String)>,
    /// Cookie parameters.
    pub cookies: Vec<(&'static str, String)>,
    /// The body, if the operation has one and it was given.
    pub body: Option<Body>,
}

impl Request {
    /// Sets a path parameter (`style: simple`): arrays and objects are comma-joined, each item
    /// encoded on its own (`/users/3,4,5`).
    pub fn path<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Some(items) = simple(&to_value(value)) {
            self.path_params.push((name, encoded(&items, ",")));
        }
    }

    /// Adds a query parameter; `None` values are left out.
    pub fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        style: QueryStyle,
    ) {
        // The generic part is only the serialization: the layout below is compiled once, not
        // once per parameter type of every tool.
        self.query_value(name, to_value(value), style);
    }

    fn query_value(&mut self, name: &'static str, value: Value, style: QueryStyle) {
        let mut push = |name: String, value: String| self.query.push((name, value));
        match (&value, style) {
            (Value::Null, _) => {}
            (Value::Array(items), QueryStyle::FormExploded) => {
                for item in items {
                    push(encode(name), encode(&scalar(item)));
                }
            }
            (Value::Object(map), QueryStyle::FormExploded) => {
                for (key, item) in map.iter().filter(|(_, item)| !item.is_null()) {
                    push(encode(key), encode(&scalar(item)));
                }
            }
            (Value::Object(map), QueryStyle::DeepObject) => {
                for (key, item) in map.iter().filter(|(_, item)| !item.is_null()) {
                    push(
                        format!("{}[{}]", encode(name), encode(key)),
                        encode(&scalar(item)),
                    );
                }
            }
            (Value::Array(items), QueryStyle::SpaceDelimited) => {
                let items: Vec<String> = items.iter().map(scalar).collect();
                push(encode(name), encoded(&items, "%20"));
            }
            (Value::Array(items), QueryStyle::PipeDelimited) => {
                let items: Vec<String> = items.iter().map(scalar).collect();
                push(encode(name), encoded(&items, "|"));
            }
            _ => {
                if let Some(items) = simple(&value) {
                    push(encode(name), encoded(&items, ","));
                }
            }
        }
    }

    /// Sets a header parameter (`style: simple`); `None` values are left out.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Some(items) = simple(&to_value(value)) {
            self.headers.push((name, items.join(",")));
        }
    }

    /// Sets a cookie parameter (`style: form`); `None` values are left out.
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Some(items) = simple(&to_value(value)) {
            self.cookies.push((name, items.join(",")));
        }
    }

    /// Sets a JSON body; a `None` body (optional and not given) sends no body.
    pub fn json_body<T: Serialize + ?Sized>(
        &mut self,
        media_type: &'static str,
        value: &T,
    ) -> Result<(), ArgsError> {
        self.set_body(value, |v| Body::Json(media_type, v))
    }

    /// Sets a form-urlencoded body; a `None` body sends no body.
    pub fn form_body<T: Serialize + ?Sized>(
        &mut self,
        media_type: &'static str,
        value: &T,
    ) -> Result<(), ArgsError> {
        self.set_body(value, |v| Body::Form(media_type, v))
    }

    /// Sets a `multipart/form-data` body; `files` names the fields that hold files.
    pub fn multipart_body<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        files: &'static [&'static str],
    ) -> Result<(), ArgsError> {
        self.set_body(value, |v| Body::Multipart(v, files))
    }

    fn set_body<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        encoding: impl FnOnce(Value) -> Body,
    ) -> Result<(), ArgsError> {
        let value = serde_json::to_value(value).map_err(|err| ArgsError {
            field: "body".to_owned(),
            message: err.to_string(),
        })?;
        if !value.is_null() {
            self.body = Some(encoding(value));
        }
        Ok(())
    }
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    // Generated input types serialize to JSON infallibly (no non-string map keys), so a failure
    // here can only mean "nothing to send".
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A scalar as text: strings as-is, numbers and booleans in JSON notation, anything else as JSON.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One query component or path segment, percent-encoded.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Items encoded one by one and joined with a literal `delimiter`.
fn encoded(items: &[String], delimiter: &str) -> String {
    let encoded: Vec<String> = items.iter().map(|item| encode(item)).collect();
    encoded.join(delimiter)
}

/// `style: simple` (and non-exploded `form`): the items to comma-join (arrays item by item,
/// objects `k,v,k,v`); `None` for null.
fn simple(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => None,
        Value::Array(items) => Some(items.iter().map(scalar).collect()),
        Value::Object(map) => Some(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| [k.clone(), scalar(v)])
                .collect(),
        ),
        other => Some(vec![scalar(other)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_values_stay_one_segment() {
        let mut req = Request::default();
        req.path("slug", "a/b?c#d&e ñ");
        req.path("ids", &vec!["3", "4,5"]);
        assert_eq!(
            req.path_params,
            vec![
                ("slug", "a%2Fb%3Fc%23d%26e%20%C3%B1".to_owned()),
                ("ids", "3,4%2C5".to_owned())
            ]
        );
    }

    #[test]
    fn query_styles_keep_their_delimiters_literal() {
        let mut req = Request::default();
        req.query("tags", &vec!["x", "y z"], QueryStyle::FormExploded);
        req.query("type", &vec!["album", "track"], QueryStyle::Form);
        req.query("ids", &vec!["1,2", "3"], QueryStyle::Form);
        req.query("absent", &None::<String>, QueryStyle::FormExploded);
        req.query("flag", &Some(true), QueryStyle::FormExploded);
        req.query("f", &serde_json::json!({"a b": 1}), QueryStyle::DeepObject);
        req.query("s", &vec!["a", "b c"], QueryStyle::SpaceDelimited);
        req.query("p", &vec!["a", "b|c"], QueryStyle::PipeDelimited);
        req.query("q", "x=1&y", QueryStyle::FormExploded);
        let pairs: Vec<(&str, &str)> = req
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("tags", "x"),
                ("tags", "y%20z"),
                ("type", "album,track"),
                ("ids", "1%2C2,3"),
                ("flag", "true"),
                ("f[a%20b]", "1"),
                ("s", "a%20b%20c"),
                ("p", "a|b%7Cc"),
                ("q", "x%3D1%26y"),
            ]
        );
    }
}
