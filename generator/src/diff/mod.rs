//! The contract diff: two versions of a server's tools (from specs or `tools.json` manifests),
//! classified as breaking for an agent or a caller's code, or compatible.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use std::path::Path;

use serde_json::Value;

use crate::manifest::{Manifest, ToolEntry};
use crate::{model, Failure, Options};

/// Whether a change can break a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Existing calls may fail or mean something else.
    Breaking,
    /// Existing calls keep working.
    Compatible,
}

/// One difference between the two contracts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaking or compatible.
    pub impact: Impact,
    /// The tool it concerns.
    pub tool: String,
    /// What changed, in words.
    pub message: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.tool, self.message)
    }
}

/// All changes, breaking first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes, sorted.
    pub changes: Vec<Change>,
}

impl Report {
    /// How many are breaking.
    pub fn breaking(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .count()
    }

    /// Grouped text: breaking, then compatible, then a count line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (impact, title) in [
            (Impact::Breaking, "Breaking changes"),
            (Impact::Compatible, "Compatible changes"),
        ] {
            let group: Vec<&Change> = self.changes.iter().filter(|c| c.impact == impact).collect();
            if group.is_empty() {
                continue;
            }
            out.push_str(&format!("{title} ({}):\n", group.len()));
            for change in group {
                out.push_str(&format!("  {change}\n"));
            }
        }
        let compatible = self.changes.len() - self.breaking();
        out.push_str(&format!(
            "{} breaking, {compatible} compatible change(s)\n",
            self.breaking()
        ));
        out
    }
}

/// The contract of one side: a `tools.json` manifest as it is, or a spec modeled in memory with
/// `options` (methods, config), or a Django project's `manage.py` (its drf-spectacular schema);
/// nothing is emitted.
pub fn contract(path: &Path, options: &Options) -> Result<Manifest, Failure> {
    if let Some(manifest) = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| Manifest::from_json(&text))
    {
        return Ok(manifest);
    }
    let input = if path.file_name().is_some_and(|name| name == "manage.py") {
        crate::Input::Django(crate::django::Project::new(path))
    } else {
        crate::Input::File(path.to_path_buf())
    };
    let options = Options {
        spec_display: Some(input.display()),
        input,
        ..options.clone()
    };
    Ok(model(&options)?.manifest())
}

/// Compares two contracts.
pub fn diff(old: &Manifest, new: &Manifest) -> Report {
    let old_tools = tools(old);
    let new_tools = tools(new);
    let mut changes = Vec::new();
    let mut push = |impact, tool: &str, message: String| {
        changes.push(Change {
            impact,
            tool: tool.to_owned(),
            message,
        })
    };

    let removed: Vec<&str> = old_tools
        .keys()
        .copied()
        .filter(|n| !new_tools.contains_key(n))
        .collect();
    let added: BTreeSet<&str> = new_tools
        .keys()
        .copied()
        .filter(|n| !old_tools.contains_key(n))
        .collect();
    let mut renamed_to = BTreeSet::new();
    for name in removed {
        let old_tool = old_tools[name];
        let same_operation = added
            .iter()
            .find(|n| endpoint(new_tools[**n]) == endpoint(old_tool) && !renamed_to.contains(**n));
        match same_operation {
            Some(new_name) => {
                renamed_to.insert(*new_name);
                push(
                    Impact::Breaking,
                    name,
                    format!("tool renamed to `{new_name}`"),
                );
                compare_tool(name, old_tool, new_tools[*new_name], &mut push);
            }
            None => push(
                Impact::Breaking,
                name,
                format!("tool removed ({})", endpoint(old_tool)),
            ),
        }
    }
    for name in added.iter().filter(|n| !renamed_to.contains(**n)) {
        push(
            Impact::Compatible,
            name,
            format!("tool added ({})", endpoint(new_tools[*name])),
        );
    }
    for (name, old_tool) in &old_tools {
        if let Some(new_tool) = new_tools.get(name) {
            compare_tool(name, old_tool, new_tool, &mut push);
        }
    }
    changes.sort();
    changes.dedup();
    Report { changes }
}

fn tools(manifest: &Manifest) -> BTreeMap<&str, &ToolEntry> {
    manifest
        .tools
        .iter()
        .map(|t| (t.name.as_str(), t))
        .collect()
}

