//! `cargo xtask <task>`: the project's own commands.
//!
//! - `codegen [--check]`: regenerate `generated-example/` from `example/schema.yml` (or check it).
//! - `demo`: build the generator, generate and build the example server, start the Django example
//!   app on loopback and show a real MCP client listing and calling its tools.
//! - `test`: set up the Python venv and run every test (Rust, then end-to-end).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod codegen;
mod python;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&root, args.iter().any(|a| a == "--check")),
        Some("demo") => demo(&root),
        Some("test") => test(&root),
        _ => {
            eprintln!("usage: cargo xtask <codegen [--check] | demo | test>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs `cmd`, failing with its name when it does not succeed.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .map_err(|err| format!("cannot run {}: {err}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

fn describe(cmd: &Command) -> String {
    let mut text = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// The main job, end to end, with the CLI a user would run.
fn demo(root: &Path) -> Result<(), String> {
    run(cargo()
        .current_dir(root)
        .args(["build", "--release", "-p", "spec2mcp"]))?;
    let out = root.join("target/demo/shop-mcp");
    run(Command::new(root.join("target/release/spec2mcp"))
        .current_dir(root)
        .args(["generate", "--spec", "example/schema.yml", "--out"])
        .arg(&out)
        .args(["--name", "shop-mcp"]))?;
    run(cargo()
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["build", "--release"]))?;
    let python = python::venv(root)?;
    run(Command::new(python)
        .current_dir(root)
        .arg("tests/e2e/demo.py")
        .env("SHOP_MCP_BIN", root.join("target/release/shop-mcp")))
}

/// Every test: the Rust workspace (generator, runtime, goldens, generated example), then the
/// end-to-end suite against the real Django app with the real Python MCP client.
fn test(root: &Path) -> Result<(), String> {
    let python = python::venv(root)?;
    codegen::run(root, true)?;
    run(cargo().current_dir(root).args(["build", "-p", "shop-mcp"]))?;
    run(cargo().current_dir(root).args(["test", "--workspace"]))?;
    run(Command::new(python)
        .current_dir(root)
        .args(["-m", "pytest", "tests/e2e", "-q"])
        .env("SHOP_MCP_BIN", root.join("target/debug/shop-mcp")))
}
