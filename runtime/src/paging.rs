//! Pagination understood: a page's `next` (DRF's `count/next/previous/results`, whatever the
//! paginator: page number, limit/offset, cursor) or a `Link: <…>; rel="next"` header becomes the
//! *arguments* of the same tool for the next page, so an agent calls again instead of taking a
//! URL apart. With `--max-pages N` a read fetches up to N pages at once, within the size limit.

use serde_json::{Map, Value};

/// The arguments for the page at `next`: the call's own arguments with the next URL's query
/// parameters put in. `None` when a parameter of the URL is not an argument of the tool
/// (`properties` of its input schema), so the page cannot be asked for through it.
pub fn next_arguments(
    next: &str,
    args: &Map<String, Value>,
    properties: &Map<String, Value>,
) -> Option<Map<String, Value>> {
    let url = reqwest::Url::parse(next).ok()?;
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in url.query_pairs() {
        match pairs.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value.into_owned()),
            None => pairs.push((name.into_owned(), vec![value.into_owned()])),
        }
    }
    let mut next_args = args.clone();
    for (name, values) in pairs {
        let schema = properties.get(&name)?;
        next_args.insert(name, typed(values, schema));
    }
    (next_args != *args).then_some(next_args)
}

/// Query text as the argument's JSON type: an integer for an integer, a list for an array.
fn typed(mut values: Vec<String>, schema: &Value) -> Value {
    let types = |schema: &Value| -> Vec<String> {
        match schema.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    };
    let scalar = |text: String, schema: &Value| -> Value {
        let kinds = types(schema);
        if kinds.iter().any(|t| t == "integer") {
            if let Ok(n) = text.parse::<i64>() {
                return Value::from(n);
            }
        }
        if kinds.iter().any(|t| t == "number") {
            if let Some(n) = text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                return Value::Number(n);
            }
        }
        if kinds.iter().any(|t| t == "boolean") && (text == "true" || text == "false") {
            return Value::Bool(text == "true");
        }
        Value::String(text)
    };
    if types(schema).iter().any(|t| t == "array") {
        let items = schema.get("items").cloned().unwrap_or(Value::Null);
        return Value::Array(values.into_iter().map(|v| scalar(v, &items)).collect());
    }
    scalar(values.pop().unwrap_or_default(), schema)
}

/// The items of a page: DRF's `results`, or the array of an array answer (`{"result": […]}`).
pub fn items_mut(structured: &mut Value) -> Option<&mut Vec<Value>> {
    let map = structured.as_object_mut()?;
    if map.get("results").is_some_and(Value::is_array) {
        return map.get_mut("results")?.as_array_mut();
    }
    map.get_mut("result")?.as_array_mut()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props() -> Map<String, Value> {
        json!({"page": {"type": "integer"}, "cursor": {"type": "string"}, "tag": {"type": "array", "items": {"type": "string"}},
            "category": {"type": "string"}, "limit": {"type": ["integer", "null"]}, "offset": {"type": "integer"}})
            .as_object()
            .cloned()
            .unwrap()
    }

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn drf_and_link_urls_become_the_same_tools_arguments() {
        let next = next_arguments(
            "http://127.0.0.1:8000/api/products/?category=books&page=2&tag=a&tag=b",
            &args(json!({"category": "books", "tag": ["a", "b"]})),
            &props(),
        );
        assert_eq!(
            next,
            Some(args(
                json!({"category": "books", "tag": ["a", "b"], "page": 2})
            ))
        );
        let cursor = next_arguments(
            "https://sentry.io/api/0/issues/?cursor=0:100:0",
            &Map::new(),
            &props(),
        );
        assert_eq!(cursor, Some(args(json!({"cursor": "0:100:0"}))));
        let offset = next_arguments(
            "http://h/x/?limit=10&offset=20",
            &args(json!({"limit": 10})),
            &props(),
        );
        assert_eq!(offset, Some(args(json!({"limit": 10, "offset": 20}))));
        assert_eq!(
            next_arguments("http://h/x/?secret_token=1", &Map::new(), &props()),
            None
        );
    }
}