fn endpoint(tool: &ToolEntry) -> String {
    format!("{} {}", tool.method, tool.path)
}

fn compare_tool(
    name: &str,
    old: &ToolEntry,
    new: &ToolEntry,
    push: &mut impl FnMut(Impact, &str, String),
) {
    if endpoint(old) != endpoint(new) {
        push(
            Impact::Compatible,
            name,
            format!("now calls {} (was {})", endpoint(new), endpoint(old)),
        );
    }
    let (was, now) = (old.annotations, new.annotations);
    let dangerous = [
        (
            was.read_only_hint,
            now.read_only_hint,
            true,
            "readOnlyHint",
            "is no longer read-only",
        ),
        (
            was.idempotent_hint,
            now.idempotent_hint,
            true,
            "idempotentHint",
            "is no longer idempotent",
        ),
        (
            was.destructive_hint,
            now.destructive_hint,
            false,
            "destructiveHint",
            "is now destructive",
        ),
    ];
    for (was, now, safe, key, message) in dangerous {
        if was == safe && now != safe {
            push(Impact::Breaking, name, message.to_owned());
        } else if was != safe && now == safe {
            push(Impact::Compatible, name, format!("`{key}` is now {safe}"));
        }
    }
    if old.title != new.title {
        push(Impact::Compatible, name, "title changed".to_owned());
    }
    // A manifest from before version 1 has no descriptions to compare.
    if !old.description.is_empty()
        && !new.description.is_empty()
        && old.description != new.description
    {
        push(Impact::Compatible, name, "description changed".to_owned());
    }
    for (arg, value) in &new.fixed {
        match old.fixed.get(arg) {
            Some(before) if before == value => {}
            Some(before) => push(
                Impact::Compatible,
                name,
                format!("`{arg}` is fixed to {value} (was {before})"),
            ),
            None => push(
                Impact::Compatible,
                name,
                format!("`{arg}` is fixed to {value}"),
            ),
        }
    }
    compare_needs(name, old, new, push);
    compare_object(name, "", &old.input_schema, &new.input_schema, push);
}

/// Changes to where a tool's identifiers come from: an agent that chains tools follows these.
fn compare_needs(
    name: &str,
    old: &ToolEntry,
    new: &ToolEntry,
    push: &mut impl FnMut(Impact, &str, String),
) {
    for need in &new.needs {
        match old.needs.iter().find(|n| n.argument == need.argument) {
            None => push(
                Impact::Compatible,
                name,
                format!(
                    "`{}` now identifies a {} ({}), from {}",
                    need.argument,
                    need.resource,
                    need.field,
                    describe_from(&need.from)
                ),
            ),
            Some(was) if was.from != need.from || was.resource != need.resource => push(
                Impact::Compatible,
                name,
                format!(
                    "`{}` now comes from {} (was {})",
                    need.argument,
                    describe_from(&need.from),
                    describe_from(&was.from)
                ),
            ),
            Some(_) => {}
        }
    }
    for was in old
        .needs
        .iter()
        .filter(|w| !new.needs.iter().any(|n| n.argument == w.argument))
    {
        push(
            Impact::Compatible,
            name,
            format!(
                "`{}` is no longer linked to a {}",
                was.argument, was.resource
            ),
        );
    }
}

fn describe_from(tools: &[String]) -> String {
    if tools.is_empty() {
        "no tool".to_owned()
    } else {
        tools.join(", ")
    }
}

