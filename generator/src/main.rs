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
    /// The old version: a spec, a generated tools.json, or a Django project's manage.py.
    old: PathBuf,
    /// The new version: a spec, a generated tools.json, or a Django project's manage.py.
    new: PathBuf,
    /// HTTP methods that become tools when a side is a spec, comma-separated [default: GET].
    #[arg(long, value_delimiter = ',', value_parser = method)]
    methods: Option<Vec<String>>,
    /// spec2mcp.toml applied when a side is a spec.
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct GenerateArgs {
    /// The OpenAPI document (YAML or JSON, 3.0 or 3.1).
    #[arg(long, required_unless_present = "django", conflicts_with = "django")]
    spec: Option<PathBuf>,
    /// A Django project's manage.py: the spec is the schema drf-spectacular makes in it
    /// (`manage.py spectacular`, run in its folder; no server, no HTTP).
    #[arg(long, value_name = "MANAGE_PY")]
    django: Option<PathBuf>,
    /// `--settings` for manage.py [default: what manage.py sets].
    #[arg(long, value_name = "MODULE", requires = "django")]
    django_settings: Option<String>,
    /// The Python that runs manage.py [default: $VIRTUAL_ENV, else a .venv or venv beside the
    /// project or above it, else python3].
    #[arg(long, requires = "django")]
    python: Option<PathBuf>,
    /// Folder of the generated crate.
    #[arg(long)]
    out: PathBuf,
    /// Package and binary name [default: config `name`, else slug of info.title + "-mcp"].
    #[arg(long, value_parser = package_name)]
    name: Option<String>,
    /// HTTP methods that become tools, comma-separated [default: GET].
    #[arg(long, value_delimiter = ',', value_parser = method)]
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
    /// Where the crate gets spec2mcp-runtime: `vendored` (a copy in its `spec2mcp-runtime/`
    /// folder; builds anywhere) or `crate` (a dependency, from crates.io unless
    /// --runtime-path or --runtime-git says otherwise) [default: vendored].
    #[arg(long, value_enum)]
    runtime: Option<RuntimeMode>,
    /// The folder of the spec2mcp-runtime crate (implies `--runtime crate`; written into the
    /// manifest relative to --out).
    #[arg(long, conflicts_with = "runtime_git")]
    runtime_path: Option<PathBuf>,
    /// A git repository holding spec2mcp-runtime (implies `--runtime crate`).
    #[arg(long)]
    runtime_git: Option<String>,
}

/// `--runtime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RuntimeMode {
    /// A copy of the runtime inside the generated crate.
    Vendored,
    /// A dependency on the runtime crate.
    Crate,
}

impl GenerateArgs {
    /// Where the spec comes from: the file, or the Django project.
    fn input(&self) -> spec2mcp::Input {
        match (&self.spec, &self.django) {
            (Some(spec), _) => spec2mcp::Input::File(spec.clone()),
            (None, manage_py) => spec2mcp::Input::Django(spec2mcp::django::Project {
                manage_py: manage_py.clone().unwrap_or_default(),
                settings: self.django_settings.clone(),
                python: self.python.clone(),
            }),
        }
    }

    /// Where the generated crate gets the runtime; a path is written relative to the crate.
    fn runtime(&self) -> Result<spec2mcp::emit::RuntimeSource, String> {
        use spec2mcp::emit::RuntimeSource;
        let source = match (&self.runtime_path, &self.runtime_git) {
            (Some(path), _) => Some(RuntimeSource::Path(spec2mcp::source::relative_to(
                path, &self.out,
            ))),
            (None, Some(url)) => Some(RuntimeSource::Git(url.clone())),
            (None, None) => None,
        };
        match (self.runtime, source) {
            (Some(RuntimeMode::Vendored), Some(_)) => Err(
                "--runtime vendored copies the runtime; --runtime-path and --runtime-git are for --runtime crate"
                    .to_owned(),
            ),
            (_, Some(source)) => Ok(source),
            (Some(RuntimeMode::Crate), None) => Ok(RuntimeSource::Registry),
            (Some(RuntimeMode::Vendored) | None, None) => Ok(RuntimeSource::Vendored),
        }
    }
}

