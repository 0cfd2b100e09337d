//! The checked-in generated crates must be what the generator makes now.
//!
//! Rust-analyzer style: outside CI a stale crate is rewritten and the test fails, so the next run
//! passes and the diff is there to review and commit; in CI it only fails, naming the command.

use std::path::{Path, PathBuf};

use spec2mcp_tests::{generate_target, stale_files, TARGETS};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

#[test]
fn checked_in_crates_are_fresh() {
    let root = root();
    let in_ci = std::env::var_os("CI").is_some();
    let mut stale = Vec::new();
    for target in TARGETS {
        let generated =
            generate_target(&root, target).unwrap_or_else(|err| panic!("{}: {err}", target.spec));
        let changes =
            stale_files(&root, target, &generated.files).unwrap_or_else(|err| panic!("{err}"));
        if changes.is_empty() {
            continue;
        }
        if !in_ci {
            spec2mcp::write::write(&root.join(target.out), &generated.files)
                .unwrap_or_else(|err| panic!("{err}"));
        }
        stale.push(format!(
            "{} ({} file(s)):\n{}",
            target.out,
            changes.len(),
            changes.describe()
        ));
    }
    assert!(
        stale.is_empty(),
        "generated crates are stale{}:\n{}\nfix: cargo xtask codegen",
        if in_ci {
            ""
        } else {
            " (rewritten now; review and commit the changes)"
        },
        stale.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let root = root();
    for target in TARGETS {
        let first = generate_target(&root, target).unwrap_or_else(|err| panic!("{err}"));
        let second = generate_target(&root, target).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(
            first.files, second.files,
            "{} differs between two runs",
            target.spec
        );
    }
}

fn tool_names(out: &str) -> Vec<String> {
    let target = TARGETS
        .iter()
        .find(|t| t.out == out)
        .unwrap_or_else(|| panic!("no target {out}"));
    let generated = generate_target(&root(), target).unwrap_or_else(|err| panic!("{err}"));
    generated.api.tools.iter().map(|t| t.name.clone()).collect()
}

#[test]
fn config_includes_by_tag_opts_in_methods_and_renames() {
    // petstore.spec2mcp.toml: methods GET+DELETE, include tag `pets`, showPetById → get_pet.
    // createPets is a POST; deletePet has no tag.
    assert_eq!(
        tool_names("tests/goldens/petstore"),
        ["list_pets", "get_pet"]
    );
}

#[test]
fn tool_names_are_bounded_unique_and_readable() {
    let names = tool_names("tests/goldens/naming-edges");
    assert_eq!(names[..3], ["list_things", "list_things_2", "get_c_2fa"]);
    assert!(names.contains(&"unicode_operation".to_owned()), "{names:?}");
    let long: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("this_is_a_very_long"))
        .collect();
    assert_eq!(long.len(), 2);
    // Cut at a word boundary (no half word before the hash), within 64 characters.
    assert!(
        long.iter().all(|n| n.len() <= 64
            && n.starts_with("this_is_a_very_long_operation_identifier_that_goes_on_"))
            && long[0] != long[1],
        "{long:?}"
    );
    assert!(names.iter().all(|n| n
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')));
}

#[test]
fn no_two_tools_of_the_example_share_a_description() {
    for out in ["generated-example", "tests/goldens/shop-writes"] {
        let target = TARGETS
            .iter()
            .find(|t| t.out == out)
            .unwrap_or_else(|| panic!("no target {out}"));
        let generated = generate_target(&root(), target).unwrap_or_else(|err| panic!("{err}"));
        let mut seen = std::collections::BTreeMap::new();
        for tool in &generated.api.tools {
            if let Some(other) = seen.insert(tool.description.clone(), tool.name.clone()) {
                panic!(
                    "{out}: {} and {other} share the description {:?}",
                    tool.name, tool.description
                );
            }
        }
    }
}
