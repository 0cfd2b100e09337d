//! `cargo xtask codegen [--check]`: every generated crate kept in the repository (the example
//! server and the goldens), from the list in `spec2mcp_tests::TARGETS`.

use std::path::Path;

use spec2mcp_tests::{generate_target, stale_files, TARGETS};

/// Regenerates every target, or with `check` fails when any is stale.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    // The example server is generated from its Django project, which needs the venv.
    crate::python::venv(root)?;
    let mut stale = Vec::new();
    for target in TARGETS {
        let generated =
            generate_target(root, target).map_err(|err| format!("{}: {err}", target.spec))?;
        eprintln!("{}: {}", target.out, generated.summary());
        if check {
            let changes = stale_files(root, target, &generated.files)?;
            if !changes.is_empty() {
                stale.push(format!(
                    "{} is stale: {} file(s) differ\n{}",
                    target.out,
                    changes.len(),
                    changes.describe()
                ));
            }
        } else {
            let changes = spec2mcp::write::write(&root.join(target.out), &generated.files)
                .map_err(|e| e.to_string())?;
            eprintln!(
                "  {} added, {} changed, {} removed",
                changes.added.len(),
                changes.changed.len(),
                changes.stale.len()
            );
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!("{}fix: cargo xtask codegen", stale.concat()))
    }
}
