//! build.rs mode, in the style of prost-build and tonic-build: generate the server as a module in
//! `OUT_DIR`, so a spec change that breaks hand-written code is a compile error.
//!
//! ```no_run
//! // In build.rs:
//! spec2mcp::Builder::new("openapi.yaml").name("shop-mcp").run().unwrap();
//! // In src/main.rs: mod shop { spec2mcp_runtime::include_server!("shop_mcp"); }
//! ```
//!
//! The crate then needs one dependency besides this build-dependency: `spec2mcp-runtime`.
//!
//! For a Django project, the schema can come straight from it instead of an exported file:
//!
//! ```no_run
//! spec2mcp::Builder::django("../manage.py").name("shop-mcp").run().unwrap();
//! ```

use std::path::{Path, PathBuf};

use crate::{django, emit, model, Config, Failure, Input, Options};

/// Generates a server module from a spec inside a build script.
#[derive(Debug, Clone)]
pub struct Builder {
    input: Input,
    config: Option<PathBuf>,
    name: Option<String>,
    methods: Option<Vec<String>>,
    mode: Option<crate::config::Mode>,
    out_dir: Option<PathBuf>,
}

/// What [`Builder::run`] wrote.
#[derive(Debug, Clone)]
pub struct Built {
    /// The module file (`$OUT_DIR/<name>.rs`).
    pub module: PathBuf,
    /// The tool manifest beside it (`$OUT_DIR/<name>.tools.json`).
    pub manifest: PathBuf,
    /// Names of the tools.
    pub tools: Vec<String>,
}

/// Why the build script failed; every diagnostic was also printed as a `cargo:warning`.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The spec or config has errors, or the generator failed.
    #[error("{0}")]
    Generate(#[from] Failure),
    /// No output folder: not run from a build script and none given.
    #[error("OUT_DIR is not set; run from a build script or call .out_dir(…)")]
    NoOutDir,
    /// Writing the files failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Builder {
    /// A builder for the spec at `spec` (relative to the crate being built).
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Self::from_input(Input::File(spec.into()))
    }

    /// A builder for the schema drf-spectacular makes in the Django project of `manage_py`
    /// (relative to the crate being built); the build reruns when any of its Python files changes.
    pub fn django(manage_py: impl Into<PathBuf>) -> Self {
        Self::from_input(Input::Django(django::Project::new(manage_py)))
    }

    fn from_input(input: Input) -> Self {
        Builder {
            input,
            config: None,
            name: None,
            methods: None,
            mode: None,
            out_dir: None,
        }
    }

    /// `--settings` for the Django project's `manage.py` (only with [`Builder::django`]).
    pub fn django_settings(mut self, module: impl Into<String>) -> Self {
        if let Input::Django(project) = &mut self.input {
            project.settings = Some(module.into());
        }
        self
    }

    /// The Python interpreter that runs `manage.py` (only with [`Builder::django`]; default: the
    /// active or nearest virtualenv, else `python3`).
    pub fn python(mut self, python: impl Into<PathBuf>) -> Self {
        if let Input::Django(project) = &mut self.input {
            project.python = Some(python.into());
        }
        self
    }

    /// A `spec2mcp.toml` with filters and renames.
    pub fn config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// Server name (default: the config's, else the slug of `info.title` + `-mcp`); the module
    /// file is named after it (`shop-mcp` → `shop_mcp.rs`) and it prefixes the environment variables.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// HTTP methods that become tools (default: GET only).
    pub fn methods(mut self, methods: &[&str]) -> Self {
        self.methods = Some(methods.iter().map(|m| (*m).to_owned()).collect());
        self
    }

    /// How operations are offered (default: config `mode`, else one tool each).
    pub fn mode(mut self, mode: crate::config::Mode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Where to write (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates, writes the files that changed, and tells cargo what to watch.
    pub fn run(self) -> Result<Built, BuildError> {
        match &self.input {
            Input::File(spec) => println!("cargo:rerun-if-changed={}", spec.display()),
            Input::Django(project) => {
                for file in project.sources() {
                    println!("cargo:rerun-if-changed={}", file.display());
                }
                println!("cargo:rerun-if-env-changed=DJANGO_SETTINGS_MODULE");
                println!("cargo:rerun-if-env-changed=VIRTUAL_ENV");
            }
        }
        if let Some(config) = &self.config {
            println!("cargo:rerun-if-changed={}", config.display());
        }
        let result = self.generate_files();
        if let Err(err) = &result {
            for line in err.to_string().lines() {
                println!("cargo:warning={line}");
            }
        }
        result
    }

    fn generate_files(&self) -> Result<Built, BuildError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let display = self.input.display();
        let config = match &self.config {
            Some(path) => Config::load(path).map_err(|diagnostics| Failure::Spec {
                file: path.display().to_string(),
                diagnostics,
            })?,
            None => Config::default(),
        };
        let options = Options {
            input: self.input.clone(),
            spec_display: Some(display.clone()),
            source: None,
            name: self.name.clone(),
            methods: self.methods.clone(),
            config,
            command: "cargo build (build.rs: spec2mcp::Builder)".to_owned(),
            workspace_member: true,
            mode: self.mode,
            runtime: emit::RuntimeSource::Registry,
        };
        // The model only: a build script writes one module file, not a crate.
        let modeled = model(&options)?;
        for d in modeled.diagnostics.items() {
            for line in d.render(&display).lines() {
                println!("cargo:warning={line}");
            }
        }
        let stem = modeled.info.package.replace('-', "_");
        let module = out_dir.join(format!("{stem}.rs"));
        let manifest = out_dir.join(format!("{stem}.tools.json"));
        write_if_changed(
            &module,
            &emit::module_file(&modeled.api, &modeled.info).map_err(Failure::from)?,
        )?;
        write_if_changed(&manifest, &modeled.manifest().to_json())?;
        Ok(Built {
            module,
            manifest,
            tools: modeled.api.tools.iter().map(|t| t.name.clone()).collect(),
        })
    }
}

/// Writes only when the content differs, so cargo does not rebuild for nothing.
fn write_if_changed(path: &Path, contents: &str) -> Result<(), BuildError> {
    if std::fs::read(path).ok().as_deref() == Some(contents.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, contents).map_err(|source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    })
}
