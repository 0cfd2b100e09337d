//! `cargo xtask codegen [--check]`: `generated-example/` from `example/schema.yml`.

use std::path::Path;

use spec2mcp::{generate, write, Options};

/// The example: what it is generated from and how.
const SPEC: &str = "example/schema.yml";
const OUT: &str = "generated-example";
const NAME: &str = "shop-mcp";

/// Regenerates the example, or with `check` fails when it is stale.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let mut options = Options::new(root.join(SPEC));
    options.spec_display = Some(SPEC.to_owned());
    options.name = Some(NAME.to_owned());
    options.workspace_member = true;
    options.command = "cargo xtask codegen".to_owned();
    let generated = generate(&options).map_err(|err| err.to_string())?;
    eprint!("{}", generated.diagnostics.render(SPEC));
    eprintln!("{}", generated.summary());
    let out = root.join(OUT);
    if check {
        let changes = write::diff(&out, &generated.files).map_err(|e| e.to_string())?;
        if changes.is_empty() {
            eprintln!("{OUT} is up to date");
            return Ok(());
        }
        return Err(format!(
            "{OUT} is stale: {} file(s) differ\n{}fix: cargo xtask codegen",
            changes.len(),
            changes.describe()
        ));
    }
    let changes = write::write(&out, &generated.files).map_err(|e| e.to_string())?;
    eprintln!(
        "{OUT}: {} added, {} changed, {} removed",
        changes.added.len(),
        changes.changed.len(),
        changes.stale.len()
    );
    Ok(())
}
