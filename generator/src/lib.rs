//! spec2mcp: an OpenAPI description in, a typed Rust MCP server crate out.
//!
//! The pipeline, one module per stage:
//! [`load`] (read and parse the file) → [`resolve`] (`$ref`s, effective parameters) →
//! [`model`] (tools, arguments, types) → [`emit`] (tokens → formatted files) → [`write`]
//! (files on disk, or a staleness check).
//!
//! [`model`] stops after the model (what `diff` and the build-script [`Builder`] need);
//! [`generate`] goes on to the files of a crate.
//!
//! ```no_run
//! let options = spec2mcp::Options::new("openapi.yaml");
//! let generated = spec2mcp::generate(&options).expect("a valid spec");
//! spec2mcp::write::write(std::path::Path::new("crates/shop-mcp"), &generated.files).unwrap();
//! ```

pub mod builder;
pub mod config;
pub mod diag;
pub mod diff;
pub mod django;
pub mod emit;
pub mod load;
pub mod manifest;
pub mod model;
pub mod resolve;
pub mod source;
pub mod suggest;
pub mod write;

use std::path::PathBuf;

pub use builder::{BuildError, Builder, Built};
pub use config::Config;
pub use diag::{Diagnostic, Diagnostics, Severity};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the spec comes from.
    pub input: Input,
    /// How the spec is named in diagnostics (default: the path as given).
    pub spec_display: Option<String>,
    /// How generated files name the spec (default: `spec_display`); the CLI gives the path
    /// relative to the output folder (see [`source`]).
    pub source: Option<String>,
    /// Package and binary name (default: config `name`, else slug of `info.title` + `-mcp`).
    pub name: Option<String>,
    /// Methods that become tools (default: config `methods`, else GET only).
    pub methods: Option<Vec<String>>,
    /// Filters, renames and defaults from `spec2mcp.toml`.
    pub config: Config,
    /// The command that regenerates the output, written into headers.
    pub command: String,
    /// Leave `[workspace]` out of the generated manifest.
    pub workspace_member: bool,
    /// How operations are offered (default: config `mode`, else one tool each).
    pub mode: Option<config::Mode>,
    /// Where the generated crate gets `spec2mcp-runtime` (default: a vendored copy).
    pub runtime: emit::RuntimeSource,
}

/// Where the spec comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A spec file (YAML or JSON).
    File(PathBuf),
    /// The schema drf-spectacular makes in a Django project.
    Django(django::Project),
}

impl Input {
    /// How diagnostics name it: the file, or `Django project <manage.py>`.
    pub fn display(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Django(project) => format!("Django project {}", project.manage_py.display()),
        }
    }

    /// Reads and parses the spec, from the file or by exporting it from the project.
    pub fn load(&self, display: &str) -> Result<load::LoadedSpec, Diagnostics> {
        match self {
            Input::File(path) => load::load_file(path),
            Input::Django(project) => {
                let text = project.export().map_err(|err| {
                    let mut all = Diagnostics::default();
                    all.push(err.diagnostic());
                    all
                })?;
                load::load_str(&text, display)
            }
        }
    }
}

impl Options {
    /// Defaults for the spec file `spec`.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Self::from_input(Input::File(spec.into()))
    }

    /// Defaults for the schema of the Django project whose `manage.py` is `manage_py`.
    pub fn django(project: django::Project) -> Self {
        Self::from_input(Input::Django(project))
    }

    fn from_input(input: Input) -> Self {
        let command = match &input {
            Input::File(path) => format!("spec2mcp generate --spec {}", path.display()),
            Input::Django(project) => {
                format!("spec2mcp generate --django {}", project.manage_py.display())
            }
        };
        Options {
            command,
            input,
            spec_display: None,
            source: None,
            name: None,
            methods: None,
            config: Config::default(),
            workspace_member: false,
            mode: None,
            runtime: emit::RuntimeSource::default(),
        }
    }
}

/// The model of an API and what is needed to write it out: the result of [`model`].
#[derive(Debug)]
pub struct Modeled {
    /// The model.
    pub api: model::Api,
    /// Warnings (skips, approximations), each placed in the spec.
    pub diagnostics: Diagnostics,
    /// Names, headers and the runtime source the files are written with.
    pub info: emit::CrateInfo,
}

impl Modeled {
    /// `15 operations → 9 tools; 6 skipped (6 filtered out, 0 unsupported)`.
    pub fn summary(&self) -> String {
        let filtered = self.api.skipped.iter().filter(|s| s.filtered).count();
        let unsupported = self.api.skipped.len() - filtered;
        format!(
            "{} operations → {} tools; {} skipped ({filtered} filtered out, {unsupported} unsupported); {} warning(s)",
            self.api.operation_count,
            self.api.tools.len(),
            self.api.skipped.len(),
            self.diagnostics.count(Severity::Warning)
        )
    }

    /// The contract `tools.json` holds.
    pub fn manifest(&self) -> manifest::Manifest {
        manifest::Manifest::of(
            &self.api,
            &self.info.spec_name,
            &self.info.sha256,
            &self.info.package,
        )
    }
}

/// A generated crate, in memory: the model and its files.
#[derive(Debug)]
pub struct Generated {
    /// The model the files were made from.
    pub modeled: Modeled,
    /// Every file, sorted by path.
    pub files: Vec<emit::File>,
}

