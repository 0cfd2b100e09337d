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
