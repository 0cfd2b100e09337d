//! `[tools]` of spec2mcp.toml applied to the built tools: titles and descriptions replaced,
//! read-only or destructive marked where the method says otherwise, parameters hidden, fixed or
//! given a default. The changes are made to the model, so the generated code, the advertised
//! schemas and `tools.json` all show them, and drift checks compare them.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Hints, Preset, Settings, Tool};
use crate::config::{ArgTransform, ToolTransform};
use crate::diag::Diagnostic;
use crate::resolve::Operation;

/// Whether the config key `key` names the tool `name` (or the operation `operation_id`): the
/// same text, or a pattern in which `*` stands for any run of characters.
pub fn matches(key: &str, name: &str, operation_id: Option<&str>) -> bool {
    let one = |text: &str| {
        if key.contains('*') {
            glob(key, text)
        } else {
            key == text
        }
    };
    one(name) || operation_id.is_some_and(one)
}

/// `*` matches any run of characters; everything else itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    if !text.ends_with(last) {
        return false;
    }
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Whether the config marks `op` read-only: such an operation becomes a tool even when its
/// method is not enabled (a search sent as POST is a read). Matched by operationId, or by the
/// name spec2mcp gives it from its operationId.
pub fn marked_read_only(op: &Operation<'_>, settings: &Settings) -> bool {
    let id = op.op.get("operationId").and_then(Value::as_str);
    let raw = super::naming::raw_name(id, op.method, &op.path);
    let name = super::naming::tool_name(&raw, settings.max_tool_name_len);
    settings
        .transforms
        .iter()
        .any(|(key, t)| t.read_only == Some(true) && matches(key, &name, id))
}

/// Applies every `[tools]` entry; one that names no tool or argument is an error with the
/// nearest name.
pub fn apply(
    tools: &mut [Tool],
    transforms: &BTreeMap<String, ToolTransform>,
    diags: &mut Vec<Diagnostic>,
) {
    for (key, change) in transforms {
        let matched: Vec<usize> = (0..tools.len())
            .filter(|&i| matches(key, &tools[i].name, tools[i].operation_id.as_deref()))
            .collect();
        if matched.is_empty() {
            let known = tools
                .iter()
                .flat_map(|t| std::iter::once(t.name.as_str()).chain(t.operation_id.as_deref()));
            diags.push(
                Diagnostic::error(
                    "",
                    format!(
                        "spec2mcp.toml's [tools.{key:?}] names no tool{}",
                        crate::suggest::hint(key, known)
                    ),
                )
                .with_fix(
                    "use a tool name (as in tools.json), an operationId, or a pattern with `*`; an operation left out by methods, include or exclude has no tool",
                ),
            );
            continue;
        }
        for i in matched {
            apply_one(&mut tools[i], key, change, diags);
        }
    }
    // A lookup through another tool's search argument that was hidden or fixed is gone.
    let searchable: Vec<(String, Vec<String>)> = tools
        .iter()
        .map(|t| {
            let open = t.args.iter().filter(|a| a.is_open());
            (t.name.clone(), open.map(|a| a.wire.clone()).collect())
        })
        .collect();
    for need in tools.iter_mut().flat_map(|t| t.needs.iter_mut()) {
        let still = need.search.as_ref().is_some_and(|(tool, arg)| {
            searchable
                .iter()
                .any(|(name, args)| name == tool && args.contains(arg))
        });
        if !still {
            need.search = None;
        }
    }
}

fn apply_one(tool: &mut Tool, key: &str, change: &ToolTransform, diags: &mut Vec<Diagnostic>) {
    if let Some(title) = &change.title {
        tool.title = title.clone();
        tool.derived.title = false;
    }
    if let Some(description) = &change.description {
        tool.description = description.clone();
        tool.derived.description = false;
    }
    match (change.read_only, change.destructive) {
        (Some(true), Some(true)) => diags.push(
            Diagnostic::error(
                tool.pointer.clone(),
                format!(
                    "spec2mcp.toml marks `{}` both read_only and destructive",
                    tool.name
                ),
            )
            .with_fix(format!("keep one of them in [tools.{key:?}]")),
        ),
        (read_only, destructive) => {
            let by_method = Hints::of_method(&tool.method);
            if read_only == Some(true) {
                tool.hints = Hints {
                    read_only: true,
                    idempotent: true,
                    destructive: false,
                };
            } else if read_only == Some(false) {
                tool.hints.read_only = false;
                tool.hints.idempotent = by_method.idempotent && !by_method.read_only;
            }
            if let Some(destructive) = destructive {
                tool.hints.destructive = destructive;
                if destructive {
                    tool.hints.read_only = false;
                    // A "read" that destroys is not safe to repeat.
                    tool.hints.idempotent = by_method.idempotent && !by_method.read_only;
                }
            }
        }
    }
    for (name, arg_change) in &change.args {
        apply_arg(tool, key, name, arg_change, diags);
    }
}

