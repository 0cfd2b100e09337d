//! A crate using build.rs mode must list the runtime's dependencies and features itself; the
//! example's lists must be exactly what `spec2mcp::builder` says, so the two cannot drift.

use std::collections::BTreeSet;
use std::path::Path;

fn table_lines(toml: &str, header: &str) -> BTreeSet<String> {
    let mut inside = false;
    let mut out = BTreeSet::new();
    for line in toml.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == header;
            continue;
        }
        if inside && !line.is_empty() && !line.starts_with('#') {
            out.insert(line.to_owned());
        }
    }
    out
}

#[test]
fn example_lists_exactly_the_runtime_dependencies_and_features() {
    let manifest =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../example/buildrs-server/Cargo.toml");
    let text = std::fs::read_to_string(manifest).expect("example/buildrs-server/Cargo.toml");
    for (header, wanted) in [
        ("[dependencies]", spec2mcp::builder::runtime_dependencies()),
        ("[features]", spec2mcp::builder::runtime_features()),
    ] {
        let wanted = table_lines(&format!("{header}\n{wanted}"), header);
        assert!(!wanted.is_empty(), "{header}");
        assert_eq!(table_lines(&text, header), wanted, "{header}");
    }
}
