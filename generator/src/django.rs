//! The schema straight from a Django project: drf-spectacular's own generator, run in the
//! project (`manage.py spectacular`), with no server and no HTTP. A Django team keeps
//! `manage.py`, not an exported schema file; this makes the project itself the source.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::diag::Diagnostic;

/// How long the schema export may take before it is stopped (a project whose import hangs on a
/// database or network call would otherwise hang the build).
const TIMEOUT: Duration = Duration::from_secs(300);

/// Lines of the command's output a failure shows (the end, where Python puts the error).
const SHOWN_LINES: usize = 20;

/// A Django project whose drf-spectacular schema is the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The project's `manage.py`.
    pub manage_py: PathBuf,
    /// `--settings` for `manage.py` (default: what `manage.py` itself sets).
    pub settings: Option<String>,
    /// The Python interpreter (default: see [`Project::interpreter`]).
    pub python: Option<PathBuf>,
}

/// Why the schema could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// `manage.py` is not there.
    #[error("there is no manage.py at {0}")]
    NoManagePy(PathBuf),
    /// The interpreter could not be started.
    #[error("cannot run the Python interpreter {python} ({why}): {source}")]
    NoPython {
        /// The interpreter tried.
        python: PathBuf,
        /// How it was chosen.
        why: &'static str,
        /// The operating system's answer.
        source: std::io::Error,
    },
    /// The command ran and failed.
    #[error("`{command}` failed ({status}): {kind}\n{output}")]
    Failed {
        /// The command, as it could be typed in the project's folder.
        command: String,
        /// Its exit status.
        status: String,
        /// What the output says went wrong.
        kind: FailureKind,
        /// The end of its output, indented.
        output: String,
    },
    /// The command did not finish in time.
    #[error("`{command}` did not finish within {} s and was stopped", TIMEOUT.as_secs())]
    TimedOut {
        /// The command.
        command: String,
    },
    /// The command succeeded but its output file cannot be read.
    #[error("`{command}` succeeded but its schema cannot be read: {source}")]
    NoSchema {
        /// The command.
        command: String,
        /// Why.
        source: std::io::Error,
    },
}

/// What a failed export's output says went wrong, recognised from the messages Django, Python
/// and drf-spectacular print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Django is not installed for this interpreter.
    NoDjango,
    /// `spectacular` is not a command: drf-spectacular is missing or not in `INSTALLED_APPS`.
    NoSpectacular,
    /// The project itself failed to import (settings, models, URLconf).
    Import,
    /// drf-spectacular warned, and warnings fail the export.
    Warnings,
    /// The schema does not validate against the OpenAPI schema.
    Invalid,
    /// Anything else.
    Other,
}

impl std::fmt::Display for FailureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FailureKind::NoDjango => "Django cannot be imported by this interpreter",
            FailureKind::NoSpectacular => {
                "the project has no `spectacular` command (drf-spectacular is missing or not in INSTALLED_APPS)"
            }
            FailureKind::Import => "the project failed to load",
            FailureKind::Warnings => "drf-spectacular reported warnings about the schema",
            FailureKind::Invalid => "the schema drf-spectacular made is not valid OpenAPI",
            FailureKind::Other => "see its output",
        })
    }
}

impl FailureKind {
    fn of(output: &str) -> FailureKind {
        if output.contains("Couldn't import Django") || output.contains("No module named 'django'")
        {
            FailureKind::NoDjango
        } else if output.contains("Unknown command: 'spectacular'") {
            FailureKind::NoSpectacular
        } else if output.contains("due to warnings") {
            FailureKind::Warnings
        } else if output.contains("validation") && output.contains("spectacular") {
            FailureKind::Invalid
        } else if output.contains("Traceback") || output.contains("ImproperlyConfigured") {
            FailureKind::Import
        } else {
            FailureKind::Other
        }
    }

    fn fix(self) -> &'static str {
        match self {
            FailureKind::NoDjango => {
                "pass --python with the interpreter of the project's virtualenv (…/bin/python), or activate that virtualenv"
            }
            FailureKind::NoSpectacular => {
                "`pip install drf-spectacular` and add \"drf_spectacular\" to INSTALLED_APPS (and set REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS to \"drf_spectacular.openapi.AutoSchema\")"
            }
            FailureKind::Import => {
                "fix the error shown (run the command in the project's folder to see it whole); pass --django-settings when manage.py's default settings are not the ones to use"
            }
            FailureKind::Warnings => {
                "fix each warning drf-spectacular printed (usually with @extend_schema or @extend_schema_field on the view or serializer); a schema it has to guess at makes tools that guess too"
            }
            FailureKind::Invalid => "fix the schema errors shown (usually an @extend_schema override)",
            FailureKind::Other => "run the command in the project's folder and fix what it prints",
        }
    }
}

impl ExportError {
    /// The error as a diagnostic with its fix.
    pub fn diagnostic(&self) -> Diagnostic {
        let fix = match self {
            ExportError::NoManagePy(_) => {
                "pass the path of the project's manage.py to --django".to_owned()
            }
            ExportError::NoPython { .. } => {
                "pass --python with the interpreter of the project's virtualenv (…/bin/python)"
                    .to_owned()
            }
            ExportError::Failed { kind, .. } => kind.fix().to_owned(),
            ExportError::TimedOut { .. } => {
                "make importing the project quick and side-effect free (no network or database calls at import time)"
                    .to_owned()
            }
            ExportError::NoSchema { .. } => "check the temporary folder is writable".to_owned(),
        };
        Diagnostic::error("", self.to_string()).with_fix(fix)
    }
}

impl Project {
    /// The project of `manage_py`, with the default settings and interpreter.
    pub fn new(manage_py: impl Into<PathBuf>) -> Self {
        Project {
            manage_py: manage_py.into(),
            settings: None,
            python: None,
        }
    }