impl std::ops::Deref for Generated {
    type Target = Modeled;

    fn deref(&self) -> &Modeled {
        &self.modeled
    }
}

/// Why nothing was generated.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The spec or config has errors (all of them are listed, placed in the spec).
    #[error("the spec has errors:\n{}", .diagnostics.render(.file))]
    Spec {
        /// The spec as named in the message.
        file: String,
        /// Everything found, errors and warnings.
        diagnostics: Diagnostics,
    },
    /// A generator bug.
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
}

/// Runs load → resolve → model → emit, entirely in memory.
pub fn generate(options: &Options) -> Result<Generated, Failure> {
    let modeled = model(options)?;
    let files = emit::emit(&modeled.api, &modeled.info)?;
    Ok(Generated { modeled, files })
}

/// Like [`generate`], for a spec already in memory, named `display` in diagnostics.
pub fn generate_loaded(
    spec: &load::LoadedSpec,
    options: &Options,
    display: &str,
) -> Result<Generated, Failure> {
    let modeled = model_loaded(spec, options, display)?;
    let files = emit::emit(&modeled.api, &modeled.info)?;
    Ok(Generated { modeled, files })
}

/// Runs load → resolve → model: everything but writing code.
pub fn model(options: &Options) -> Result<Modeled, Failure> {
    let display = options
        .spec_display
        .clone()
        .unwrap_or_else(|| options.input.display());
    let spec = options
        .input
        .load(&display)
        .map_err(|diagnostics| Failure::Spec {
            file: display.clone(),
            diagnostics,
        })?;
    model_loaded(&spec, options, &display)
}

/// Like [`model`], for a spec already in memory, named `display` in diagnostics.
pub fn model_loaded(
    spec: &load::LoadedSpec,
    options: &Options,
    display: &str,
) -> Result<Modeled, Failure> {
    let config = &options.config;
    let title = spec
        .root
        .pointer("/info/title")
        .and_then(|v| v.as_str())
        .unwrap_or("api");
    let package = options
        .name
        .clone()
        .or_else(|| config.name.clone())
        .unwrap_or_else(|| format!("{}-mcp", model::naming::slug(title)));
    let mut diags = Vec::new();
    if let Err(problem) = check_package_name(&package) {
        diags.push(
            Diagnostic::error(
                "",
                format!("`{package}` (from `info.title`) is not a valid package name: {problem}"),
            )
            .with_fix("pass --name, or set `name` in spec2mcp.toml"),
        );
    }
    let methods: Vec<String> = options
        .methods
        .clone()
        .or_else(|| config.methods.clone())
        .unwrap_or_else(|| vec!["GET".to_owned()])
        .iter()
        .filter_map(|m| {
            let parsed = model::parse_method(m);
            if parsed.is_none() {
                diags.push(
                    Diagnostic::error("", format!("unknown HTTP method `{m}`"))
                        .with_fix("use GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS or TRACE"),
                );
            }
            parsed
        })
        .collect();
    let env_prefix = model::naming::screaming(&package);
    let settings = model::Settings {
        env_prefix: env_prefix.clone(),
        methods,
        include: config.include.clone(),
        exclude: config.exclude.clone(),
        rename: config.rename.clone(),
        max_tool_name_len: config.max_tool_name_len.unwrap_or(64).clamp(16, 128),
        mode: options.mode.or(config.mode).unwrap_or_default(),
        headers: config.headers.clone(),
        derive_descriptions: config.derive_descriptions.unwrap_or(true),
        // Checked when the config was loaded; a config built in code is checked here.
        tool_name: match config.tool_name.as_deref().map(config::parse_template) {
            Some(Ok(pieces)) => Some(pieces),
            Some(Err(problem)) => {
                diags.push(
                    Diagnostic::error("", format!("`tool_name`: {problem}"))
                        .with_fix("see docs/configuration.md for the placeholders"),
                );
                None
            }
            None => None,
        },
        namespace: config.namespace.clone().unwrap_or_default(),
        transforms: config.tools.clone(),
    };
    let api = model::build(spec, &settings, &mut diags);
    let mut diagnostics = Diagnostics::default();
    for d in diags {
        diagnostics.push(d);
    }
    diagnostics.locate(|pointer| spec.locate(pointer));
    if diagnostics.has_errors() {
        return Err(Failure::Spec {
            file: display.to_owned(),
            diagnostics,
        });
    }
    let info = emit::CrateInfo {
        package,
        env_prefix,
        spec_name: options.source.clone().unwrap_or_else(|| display.to_owned()),
        sha256: spec.sha256.clone(),
        command: options.command.clone(),
        workspace_member: options.workspace_member,
        generator_version: env!("CARGO_PKG_VERSION").to_owned(),
        runtime: options.runtime.clone(),
    };
    Ok(Modeled {
        api,
        diagnostics,
        info,
    })
}

/// Whether `name` can be a package and binary name; the error says what is wrong with it.
pub fn check_package_name(name: &str) -> Result<(), String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64;
    if valid {
        Ok(())
    } else {
        Err("use at most 64 letters, digits, `-` and `_`, starting with a letter".to_owned())
    }
}