fn apply_arg(
    tool: &mut Tool,
    key: &str,
    name: &str,
    change: &ArgTransform,
    diags: &mut Vec<Diagnostic>,
) {
    let pointer = tool.pointer.clone();
    let mut error = |message: String, fix: String| {
        diags.push(Diagnostic::error(pointer.clone(), message).with_fix(fix));
    };
    let Some(at) = tool.args.iter().position(|a| a.wire == name) else {
        let in_body = tool.body.as_ref().is_some_and(|b| b.wire == name);
        let fix = if in_body {
            "the request body and its fields cannot be changed here; only parameters (path, query, header, cookie) can".to_owned()
        } else {
            "use an argument name as the tool's input schema has it".to_owned()
        };
        let known = tool.args.iter().map(|a| a.wire.as_str());
        error(
            format!(
                "spec2mcp.toml's [tools.{key:?}.args] names `{name}`, which `{}` has no parameter called{}",
                tool.name,
                crate::suggest::hint(name, known)
            ),
            fix,
        );
        return;
    };
    let property = tool
        .input_schema
        .pointer(&format!("/properties/{}", crate::diag::escape_token(name)))
        .cloned()
        .unwrap_or(Value::Bool(true));
    for value in [&change.value, &change.default].into_iter().flatten() {
        if let Err(problem) = fits(value, &property) {
            error(
                format!(
                    "spec2mcp.toml gives `{name}` of `{}` the value {value}, which its schema does not accept: {problem}",
                    tool.name
                ),
                "give a value of the parameter's type".to_owned(),
            );
            return;
        }
    }
    if change.hide && tool.args[at].required {
        error(
            format!(
                "spec2mcp.toml hides `{name}` of `{}`, but the operation requires it",
                tool.name
            ),
            format!("fix its value instead: `value = …` in [tools.{key:?}.args.{name}]"),
        );
        return;
    }
    let schema = tool.input_schema.as_object_mut();
    let Some(schema) = schema else { return };
    let unlist = |schema: &mut serde_json::Map<String, Value>| {
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            required.retain(|r| r != name);
            if required.is_empty() {
                schema.remove("required");
            }
        }
    };
    let properties = schema.get_mut("properties").and_then(Value::as_object_mut);
    if change.hide || change.value.is_some() {
        if let Some(properties) = properties {
            properties.remove(name);
        }
        unlist(schema);
        tool.needs.retain(|n| n.argument != name);
        if change.hide {
            tool.args.remove(at);
        } else {
            tool.args[at].preset = change.value.clone().map(Preset::Fixed);
        }
        return;
    }
    if let Some(property) = properties
        .and_then(|p| p.get_mut(name))
        .and_then(Value::as_object_mut)
    {
        if let Some(default) = &change.default {
            property.insert("default".into(), default.clone());
        }
        if let Some(description) = &change.description {
            property.insert("description".into(), Value::String(description.clone()));
        }
    }
    if let Some(default) = &change.default {
        unlist(schema);
        tool.args[at].preset = Some(Preset::Default(default.clone()));
    }
    if let Some(description) = &change.description {
        tool.args[at].doc = description.clone();
    }
}

/// Whether `value` is of a type `schema` allows (its `type`, `enum`, array items and
/// `anyOf`/`oneOf` alternatives; anything finer is left to the upstream).
fn fits(value: &Value, schema: &Value) -> Result<(), String> {
    let Some(schema) = schema.as_object() else {
        return Ok(());
    };
    if let Some(choices) = schema.get("enum").and_then(Value::as_array) {
        if !choices.contains(value) {
            let shown: Vec<String> = choices.iter().map(Value::to_string).collect();
            return Err(format!("it must be one of {}", shown.join(", ")));
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            if !alternatives.iter().any(|a| fits(value, a).is_ok()) {
                return Err(format!("it matches none of the {key} alternatives"));
            }
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return Ok(()),
    };
    let is = |t: &str| match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    };
    if !types.iter().any(|t| is(t)) {
        return Err(format!("it must be {}", types.join(" or ")));
    }
    if let (Some(items), Some(values)) = (schema.get("items"), value.as_array()) {
        for item in values {
            fits(item, items)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_match_names_operation_ids_and_patterns() {
        assert!(matches("books_list", "books_list", None));
        assert!(matches("listBooks", "books_list", Some("listBooks")));
        assert!(matches("books_*", "books_list", None));
        assert!(matches("*_list", "books_list", None));
        assert!(matches("b*s_*t", "books_list", None));
        assert!(!matches("books_*", "authors_list", Some("listAuthors")));
        assert!(!matches("*_list_*", "books_list", None));
        assert!(!matches("books", "books_list", None));
    }

    #[test]
    fn values_are_checked_against_the_parameter_schema() {
        let integer = json!({"type": "integer"});
        assert!(fits(&json!(50), &integer).is_ok());
        assert!(fits(&json!("50"), &integer).is_err());
        assert!(fits(&json!(1.5), &integer).is_err());
        let tags = json!({"type": "array", "items": {"type": "string", "enum": ["a", "b"]}});
        assert!(fits(&json!(["a"]), &tags).is_ok());
        assert_eq!(
            fits(&json!(["c"]), &tags).unwrap_err(),
            "it must be one of \"a\", \"b\""
        );
        assert!(fits(&json!(null), &json!({"type": ["string", "null"]})).is_ok());
        assert!(fits(&json!(true), &json!({})).is_ok());
    }
}