/// Compares the properties of two object schemas; `prefix` names the enclosing argument.
fn compare_object(
    tool: &str,
    prefix: &str,
    old: &Value,
    new: &Value,
    push: &mut impl FnMut(Impact, &str, String),
) {
    let props = |v: &Value| {
        v.get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let required = |v: &Value| -> BTreeSet<String> {
        v.get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_props, new_props) = (props(old), props(new));
    let (old_req, new_req) = (required(old), required(new));
    let what = if prefix.is_empty() {
        "argument"
    } else {
        "field"
    };
    for (name, old_prop) in &old_props {
        let path = format!("{prefix}{name}");
        match new_props.get(name) {
            None => push(Impact::Breaking, tool, format!("{what} `{path}` removed")),
            Some(new_prop) => {
                if !old_req.contains(name) && new_req.contains(name) {
                    push(
                        Impact::Breaking,
                        tool,
                        format!("{what} `{path}` is now required"),
                    );
                } else if old_req.contains(name) && !new_req.contains(name) {
                    push(
                        Impact::Compatible,
                        tool,
                        format!("{what} `{path}` is now optional"),
                    );
                }
                compare_schema(tool, &path, old_prop, new_prop, push);
            }
        }
    }
    for name in new_props.keys().filter(|n| !old_props.contains_key(*n)) {
        let path = format!("{prefix}{name}");
        if new_req.contains(name) {
            push(
                Impact::Breaking,
                tool,
                format!("new required {what} `{path}`"),
            );
        } else {
            push(
                Impact::Compatible,
                tool,
                format!("optional {what} `{path}` added"),
            );
        }
    }
}

/// Compares one argument's schema: type, enum, constraints, description, and what is inside.
fn compare_schema(
    tool: &str,
    path: &str,
    old: &Value,
    new: &Value,
    push: &mut impl FnMut(Impact, &str, String),
) {
    let (old, old_null) = unwrap_nullable(old);
    let (new, new_null) = unwrap_nullable(new);
    let (old_types, new_types) = (types(old), types(new));
    if old_types != new_types {
        let widened = old_types
            .iter()
            .all(|t| new_types.contains(t) || (t == "integer" && new_types.contains("number")));
        let describe = |t: &BTreeSet<String>| {
            if t.is_empty() {
                "any".to_owned()
            } else {
                t.iter().cloned().collect::<Vec<_>>().join(" or ")
            }
        };
        let message = format!(
            "type of `{path}` changed from {} to {}",
            describe(&old_types),
            describe(&new_types)
        );
        push(
            if widened && !new_types.is_empty() || new_types.is_empty() {
                Impact::Compatible
            } else {
                Impact::Breaking
            },
            tool,
            message,
        );
    }
    if old_null && !new_null {
        push(
            Impact::Breaking,
            tool,
            format!("`{path}` no longer accepts null"),
        );
    }
    let enum_of = |v: &Value| v.get("enum").and_then(Value::as_array).cloned();
    match (enum_of(old), enum_of(new)) {
        (Some(o), Some(n)) => {
            for value in o.iter().filter(|v| !n.contains(v) && !v.is_null()) {
                push(
                    Impact::Breaking,
                    tool,
                    format!("enum value {value} removed from `{path}`"),
                );
            }
            for value in n.iter().filter(|v| !o.contains(v) && !v.is_null()) {
                push(
                    Impact::Compatible,
                    tool,
                    format!("enum value {value} added to `{path}`"),
                );
            }
        }
        (None, Some(_)) => push(
            Impact::Breaking,
            tool,
            format!("`{path}` is now limited to an enum"),
        ),
        (Some(_), None) => push(
            Impact::Compatible,
            tool,
            format!("`{path}` is no longer limited to an enum"),
        ),
        (None, None) => {}
    }
    for (key, narrower_when_larger) in [
        ("minimum", true),
        ("exclusiveMinimum", true),
        ("minLength", true),
        ("minItems", true),
        ("maximum", false),
        ("exclusiveMaximum", false),
        ("maxLength", false),
        ("maxItems", false),
    ] {
        let (o, n) = (
            old.get(key).and_then(Value::as_f64),
            new.get(key).and_then(Value::as_f64),
        );
        let narrowed = match (o, n) {
            (None, Some(_)) => true,
            (Some(a), Some(b)) if a != b => (b > a) == narrower_when_larger,
            _ => false,
        };
        if narrowed {
            push(
                Impact::Breaking,
                tool,
                format!("`{key}` of `{path}` narrowed to {}", new[key]),
            );
        } else if o != n {
            push(
                Impact::Compatible,
                tool,
                format!("`{key}` of `{path}` loosened"),
            );
        }
    }
    if old.get("pattern") != new.get("pattern") {
        let impact = if new.get("pattern").is_some() {
            Impact::Breaking
        } else {
            Impact::Compatible
        };
        push(impact, tool, format!("pattern of `{path}` changed"));
    }
    if old.get("description") != new.get("description") {
        push(
            Impact::Compatible,
            tool,
            format!("description of `{path}` changed"),
        );
    }
    if old.get("properties").is_some() || new.get("properties").is_some() {
        compare_object(tool, &format!("{path}."), old, new, push);
    }
    if let (Some(o), Some(n)) = (old.get("items"), new.get("items")) {
        compare_schema(tool, &format!("{path}[]"), o, n, push);
    }
}

/// `anyOf: [X, {type: null}]` → (X, true); `type: [T, "null"]` keeps its shape, with null noted.
fn unwrap_nullable(schema: &Value) -> (&Value, bool) {
    if let Some(Value::Array(members)) = schema.get("anyOf") {
        if members.len() == 2 {
            let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
            if let Some(other) = members.iter().find(|m| !is_null(m)) {
                if members.iter().any(is_null) {
                    return (other, true);
                }
            }
        }
    }
    let null_type =
        matches!(schema.get("type"), Some(Value::Array(t)) if t.iter().any(|v| v == "null"));
    (schema, null_type)
}

fn types(schema: &Value) -> BTreeSet<String> {
    match schema.get("type") {
        Some(Value::String(t)) => BTreeSet::from([t.clone()]),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .map(str::to_owned)
            .collect(),
        _ => BTreeSet::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool(name: &str, path: &str, schema: Value, read_only: bool) -> ToolEntry {
        ToolEntry {
            name: name.to_owned(),
            title: "T".to_owned(),
            description: String::new(),
            method: "GET".to_owned(),
            path: path.to_owned(),
            operation_id: None,
            annotations: crate::manifest::Annotations {
                read_only_hint: read_only,
                destructive_hint: false,
                idempotent_hint: true,
                open_world_hint: true,
            },
            input_schema: schema,
            output_schema: None,
            needs: Vec::new(),
            yields: Vec::new(),
            derived: Vec::new(),
            fixed: Default::default(),
        }
    }

    fn manifest(tools: Vec<ToolEntry>) -> Manifest {
        Manifest {
            version: crate::manifest::VERSION,
            generator: "spec2mcp test".to_owned(),
            spec: "spec.yaml".to_owned(),
            spec_sha256: String::new(),
            server: "test-mcp".to_owned(),
            tools,
        }
    }

    #[test]
    fn classifies_argument_changes() {
        let old = manifest(vec![tool(
            "t",
            "/t",
            json!({"type": "object", "properties": {
            "a": {"type": "integer"}, "b": {"type": "string", "enum": ["x", "y"]}, "c": {"type": "string"}
        }, "required": ["a"]}),
            true,
        )]);
        let new = manifest(vec![tool(
            "t",
            "/t",
            json!({"type": "object", "properties": {
            "a": {"type": "number"}, "b": {"type": "string", "enum": ["x", "z"]}, "c": {"type": "integer"},
            "d": {"type": "string"}, "e": {"type": "string"}
        }, "required": ["a", "e"]}),
            false,
        )]);
        let report = diff(&old, &new);
        let breaking: Vec<String> = report
            .changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .map(|c| c.message.clone())
            .collect();
        let compatible: Vec<String> = report
            .changes
            .iter()
            .filter(|c| c.impact == Impact::Compatible)
            .map(|c| c.message.clone())
            .collect();
        assert!(
            breaking.contains(&"is no longer read-only".to_owned()),
            "{breaking:?}"
        );
        assert!(
            breaking.contains(&"enum value \"y\" removed from `b`".to_owned()),
            "{breaking:?}"
        );
        assert!(
            breaking.contains(&"type of `c` changed from string to integer".to_owned()),
            "{breaking:?}"
        );
        assert!(
            breaking.contains(&"new required argument `e`".to_owned()),
            "{breaking:?}"
        );
        assert!(
            compatible.contains(&"type of `a` changed from integer to number".to_owned()),
            "{compatible:?}"
        );
        assert!(
            compatible.contains(&"optional argument `d` added".to_owned()),
            "{compatible:?}"
        );
        assert_eq!(report.breaking(), 4, "{}", report.render());
    }

    #[test]
    fn a_moved_tool_is_a_rename() {
        let old = manifest(vec![tool("list_pets", "/pets", json!({}), true)]);
        let new = manifest(vec![tool("pets_list", "/pets", json!({}), true)]);
        let report = diff(&old, &new);
        assert_eq!(report.changes.len(), 1, "{}", report.render());
        assert_eq!(report.changes[0].message, "tool renamed to `pets_list`");
    }
}
