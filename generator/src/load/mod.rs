//! Stage 1: read the spec file, parse it, and check it is an OpenAPI 3 document.

mod normalize;
mod yaml;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Diagnostics, Position};

/// Which OpenAPI version the document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 3.0.x
    V30,
    /// 3.1.x (and 3.2.x, read as 3.1): normalized to the 3.0 model on load.
    V31,
}

/// A parsed spec with what is needed to point back into its text.
#[derive(Debug)]
pub struct LoadedSpec {
    /// How the file is named in diagnostics and generated headers.
    pub display_name: String,
    /// The document as JSON (3.1 idioms already normalized to 3.0 shapes).
    pub root: Value,
    /// Declared version.
    pub version: Version,
    /// The `openapi` field as written.
    pub version_text: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    text: String,
    positions: OnceLock<HashMap<String, Position>>,
}

impl LoadedSpec {
    /// Line and column of the node at `pointer` (or of its closest parent that has one).
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let positions = self.positions.get_or_init(|| positions(&self.text));
        closest(positions, pointer)
    }
}

/// Line and column of every node of `text` (YAML, or JSON read as YAML), by JSON pointer.
fn positions(text: &str) -> HashMap<String, Position> {
    yaml::parse(text, true)
        .ok()
        .and_then(|(_, p)| p)
        .unwrap_or_default()
}

/// The position of `pointer`, or of its closest parent that has one.
fn closest(positions: &HashMap<String, Position>, mut pointer: &str) -> Option<Position> {
    loop {
        if let Some(pos) = positions.get(pointer) {
            return Some(*pos);
        }
        pointer = &pointer[..pointer.rfind('/')?];
    }
}

/// Reads and parses `path`.
pub fn load_file(path: &Path) -> Result<LoadedSpec, Diagnostics> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|err| {
        one(
            Diagnostic::error("", format!("cannot read the spec {display}: {err}"))
                .with_fix("check the path given to --spec"),
        )
    })?;
    load_str(&text, &display)
}

/// Parses `text`, naming it `display_name` in diagnostics.
pub fn load_str(text: &str, display_name: &str) -> Result<LoadedSpec, Diagnostics> {
    let sha256 = hex(&Sha256::digest(text.as_bytes()));
    let looks_json = text.trim_start().starts_with('{');
    let root = if looks_json {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => v,
            Err(err) => {
                let mut d = Diagnostic::error("", format!("the spec is not valid JSON: {err}"))
                    .with_fix("fix the JSON syntax at the position shown");
                d.position = Some(Position {
                    line: err.line(),
                    column: err.column(),
                });
                return Err(one(d));
            }
        }
    } else {
        match yaml::parse(text, false) {
            Ok((v, _)) => v,
            Err(err) => {
                let mut d =
                    Diagnostic::error("", format!("the spec is not valid YAML: {}", err.message))
                        .with_fix("fix the YAML syntax at the position shown");
                d.position = Some(err.position);
                return Err(one(d));
            }
        }
    };
    let (version, version_text) = detect_version(&root).map_err(|mut diagnostics| {
        let positions = positions(text);
        diagnostics.locate(|pointer| closest(&positions, pointer));
        diagnostics
    })?;
    let mut spec = LoadedSpec {
        display_name: display_name.to_owned(),
        root,
        version,
        version_text,
        sha256,
        text: text.to_owned(),
        positions: OnceLock::new(),
    };
    if version == Version::V31 {
        normalize::to_30(&mut spec.root);
    }
    Ok(spec)
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.push(d);
    all
}

fn detect_version(root: &Value) -> Result<(Version, String), Diagnostics> {
    let Value::Object(map) = root else {
        return Err(one(Diagnostic::error(
            "#",
            "the spec is not an OpenAPI document: its top level is not a mapping",
        )
        .with_fix("pass an OpenAPI 3.0 or 3.1 document (YAML or JSON)")));
    };
    if let Some(swagger) = map.get("swagger") {
        return Err(one(Diagnostic::error(
            "#/swagger",
            format!(
                "this is a Swagger {} document; spec2mcp reads OpenAPI 3.0 and 3.1",
                text(swagger)
            ),
        )
        .with_fix(
            "convert it to OpenAPI 3 first, e.g. `npx swagger2openapi spec.yaml -o openapi.yaml`, \
                 or regenerate it from the source (drf-spectacular writes OpenAPI 3 directly)",
        )));
    }
    let Some(declared) = map.get("openapi") else {
        return Err(one(Diagnostic::error(
            "#",
            "the spec is not an OpenAPI document: it has no `openapi` field",
        )
        .with_fix(
            "pass an OpenAPI 3.0 or 3.1 document; it starts with `openapi: 3.0.3` or similar",
        )));
    };
    let declared = text(declared);
    let version = if declared.starts_with("3.0") {
        Version::V30
    } else if declared.starts_with("3.1") || declared.starts_with("3.2") {
        Version::V31
    } else {
        return Err(one(Diagnostic::error(
            "#/openapi",
            format!("OpenAPI version {declared} is not supported"),
        )
        .with_fix("use an OpenAPI 3.0.x or 3.1.x document")));
    };
    Ok((version, declared))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
