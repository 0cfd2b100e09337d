//! `cargo xtask <task>`: the project's own commands.
//!
//! - `codegen [--check]`: regenerate `generated-example/` from the example Django project and the
//!   goldens from their specs (or check them).
//! - `demo`: build the generator, generate and build the example server, start the Django example
//!   app on loopback and show a real MCP client listing and calling its tools.
//! - `test`: set up the Python venv and run every test (Rust, then end-to-end).
//! - `corpus [drf|oas-examples|directory|all] [--record]`: generate and compile real specs.
//! - `bench [--quick] [--record]`: spec2mcp against FastMCP and openapi-mcp-generator.
//! - `agent [--record] [--search-only]`: descriptions, `tools/list` size and search recall per spec.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod agent;
mod bench;
mod codegen;
mod corpus;
mod python;

/// The flags each task takes (`--name` or, for values, `--name=`); anything else is refused
/// rather than ignored (a misspelt `--chek` must not quietly rewrite the crates).
const FLAGS: &[(&str, &[&str])] = &[
    ("codegen", &["--check"]),
    ("demo", &[]),
    ("test", &[]),
    ("corpus", &["--record"]),
    ("bench", &["--quick", "--record", "--only=", "--servers="]),
    ("agent", &["--record", "--search-only", "--explain="]),
];

/// `Err` naming the first argument `task` does not take. Corpus sets are plain words.
fn check_flags(task: &str, args: &[String]) -> Result<(), String> {
    let Some((_, known)) = FLAGS.iter().find(|(name, _)| *name == task) else {
        return Ok(());
    };
    for arg in args {
        let plain_word = !arg.starts_with('-');
        let known_flag = known
            .iter()
            .any(|k| arg == k || (k.ends_with('=') && arg.starts_with(k)));
        if known_flag || (plain_word && task == "corpus") {
            continue;
        }
        let expected = if known.is_empty() {
            "it takes no arguments".to_owned()
        } else {
            format!("it takes {}", known.join(", "))
        };
        return Err(format!(
            "`cargo xtask {task}` does not take `{arg}`: {expected}"
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root();
    if let Some(task) = args.first() {
        if let Err(err) = check_flags(task, &args[1..]) {
            eprintln!("xtask: {err}");
            return ExitCode::from(2);
        }
    }
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&root, args.iter().any(|a| a == "--check")),
        Some("demo") => demo(&root),
        Some("test") => test(&root),
        Some("corpus") => corpus::run_corpus(&root, &args[1..]),
        Some("agent") => agent::run(&root, &args[1..]),
        Some("bench") if cfg!(debug_assertions) => {
            // The bench's own client parses what the servers send (1–7 MB tool lists): in a
            // debug build that would be part of the figures. Run it optimized instead.
            run(cargo()
                .current_dir(&root)
                .args(["run", "--release", "--quiet", "-p", "xtask", "--", "bench"])
                .args(&args[1..]))
        }
        Some("bench") => bench::run_bench(&root, &args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <codegen [--check] | demo | test | corpus [SET…|all] [--record] | bench [--quick] [--record] | agent [--record] [--search-only]>");
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
    // First: the example is generated from its Django project, which runs in this venv.
    let python = python::venv(root)?;
    run(cargo()
        .current_dir(root)
        .args(["build", "--release", "-p", "spec2mcp"]))?;
    let out = root.join("target/demo/shop-mcp");
    generate_example(root, &root.join("target/release/spec2mcp"), &out)?;
    run(cargo()
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["build", "--release"]))?;
    run(Command::new(python)
        .current_dir(root)
        .arg("example/demo.py")
        .env("SHOP_MCP_BIN", root.join("target/release/shop-mcp")))
}

/// Every test: the Rust workspace (generator, runtime, CLI, goldens, codegen freshness, drift), a
/// standalone build of a crate generated by the CLI, the end-to-end suite against the real
/// Django app with the real Python MCP client, and the MCP conformance suite.
fn test(root: &Path) -> Result<(), String> {
    let python = python::venv(root)?;
    // The example server with its optional OTLP export, kept beside the plain build.
    run(cargo()
        .current_dir(root)
        .args(["build", "-p", "shop-mcp", "--features", "otlp"]))?;
    let debug = root.join("target/debug");
    std::fs::copy(debug.join("shop-mcp"), debug.join("shop-mcp-otlp"))
        .map_err(|e| format!("cannot copy the otlp build: {e}"))?;
    run(cargo().current_dir(root).args([
        "build",
        "-p",
        "spec2mcp",
        "-p",
        "shop-mcp",
        "-p",
        "shop-writes-mcp",
        "-p",
        "shop-shaped-mcp",
        "-p",
        "buildrs-server",
    ]))?;
    run(cargo().current_dir(root).args(["test", "--workspace"]))?;
    standalone_build(root)?;
    run(Command::new(python)
        .current_dir(root)
        .args(["-m", "pytest", "tests/e2e", "-q"])
        .env("SHOP_MCP_BIN", root.join("target/debug/shop-mcp")))?;
    // The official MCP conformance suite over Streamable HTTP, both protocol eras.
    run(Command::new("bash")
        .current_dir(root)
        .arg("tests/conformance/run.sh")
        .env("SHOP_MCP_BIN", root.join("target/debug/shop-mcp")))
}

/// Runs the `spec2mcp` binary at `cli` as a Django team would: the example server into `out`,
/// from the project's `manage.py` (the venv beside it runs drf-spectacular).
fn generate_example(root: &Path, cli: &Path, out: &Path) -> Result<(), String> {
    run(Command::new(cli)
        .current_dir(root)
        .args(["generate", "--django", "example/manage.py", "--out"])
        .arg(out)
        .args(["--name", "shop-mcp"]))
}

/// A crate written by the CLI, as a new user gets it (the runtime vendored, no `Cargo.lock`, so
/// the newest compatible dependencies), builds with a plain `cargo build` outside this workspace
/// and without a warning.
fn standalone_build(root: &Path) -> Result<(), String> {
    let out = root.join("target/standalone/shop-mcp");
    let _ = std::fs::remove_file(out.join("Cargo.lock"));
    generate_example(root, &root.join("target/debug/spec2mcp"), &out)?;
    run(cargo()
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target/standalone/target"))
        .env("RUSTFLAGS", "-D warnings")
        .arg("build"))
}
