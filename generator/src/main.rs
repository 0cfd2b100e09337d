//! The `spec2mcp` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use spec2mcp::{generate, write, Config, Failure, Options};

#[derive(Debug, Parser)]
#[command(
    name = "spec2mcp",
    version,
    about = "Generate a typed Rust MCP server crate from an OpenAPI description."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write (or, with --check, verify) the MCP server crate for a spec.
    Generate(GenerateArgs),
    /// Compare two versions of the tools (specs or tools.json manifests); exit 1 on breaking changes.
    Diff(DiffArgs),
}

#[derive(Debug, clap::Args)]
struct DiffArgs {
    /// The old version: a spec or a generated tools.json.
    old: PathBuf,
    /// The new version: a spec or a generated tools.json.
    new: PathBuf,
    /// HTTP methods that become tools when a side is a spec, comma-separated [default: GET].
    #[arg(long, value_delimiter = ',')]
    methods: Option<Vec<String>>,
    /// spec2mcp.toml applied when a side is a spec.
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct GenerateArgs {
    /// The OpenAPI document (YAML or JSON, 3.0 or 3.1).
    #[arg(long)]
    spec: PathBuf,
    /// Folder of the generated crate.
    #[arg(long)]
    out: PathBuf,
    /// Package and binary name [default: config `name`, else slug of info.title + "-mcp"].
    #[arg(long)]
    name: Option<String>,
    /// HTTP methods that become tools, comma-separated [default: GET].
    #[arg(long, value_delimiter = ',')]
    methods: Option<Vec<String>>,
    /// spec2mcp.toml with filters and renames.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Write nothing; exit 1 if the folder differs from what the spec generates.
    #[arg(long)]
    check: bool,
    /// Leave `[workspace]` out of the manifest (the crate is a member of an enclosing workspace).
    #[arg(long)]
    workspace_member: bool,
    /// How operations are offered: `operations` (one tool each) or `dynamic` (three meta
    /// tools: search, describe, call) [default: config `mode`, else operations].
    #[arg(long)]
    mode: Option<spec2mcp::config::Mode>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate(args) => run_generate(args),
        Command::Diff(args) => run_diff(args),
    }
}

/// The config file, or the defaults; a bad file is reported and gives exit code 2.
fn load_config(path: Option<&std::path::Path>) -> Result<Config, ExitCode> {
    match path {
        Some(path) => Config::load(path).map_err(|diags| {
            eprint!("{}", diags.render(&path.display().to_string()));
            ExitCode::from(2)
        }),
        None => Ok(Config::default()),
    }
}

fn run_diff(args: DiffArgs) -> ExitCode {
    let config = match load_config(args.config.as_deref()) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let mut options = Options::new(&args.old);
    options.methods = args.methods.clone();
    options.config = config;
    let mut sides = Vec::new();
    for path in [&args.old, &args.new] {
        match spec2mcp::diff::contract(path, &options) {
            Ok(manifest) => sides.push(manifest),
            Err(Failure::Spec { file, diagnostics }) => {
                eprint!("{}", diagnostics.render(&file));
                eprintln!("error: cannot read the tools of {file}");
                return ExitCode::from(2);
            }
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        }
    }
    let report = spec2mcp::diff::diff(&sides[0], &sides[1]);
    print!("{}", report.render());
    if report.breaking() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The command as typed, for the headers of generated files (relative paths stay relative).
fn regenerate_command(args: &GenerateArgs) -> String {
    let mut cmd = format!(
        "spec2mcp generate --spec {} --out {}",
        args.spec.display(),
        args.out.display()
    );
    if let Some(name) = &args.name {
        cmd.push_str(&format!(" --name {name}"));
    }
    if let Some(methods) = &args.methods {
        cmd.push_str(&format!(" --methods {}", methods.join(",")));
    }
    if let Some(config) = &args.config {
        cmd.push_str(&format!(" --config {}", config.display()));
    }
    if args.workspace_member {
        cmd.push_str(" --workspace-member");
    }
    if let Some(mode) = args.mode {
        cmd.push_str(&format!(" --mode {}", mode.as_str()));
    }
    cmd
}

fn run_generate(args: GenerateArgs) -> ExitCode {
    let display = args.spec.display().to_string();
    let config = match load_config(args.config.as_deref()) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let options = Options {
        spec: args.spec.clone(),
        spec_display: Some(display.clone()),
        name: args.name.clone(),
        methods: args.methods.clone(),
        config,
        command: regenerate_command(&args),
        workspace_member: args.workspace_member,
        mode: args.mode,
    };
    let generated = match generate(&options) {
        Ok(generated) => generated,
        Err(Failure::Spec { file, diagnostics }) => {
            eprint!("{}", diagnostics.render(&file));
            let errors = diagnostics.count(spec2mcp::Severity::Error);
            eprintln!("error: {errors} error(s) in {file}; nothing was written");
            return ExitCode::from(2);
        }
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    eprint!("{}", generated.diagnostics.render(&display));
    eprintln!("{}", generated.summary());
    if args.check {
        return match write::diff(&args.out, &generated.files) {
            Ok(changes) if changes.is_empty() => {
                eprintln!("{} is up to date", args.out.display());
                ExitCode::SUCCESS
            }
            Ok(changes) => {
                eprintln!(
                    "{} is stale: {} file(s) differ from what the spec generates\n{}fix: {}",
                    args.out.display(),
                    changes.len(),
                    changes.describe(),
                    options.command
                );
                ExitCode::from(1)
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::from(2)
            }
        };
    }
    match write::write(&args.out, &generated.files) {
        Ok(changes) => {
            eprintln!(
                "wrote {} ({} added, {} changed, {} removed, {} unchanged)",
                args.out.display(),
                changes.added.len(),
                changes.changed.len(),
                changes.stale.len(),
                generated.files.len() - changes.added.len() - changes.changed.len()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