/// `--methods` entries: a known HTTP method, upper-cased; the error names the flag, not the spec.
fn method(text: &str) -> Result<String, String> {
    spec2mcp::model::parse_method(text).ok_or_else(|| {
        "not an HTTP method; use GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS or TRACE".to_owned()
    })
}

/// `--name`: a valid package name.
fn package_name(text: &str) -> Result<String, String> {
    spec2mcp::check_package_name(text).map(|()| text.to_owned())
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

/// The command that regenerates the crate, with `--out` given as `argument` and the other
/// paths made by `path`: relative to the output folder for the headers (the same however the
/// paths were typed and wherever it was run), as typed for the `fix:` line of `--check`.
fn regenerate_command(
    args: &GenerateArgs,
    out: &str,
    path: impl Fn(&std::path::Path) -> String,
) -> String {
    let mut cmd = match (&args.spec, &args.django) {
        (Some(spec), _) => format!("spec2mcp generate --spec {} --out {out}", path(spec)),
        (None, manage_py) => {
            let manage_py = manage_py.clone().unwrap_or_default();
            format!(
                "spec2mcp generate --django {} --out {out}",
                path(&manage_py)
            )
        }
    };
    if let Some(settings) = &args.django_settings {
        cmd.push_str(&format!(" --django-settings {settings}"));
    }
    if let Some(python) = &args.python {
        cmd.push_str(&format!(" --python {}", path(python)));
    }
    if let Some(name) = &args.name {
        cmd.push_str(&format!(" --name {name}"));
    }
    if let Some(methods) = &args.methods {
        cmd.push_str(&format!(" --methods {}", methods.join(",")));
    }
    if let Some(config) = &args.config {
        cmd.push_str(&format!(" --config {}", path(config)));
    }
    if args.workspace_member {
        cmd.push_str(" --workspace-member");
    }
    if let Some(mode) = args.mode {
        cmd.push_str(&format!(" --mode {}", mode.as_str()));
    }
    match (&args.runtime_path, &args.runtime_git, args.runtime) {
        (Some(dir), _, _) => cmd.push_str(&format!(" --runtime-path {}", path(dir))),
        (None, Some(url), _) => cmd.push_str(&format!(" --runtime-git {url}")),
        (None, None, Some(RuntimeMode::Crate)) => cmd.push_str(" --runtime crate"),
        (None, None, _) => {}
    }
    cmd
}

fn run_generate(args: GenerateArgs) -> ExitCode {
    let input = args.input();
    let display = input.display();
    let config = match load_config(args.config.as_deref()) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let runtime = match args.runtime() {
        Ok(runtime) => runtime,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let from_out = |path: &std::path::Path| spec2mcp::source::relative_to(path, &args.out);
    let source = match &input {
        spec2mcp::Input::File(spec) => from_out(spec),
        spec2mcp::Input::Django(project) => {
            format!("Django project {}", from_out(&project.manage_py))
        }
    };
    let options = Options {
        input,
        spec_display: Some(display.clone()),
        source: Some(source),
        name: args.name.clone(),
        methods: args.methods.clone(),
        config,
        command: format!(
            "{} (in this crate's folder)",
            regenerate_command(&args, ".", from_out)
        ),
        workspace_member: args.workspace_member,
        mode: args.mode,
        runtime,
    };
    let as_typed = regenerate_command(&args, &args.out.display().to_string(), |p| {
        p.display().to_string()
    });
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
                    as_typed
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
            if let Some(fix) = err.fix() {
                eprintln!("  = fix: {fix}");
            }
            ExitCode::from(2)
        }
    }
}
