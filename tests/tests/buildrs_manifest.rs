//! build.rs mode needs two dependency lines: the runtime and the generator. The example crate
//! is the README's snippet made real (the drift test builds it); its manifest must not need more.

use std::path::Path;

/// The entries of one table of a manifest.
fn entries(toml: &str, header: &str) -> Vec<String> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == header;
            continue;
        }
        if inside && !line.is_empty() && !line.starts_with('#') {
            out.push(line.split('=').next().unwrap_or_default().trim().to_owned());
        }
    }
    out
}

#[test]
fn the_buildrs_example_depends_on_the_runtime_and_the_generator_only() {
    let manifest =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../example/buildrs-server/Cargo.toml");
    let text = std::fs::read_to_string(manifest).expect("example/buildrs-server/Cargo.toml");
    assert_eq!(entries(&text, "[dependencies]"), ["spec2mcp-runtime"]);
    assert_eq!(entries(&text, "[build-dependencies]"), ["spec2mcp"]);
}