    /// The folder holding `manage.py`, where the command runs.
    pub fn folder(&self) -> PathBuf {
        match self.manage_py.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// The interpreter that runs `manage.py`, and why it is the one: `--python` when given; else
    /// the active virtualenv (`VIRTUAL_ENV`); else a `.venv` or `venv` beside `manage.py` or in a
    /// folder above it; else `python3` from `PATH`.
    pub fn interpreter(&self) -> (PathBuf, &'static str) {
        if let Some(python) = &self.python {
            return (python.clone(), "given with --python");
        }
        if let Some(env) = std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
            return (
                venv_python(Path::new(&env)),
                "the active virtualenv, VIRTUAL_ENV",
            );
        }
        let folder = std::path::absolute(self.folder()).unwrap_or_else(|_| self.folder());
        for dir in folder.ancestors() {
            for name in [".venv", "venv"] {
                let python = venv_python(&dir.join(name));
                if python.is_file() {
                    return (python, "the virtualenv found beside the project");
                }
            }
        }
        let default = if cfg!(windows) { "python" } else { "python3" };
        (PathBuf::from(default), "from PATH; no virtualenv was found")
    }

    /// The command line, as it could be typed in the project's folder (for messages).
    fn command_line(&self, python: &Path) -> String {
        let mut line = format!(
            "{} manage.py spectacular --format openapi-json --validate --fail-on-warn",
            python.display()
        );
        if let Some(settings) = &self.settings {
            line.push_str(&format!(" --settings {settings}"));
        }
        line
    }

    /// Runs drf-spectacular in the project and returns the schema's JSON text.
    pub fn export(&self) -> Result<String, ExportError> {
        if !self.manage_py.is_file() {
            return Err(ExportError::NoManagePy(self.manage_py.clone()));
        }
        let (python, why) = self.interpreter();
        let command = self.command_line(&python);
        let file = temporary_file();
        let mut cmd = Command::new(&python);
        cmd.current_dir(self.folder())
            .args(["manage.py", "spectacular", "--format", "openapi-json"])
            .arg("--file")
            .arg(&file)
            .args(["--validate", "--fail-on-warn"])
            // A build must not leave __pycache__ folders in the project.
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(settings) = &self.settings {
            cmd.args(["--settings", settings]);
        }
        let mut child = cmd.spawn().map_err(|source| ExportError::NoPython {
            python: python.clone(),
            why,
            source,
        })?;
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if started.elapsed() < TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Ok(None) | Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
            }
        };
        let output = format!(
            "{}{}",
            stdout.join().unwrap_or_default(),
            stderr.join().unwrap_or_default()
        );
        let Some(status) = status else {
            let _ = std::fs::remove_file(&file);
            return Err(ExportError::TimedOut { command });
        };
        if !status.success() {
            let _ = std::fs::remove_file(&file);
            return Err(ExportError::Failed {
                command,
                status: status.to_string(),
                kind: FailureKind::of(&output),
                output: tail(&output),
            });
        }
        let text = std::fs::read_to_string(&file);
        let _ = std::fs::remove_file(&file);
        text.map_err(|source| ExportError::NoSchema { command, source })
    }

    /// The project's Python files, for `cargo:rerun-if-changed`: any of them can change the
    /// schema. Hidden folders, virtualenvs, `__pycache__` and `node_modules` are left out.
    pub fn sources(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        collect_python_files(&self.folder(), &mut files);
        files.sort();
        files
    }
}

/// `<venv>/bin/python` (`Scripts\python.exe` on Windows).
fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// A fresh path in the temporary folder for the exported schema.
fn temporary_file() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!(
        "spec2mcp-django-{}-{nanos}-{}.json",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Reads a child's pipe to its end on a thread, so neither pipe fills up and blocks the child.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The last lines of `output`, indented under the message.
fn tail(output: &str) -> String {
    let lines: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(SHOWN_LINES);
    let mut shown: Vec<String> = Vec::new();
    if start > 0 {
        shown.push(format!("    | … ({start} earlier lines)"));
    }
    shown.extend(lines[start..].iter().map(|l| format!("    | {l}")));
    shown.join("\n")
}

fn collect_python_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            let skipped = name.starts_with('.')
                || matches!(
                    name.as_str(),
                    "__pycache__" | "node_modules" | "site-packages"
                )
                || path.join("pyvenv.cfg").is_file();
            if !skipped {
                collect_python_files(&path, files);
            }
        } else if name.ends_with(".py") {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_recognised_from_what_django_prints() {
        let cases = [
            ("ImportError: Couldn't import Django. Are you sure it's installed", FailureKind::NoDjango),
            ("Unknown command: 'spectacular'\nType 'manage.py help' for usage.", FailureKind::NoSpectacular),
            ("Warning #0: BrokenView: unable to guess serializer.\ndjango.core.management.base.CommandError: Failing as requested due to warnings", FailureKind::Warnings),
            ("Traceback (most recent call last):\nModuleNotFoundError: No module named 'shop.nosuch'", FailureKind::Import),
            ("something else", FailureKind::Other),
        ];
        for (output, kind) in cases {
            assert_eq!(FailureKind::of(output), kind, "{output}");
        }
    }

    #[test]
    fn python_files_skip_caches_hidden_folders_and_virtualenvs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "manage.py",
            "shop/settings.py",
            "shop/__pycache__/settings.cpython-312.pyc",
            "shop/__pycache__/x.py",
            ".git/hook.py",
            "env/pyvenv.cfg",
            "env/lib/site.py",
            "shop/schema.yml",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let project = Project::new(root.join("manage.py"));
        let found: Vec<String> = project
            .sources()
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["manage.py", "shop/settings.py"]);
    }
}
