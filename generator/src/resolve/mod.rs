//! Stage 2: follow local `$ref`s and gather each operation with its effective parameters
//! (path-level merged with operation-level) and security.

use serde_json::Value;

use crate::diag::{join_pointer, Diagnostic};

/// HTTP methods in the order they are listed in a path item, which is the order tools get.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Read access to the document with `$ref` resolution.
#[derive(Debug, Clone, Copy)]
pub struct Resolver<'a> {
    root: &'a Value,
}

/// A node after following `$ref`s, with the pointer of where it really is.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// The node itself (never a `$ref` object).
    pub value: &'a Value,
    /// Where it is: the target of the last `$ref` followed, or where it was found.
    pub pointer: String,
    /// The component name when it was reached through `#/components/<kind>/<name>`.
    pub component: Option<String>,
}

impl<'a> Resolver<'a> {
    /// A resolver over `root`.
    pub fn new(root: &'a Value) -> Self {
        Resolver { root }
    }

    /// The document root.
    pub fn root(&self) -> &'a Value {
        self.root
    }

    /// The node at a `#/…` pointer, without following `$ref`s.
    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        let rest = pointer.strip_prefix('#')?;
        if rest.is_empty() {
            return Some(self.root);
        }
        let rest = percent_decode(rest);
        self.root.pointer(&rest)
    }

    /// Follows `$ref` chains from `value` (found at `pointer`) to a real node.
    pub fn deref(&self, value: &'a Value, pointer: &str) -> Result<Node<'a>, Diagnostic> {
        let mut current = value;
        let mut at = pointer.to_owned();
        let mut component = None;
        let mut seen: Vec<String> = Vec::new();
        while let Some(target) = ref_of(current) {
            let ref_pointer = join_pointer(&at, "$ref");
            if !target.starts_with('#') {
                return Err(Diagnostic::error(
                    ref_pointer,
                    format!("`$ref: {target}` points outside this document; only local references are supported"),
                )
                .with_fix("bundle the spec into one file first, e.g. `npx @redocly/cli bundle openapi.yaml -o bundled.yaml`"));
            }
            if seen.iter().any(|s| s == target) {
                return Err(Diagnostic::error(
                    ref_pointer,
                    format!(
                        "`$ref: {target}` is a reference cycle that never reaches a definition"
                    ),
                )
                .with_fix("make one of the references in the cycle point to a real definition"));
            }
            seen.push(target.to_owned());
            let Some(next) = self.get(target) else {
                return Err(Diagnostic::error(
                    ref_pointer,
                    format!("`$ref: {target}` points to nothing in this document"),
                )
                .with_fix("correct the reference or add the missing definition"));
            };
            component = component_name(target);
            current = next;
            at = target.to_owned();
        }
        Ok(Node {
            value: current,
            pointer: at,
            component,
        })
    }
}

/// The `$ref` string of an object, if it has one.
pub fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// `Pet` for `#/components/schemas/Pet`.
pub fn component_name(target: &str) -> Option<String> {
    let rest = target.strip_prefix("#/components/")?;
    let (_kind, name) = rest.split_once('/')?;
    (!name.contains('/')).then(|| name.replace("~1", "/").replace("~0", "~"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// One operation with everything needed to model it.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// Pointer of the operation object, e.g. `#/paths/~1pets/get`.
    pub pointer: String,
    /// Path template, e.g. `/pets/{id}`.
    pub path: String,
    /// Lower-case method.
    pub method: &'static str,
    /// The operation object.
    pub op: &'a Value,
    /// Effective parameters (operation-level override path-level by name and location).
    pub parameters: Vec<Node<'a>>,
}

/// Every operation of the document in path order, then method order. Problems with a path item
/// or a parameter are reported and the operation is skipped or the parameter left out.
pub fn operations<'a>(resolver: &Resolver<'a>, diags: &mut Vec<Diagnostic>) -> Vec<Operation<'a>> {
    let mut out = Vec::new();
    let Some(Value::Object(paths)) = resolver.root().get("paths") else {
        return out;
    };
    for (path, item) in paths {
        let item_pointer = join_pointer("#/paths", path);
        let item = match resolver.deref(item, &item_pointer) {
            Ok(node) => node,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let shared = parameters(
            resolver,
            item.value.get("parameters"),
            &join_pointer(&item.pointer, "parameters"),
            diags,
        );
        for method in METHODS {
            let Some(op) = item.value.get(method) else {
                continue;
            };
            let pointer = join_pointer(&item.pointer, method);
            let own = parameters(
                resolver,
                op.get("parameters"),
                &join_pointer(&pointer, "parameters"),
                diags,
            );
            let mut merged: Vec<Node<'a>> = Vec::new();
            for param in shared.iter().chain(own.iter()) {
                let key = param_key(param.value);
                if let Some(existing) = merged.iter_mut().find(|p| param_key(p.value) == key) {
                    *existing = param.clone();
                } else {
                    merged.push(param.clone());
                }
            }
            out.push(Operation {
                pointer,
                path: path.clone(),
                method,
                op,
                parameters: merged,
            });
        }
    }
    out
}

fn param_key(param: &Value) -> (String, String) {
    let field = |k: &str| {
        param
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    (field("name"), field("in"))
}

fn parameters<'a>(
    resolver: &Resolver<'a>,
    list: Option<&'a Value>,
    pointer: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Node<'a>> {
    let Some(Value::Array(items)) = list else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match resolver.deref(item, &format!("{pointer}/{i}")) {
            Ok(node) => out.push(node),
            Err(d) => diags.push(d),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_chains_and_reports_cycles_and_dangling_refs() {
        let doc = serde_json::json!({
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"type": "string"},
                "C": {"$ref": "#/components/schemas/C"},
                "D": {"$ref": "#/components/schemas/Nope"}
            }}
        });
        let r = Resolver::new(&doc);
        let a = r
            .deref(&doc["components"]["schemas"]["A"], "#/components/schemas/A")
            .unwrap();
        assert_eq!(a.value["type"], "string");
        assert_eq!(a.component.as_deref(), Some("B"));
        let c = r
            .deref(&doc["components"]["schemas"]["C"], "#/components/schemas/C")
            .unwrap_err();
        assert!(c.message.contains("cycle"));
        let d = r
            .deref(&doc["components"]["schemas"]["D"], "#/components/schemas/D")
            .unwrap_err();
        assert_eq!(d.pointer, "#/components/schemas/D/$ref");
    }

    #[test]
    fn operation_parameters_override_path_parameters() {
        let doc = serde_json::json!({"paths": {"/p/{id}": {
            "parameters": [{"name": "id", "in": "path", "description": "shared"}],
            "get": {"parameters": [{"name": "id", "in": "path", "description": "own"}, {"name": "q", "in": "query"}]}
        }}});
        let mut diags = Vec::new();
        let ops = operations(&Resolver::new(&doc), &mut diags);
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].parameters.len(), 2);
        assert_eq!(ops[0].parameters[0].value["description"], "own");
        assert_eq!(ops[0].pointer, "#/paths/~1p~1{id}/get");
    }
}
