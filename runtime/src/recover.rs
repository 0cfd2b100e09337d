//! Identifier recovery, derived and never guessed: when a tool gets words where an identifier
//! belongs (`"The Cosmos"` for a product's `slug`, a title for an integer `id`), the list tool
//! that finds that resource by words is asked, and its answer decides. Exactly one match: that
//! is the identifier, and the result says so. Several or none: an error that lists the
//! candidates (or says none matched) and the tool to use. A tool that writes or deletes never
//! resolves on its own; it gets the candidates in its error instead.

use serde_json::{json, Map, Value};

/// Fields that name a resource for a person, tried in this order for candidates' labels.
const LABELS: &[&str] = &[
    "name",
    "title",
    "username",
    "display_name",
    "full_name",
    "label",
    "slug",
    "email",
];

/// Candidates listed in an error.
const CANDIDATES_SHOWN: usize = 5;

/// What the list tool's answer says about the words.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// One resource matches: its identifier, and its label.
    One(Value, String),
    /// Several match, none exactly: the first few, identifier and label.
    Several(Vec<(Value, String)>),
    /// Nothing matches.
    Nothing,
}

/// Reads a list tool's answer (`structured`: a DRF page, `{"result": [...]}` or an array) for
/// the resource whose identifier is `field`, searched for with `words`. A single item is the
/// match; among several, exactly one whose label (or identifier) equals the words, ignoring case.
pub fn resolve(structured: &Value, field: &str, words: &str) -> Resolution {
    let items: &[Value] = match structured {
        Value::Array(items) => items,
        Value::Object(map) => map
            .get("results")
            .or_else(|| map.get("result"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]),
        _ => &[],
    };
    let candidates: Vec<(Value, String)> = items
        .iter()
        .filter_map(|item| Some((item.get(field)?.clone(), label(item))))
        .collect();
    match candidates.len() {
        0 => Resolution::Nothing,
        1 => {
            let (value, label) = candidates
                .into_iter()
                .next()
                .unwrap_or((Value::Null, String::new()));
            Resolution::One(value, label)
        }
        _ => {
            let exact: Vec<&(Value, String)> = candidates
                .iter()
                .filter(|(value, label)| {
                    label.eq_ignore_ascii_case(words)
                        || value
                            .as_str()
                            .is_some_and(|v| v.eq_ignore_ascii_case(words))
                })
                .collect();
            match exact.as_slice() {
                [(value, label)] => Resolution::One(value.clone(), label.clone()),
                _ => Resolution::Several(candidates.into_iter().take(CANDIDATES_SHOWN).collect()),
            }
        }
    }
}

/// The label of an item: its first naming field with text.
fn label(item: &Value) -> String {
    LABELS
        .iter()
        .find_map(|k| item.get(k).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}

/// `the-cosmos ("The Cosmos"), cosmos-2 ("Cosmos II")`.
pub fn describe(candidates: &[(Value, String)]) -> String {
    candidates
        .iter()
        .map(|(value, label)| {
            if label.is_empty() || value.as_str() == Some(label.as_str()) {
                value.to_string()
            } else {
                format!("{value} ({label:?})")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The record of a resolution for `_meta["spec2mcp/resolved"]`.
pub fn record(argument: &str, given: &str, resolved: &Value, tool: &str, search: &str) -> Value {
    json!({
        "argument": argument,
        "given": given,
        "resolved": resolved,
        "via": {"tool": tool, "argument": search},
    })
}

/// The argument `path` (`slug`, `body.category`) of `args`, if it is there.
pub fn argument<'a>(args: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    match path.split_once('.') {
        Some((outer, inner)) => args.get(outer)?.get(inner),
        None => args.get(path),
    }
}

/// Sets the argument `path` of `args`.
pub fn set_argument(args: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        Some((outer, inner)) => {
            if let Some(Value::Object(object)) = args.get_mut(outer) {
                object.insert(inner.to_owned(), value);
            }
        }
        None => {
            args.insert(path.to_owned(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_match_resolves_several_need_an_exact_label_none_says_so() {
        let one = json!({"count": 1, "results": [{"slug": "cosmos", "name": "Cosmos"}]});
        assert_eq!(
            resolve(&one, "slug", "the cosmos"),
            Resolution::One(json!("cosmos"), "Cosmos".into())
        );
        let several =
            json!({"results": [{"id": 1, "name": "Cosmos"}, {"id": 2, "name": "Cosmos II"}]});
        assert_eq!(
            resolve(&several, "id", "cosmos"),
            Resolution::One(json!(1), "Cosmos".into())
        );
        let Resolution::Several(candidates) = resolve(&several, "id", "cos") else {
            panic!("two partial matches")
        };
        assert_eq!(describe(&candidates), "1 (\"Cosmos\"), 2 (\"Cosmos II\")");
        assert_eq!(
            resolve(&json!({"results": []}), "id", "x"),
            Resolution::Nothing
        );
        assert_eq!(
            resolve(&json!({"result": [{"id": 7}]}), "id", "x"),
            Resolution::One(json!(7), String::new())
        );
    }

    #[test]
    fn arguments_are_read_and_set_by_path() {
        let mut args = json!({"slug": "a", "body": {"category": "x"}})
            .as_object()
            .cloned()
            .unwrap();
        assert_eq!(argument(&args, "body.category"), Some(&json!("x")));
        set_argument(&mut args, "body.category", json!("books"));
        set_argument(&mut args, "slug", json!("b"));
        assert_eq!(
            Value::Object(args),
            json!({"slug": "b", "body": {"category": "books"}})
        );
    }
}
