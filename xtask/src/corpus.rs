//! `cargo xtask corpus [--record]`: real specs through the whole pipeline.
//!
//! Today's set is drf-spectacular's own expected schemas (the `tests/**/*.yml` of its PyPI
//! sdist, pinned): every one is generated with all methods enabled, then all the crates are
//! `cargo check`ed as one workspace in `target/corpus`. Prints a table and a closing
//! `N passed, M failed`; `--record` also writes it to `docs/corpus.md`. Nothing third-party is
//! committed: the sdist is downloaded at run time.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use spec2mcp::{generate, write, Options};

use crate::{python, run};

const DRF_SPECTACULAR: &str = "0.30.0";
const ALL_METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// One spec's row.
struct Row {
    name: String,
    operations: usize,
    tools: usize,
    skipped: Vec<String>,
    generated: Result<(), String>,
    compiles: bool,
    millis: f64,
}

/// Runs the corpus; fails when any spec does not generate or its crate does not compile.
pub fn run_corpus(root: &Path, record: bool) -> Result<(), String> {
    let python = python::venv(root)?;
    let base = root.join("target/corpus");
    let specs = drf_specs(&python, &base)?;
    let crates = base.join("crates");
    let _ = std::fs::remove_dir_all(&crates);
    std::fs::create_dir_all(&crates).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for spec in &specs {
        rows.push(generate_one(spec, &crates));
    }
    let members: Vec<String> = rows
        .iter()
        .filter(|r| r.generated.is_ok())
        .map(|r| format!("\"{}\"", r.name))
        .collect();
    std::fs::write(
        crates.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .map_err(|e| e.to_string())?;
    // Same dependency versions as the repository's own build.
    std::fs::copy(root.join("Cargo.lock"), crates.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let check = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&crates)
        .env("CARGO_TARGET_DIR", base.join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--message-format",
            "short",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo check: {e}"))?;
    let stderr = String::from_utf8_lossy(&check.stderr);
    for row in rows.iter_mut().filter(|r| r.generated.is_ok()) {
        let failed = stderr.contains(&format!("could not compile `{}`", row.name));
        let warned = stderr
            .lines()
            .any(|l| l.starts_with(&format!("warning: `{}`", row.name)));
        row.compiles = !failed && !warned;
    }
    if !check.status.success() {
        eprintln!("{stderr}");
    }
    let table = render(&rows);
    print!("{table}");
    let passed = rows
        .iter()
        .filter(|r| r.generated.is_ok() && r.compiles)
        .count();
    let failed = rows.len() - passed;
    if record {
        let doc = format!(
            "# Corpus\n\nReal specs through the whole pipeline, with every method enabled: generate, then `cargo check` \
             (no warnings allowed). Regenerate this page with `cargo xtask corpus --record`.\n\n\
             drf-spectacular {DRF_SPECTACULAR}'s own expected schemas (`tests/**/*.yml` of its PyPI sdist):\n\n{table}\n"
        );
        std::fs::write(root.join("docs/corpus.md"), doc).map_err(|e| e.to_string())?;
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!(
            "{failed} corpus spec(s) did not generate or compile"
        ))
    }
}

/// Downloads the pinned sdist (once) and lists its expected schemas, sorted.
fn drf_specs(python: &Path, base: &Path) -> Result<Vec<PathBuf>, String> {
    let download = base.join("download");
    let unpacked = download.join(format!("drf_spectacular-{DRF_SPECTACULAR}"));
    if !unpacked.is_dir() {
        std::fs::create_dir_all(&download).map_err(|e| e.to_string())?;
        run(Command::new(python)
            .args([
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-binary",
                ":all:",
            ])
            .arg(format!("drf-spectacular=={DRF_SPECTACULAR}"))
            .arg("-d")
            .arg(&download))?;
        run(Command::new("tar")
            .current_dir(&download)
            .args(["xzf", &format!("drf_spectacular-{DRF_SPECTACULAR}.tar.gz")]))?;
    }
    let mut specs = Vec::new();
    collect_yml(&unpacked.join("tests"), &mut specs);
    specs.sort();
    if specs.is_empty() {
        return Err(format!(
            "no expected schemas found under {}",
            unpacked.display()
        ));
    }
    Ok(specs)
}

fn collect_yml(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_yml(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml") {
            out.push(path);
        }
    }
}

fn generate_one(spec: &Path, crates: &Path) -> Row {
    let tests = spec
        .components()
        .position(|c| c.as_os_str() == "tests")
        .unwrap_or(0);
    let rel: Vec<String> = spec
        .components()
        .skip(tests + 1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let name = format!(
        "drf-{}",
        rel.join("-").trim_end_matches(".yml").replace('_', "-")
    );
    let mut options = Options::new(spec);
    options.name = Some(name.clone());
    options.methods = Some(ALL_METHODS.iter().map(|m| (*m).to_owned()).collect());
    options.workspace_member = true;
    let started = Instant::now();
    let result = generate(&options);
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(generated) => {
            let written = write::write(&crates.join(&name), &generated.files)
                .map(|_| ())
                .map_err(|e| e.to_string());
            Row {
                operations: generated.api.operation_count,
                tools: generated.api.tools.len(),
                skipped: generated
                    .api
                    .skipped
                    .iter()
                    .map(|s| format!("{}: {}", s.operation, s.reason))
                    .collect(),
                generated: written,
                compiles: false,
                millis,
                name,
            }
        }
        Err(err) => Row {
            name,
            operations: 0,
            tools: 0,
            skipped: Vec::new(),
            generated: Err(err
                .to_string()
                .lines()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")),
            compiles: false,
            millis,
        },
    }
}

fn render(rows: &[Row]) -> String {
    let mut out = String::from("| spec | operations | tools | skipped | generated | compiles | ms |\n|---|---|---|---|---|---|---|\n");
    for r in rows {
        let skipped = if r.skipped.is_empty() {
            "0".to_owned()
        } else {
            format!("{} ({})", r.skipped.len(), r.skipped.join("; "))
        };
        let generated = match &r.generated {
            Ok(()) => "yes".to_owned(),
            Err(e) => format!("no: {e}"),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {:.1} |\n",
            r.name,
            r.operations,
            r.tools,
            skipped,
            generated,
            if r.compiles { "yes" } else { "no" },
            r.millis
        ));
    }
    let ops: usize = rows.iter().map(|r| r.operations).sum();
    let tools: usize = rows.iter().map(|r| r.tools).sum();
    out.push_str(&format!(
        "| **{} specs** | **{ops}** | **{tools}** | | | | |\n",
        rows.len()
    ));
    out
}
