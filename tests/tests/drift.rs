//! Schema drift is a compile error: `example/buildrs-server` generates its server in build.rs
//! and has a hand-written tool that reads `ProductsListInput.min_price` and `.max_price` as
//! `Option<f64>`. Built against real drf-spectacular schemas of changed versions of the example
//! app (`tests/drift/`), it must fail to compile, naming the field, when the field is removed,
//! renamed or retyped, and still build when the change is compatible.
//!
//! Runs the real `cargo check` (the compiler front end that reports these errors) in its own
//! target folder, so it never waits on the lock of the `cargo test` that runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `cargo check -p buildrs-server` with `SHOP_SPEC` pointing at `spec`: (success, stderr).
fn check_with(spec: &Path) -> (bool, String) {
    let root = root();
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["check", "-p", "buildrs-server", "--message-format", "human"])
        .env("SHOP_SPEC", spec)
        .env("CARGO_TARGET_DIR", root.join("target/drift"))
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn variant(name: &str) -> PathBuf {
    root().join(format!("tests/drift/schema-{name}.yml"))
}

#[test]
fn drift_breaks_the_build_naming_the_field() {
    let (ok, stderr) = check_with(&root().join("example/schema.yml"));
    assert!(ok, "the example itself must build:\n{stderr}");

    for removed_or_renamed in ["removed", "renamed"] {
        let (ok, stderr) = check_with(&variant(removed_or_renamed));
        assert!(!ok, "{removed_or_renamed}: the build should fail");
        assert!(
            stderr.contains("error[E0609]: no field `min_price` on type `ProductsListInput`"),
            "{removed_or_renamed}:\n{stderr}"
        );
    }

    let (ok, stderr) = check_with(&variant("retyped"));
    assert!(!ok, "retyped: the build should fail");
    assert!(
        stderr.contains("error[E0308]: mismatched types"),
        "{stderr}"
    );
    assert!(stderr.contains("input.max_price"), "{stderr}");
    assert!(
        stderr.contains("expected `Option<f64>`, found `Option<String>`"),
        "{stderr}"
    );

    let (ok, stderr) = check_with(&variant("compatible"));
    assert!(ok, "a compatible change still builds:\n{stderr}");
}

#[test]
fn a_bad_spec_fails_the_build_with_located_diagnostics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("broken.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: Shop API, version: '1'}\npaths:\n  /x:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Missing'\n      responses: {'200': {description: ok}}\n",
    )
    .expect("write spec");
    let (ok, stderr) = check_with(&spec);
    assert!(!ok, "a broken spec must fail the build");
    assert!(stderr.contains("warning: buildrs-server@0.1.0: error: `$ref: #/components/parameters/Missing` points to nothing"), "{stderr}");
    assert!(
        stderr.contains("broken.yaml:7:"),
        "the diagnostic names the line:\n{stderr}"
    );
}
