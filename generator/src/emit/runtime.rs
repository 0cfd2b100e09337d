//! The runtime files copied into every generated crate, taken from `templates/` at compile time
//! so the generator cannot carry a stale copy.

/// `(file name, contents)` of every file listed, read from `templates/src/runtime/`.
macro_rules! runtime_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../templates/src/runtime/", $name)))),*]
    };
}

/// Every file in `templates/src/runtime/` (a test checks the list is complete).
pub const RUNTIME_FILES: &[(&str, &str)] = runtime_files!(
    "args.rs",
    "auth.rs",
    "caller.rs",
    "cli.rs",
    "def.rs",
    "dynamic.rs",
    "executor.rs",
    "mod.rs",
    "options.rs",
    "outcome.rs",
    "request.rs",
    "server.rs",
    "suggest.rs",
    "telemetry.rs",
    "validate.rs",
);

const TEMPLATE_MANIFEST: &str = include_str!("../../../templates/Cargo.toml");

/// The `[dependencies]` table of the runtime, as written in `templates/Cargo.toml`.
pub fn dependencies() -> String {
    table("[dependencies]")
}

/// The `[features]` table of the runtime (the optional `otlp` export).
pub fn features() -> String {
    table("[features]")
}

/// The lines of one table of `templates/Cargo.toml`, comments left out.
fn table(header: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in TEMPLATE_MANIFEST.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == header;
            continue;
        }
        if inside && !trimmed.is_empty() && !trimmed.starts_with('#') {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_file_is_copied() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates/src/runtime");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("templates/src/runtime exists")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let listed: Vec<String> = RUNTIME_FILES.iter().map(|(n, _)| (*n).to_owned()).collect();
        assert_eq!(
            listed, on_disk,
            "RUNTIME_FILES must list every runtime template file"
        );
    }

    #[test]
    fn dependencies_are_taken_from_the_template_manifest() {
        let deps = dependencies();
        assert!(deps.contains("rmcp = "));
        assert!(deps.contains("reqwest = "));
        assert!(!deps.contains("[package]"));
        assert!(features().starts_with("otlp = "), "{}", features());
    }
}
