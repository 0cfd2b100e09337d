//! How a generated crate gets the `spec2mcp-runtime` crate: as a dependency on it, or as a copy
//! vendored beside the generated code. The copy is taken from `runtime/` at compile time, so the
//! generator cannot carry a stale one.

/// The folder of the vendored copy, inside the generated crate.
pub const VENDORED_DIR: &str = "spec2mcp-runtime";

/// The runtime crate's version; a generated manifest asks for exactly this one.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `(path inside the crate, contents)` of every file of the runtime crate.
macro_rules! runtime_files {
    ($($name:literal),* $(,)?) => {
        &[
            ("Cargo.toml", include_str!("../../../runtime/Cargo.toml")),
            $((concat!("src/", $name), include_str!(concat!("../../../runtime/src/", $name)))),*
        ]
    };
}

/// Every file of `runtime/` (a test checks the list is complete).
pub const RUNTIME_FILES: &[(&str, &str)] = runtime_files!(
    "args.rs",
    "auth.rs",
    "call.rs",
    "caller.rs",
    "check.rs",
    "coerce.rs",
    "cli.rs",
    "def.rs",
    "dynamic.rs",
    "executor.rs",
    "http.rs",
    "lib.rs",
    "oauth.rs",
    "options.rs",
    "outcome.rs",
    "paging.rs",
    "recover.rs",
    "request.rs",
    "server.rs",
    "suggest.rs",
    "telemetry.rs",
    "terms.rs",
    "token.rs",
    "upload.rs",
    "validate.rs",
);

/// Where a generated crate's `spec2mcp-runtime` dependency comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RuntimeSource {
    /// A copy in the crate's own `spec2mcp-runtime/` folder: builds anywhere, with nothing
    /// published (the default).
    #[default]
    Vendored,
    /// The published crate, from a registry.
    Registry,
    /// A path to the runtime crate, relative to the generated crate (`../runtime`).
    Path(String),
    /// A git repository holding the runtime crate.
    Git(String),
}

impl RuntimeSource {
    /// The dependency's value in the generated `Cargo.toml`.
    pub fn dependency(&self) -> String {
        match self {
            RuntimeSource::Vendored => {
                format!("{{ version = \"={VERSION}\", path = \"{VENDORED_DIR}\" }}")
            }
            RuntimeSource::Registry => format!("\"={VERSION}\""),
            RuntimeSource::Path(path) => {
                format!("{{ version = \"={VERSION}\", path = \"{path}\" }}")
            }
            RuntimeSource::Git(url) => format!("{{ version = \"={VERSION}\", git = \"{url}\" }}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runtime_file_is_vendored() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("runtime/src exists")
            .filter_map(|e| e.ok())
            .map(|e| format!("src/{}", e.file_name().to_string_lossy()))
            .collect();
        on_disk.push("Cargo.toml".to_owned());
        on_disk.sort();
        let mut listed: Vec<String> = RUNTIME_FILES.iter().map(|(n, _)| (*n).to_owned()).collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "RUNTIME_FILES must list every runtime file"
        );
    }
}
