//! A crate using build.rs mode must list the runtime's dependencies itself; the example's list
//! must be exactly what `spec2mcp::builder::runtime_dependencies()` says, so the two cannot drift.

use std::collections::BTreeSet;
use std::path::Path;

fn dependency_lines(toml: &str) -> BTreeSet<String> {
    let mut inside = false;
    let mut out = BTreeSet::new();
    for line in toml.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]";
            continue;
        }
        if inside && !line.is_empty() && !line.starts_with('#') {
            out.insert(line.to_owned());
        }
    }
    out
}

#[test]
fn example_lists_exactly_the_runtime_dependencies() {
    let manifest =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../example/buildrs-server/Cargo.toml");
    let text = std::fs::read_to_string(manifest).expect("example/buildrs-server/Cargo.toml");
    let wanted = dependency_lines(&format!(
        "[dependencies]\n{}",
        spec2mcp::builder::runtime_dependencies()
    ));
    assert!(!wanted.is_empty());
    assert_eq!(dependency_lines(&text), wanted);
}
