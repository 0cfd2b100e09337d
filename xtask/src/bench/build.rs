//! What a large generated crate costs to build: a clean debug build (dependencies included) with
//! its peak compiler memory, then the rebuild after regenerating with one operation changed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cargo;

pub struct BuildFigures {
    pub id: &'static str,
    pub tools: String,
    pub clean: Duration,
    pub clean_peak_kib: Option<u64>,
    pub changed_files: String,
    pub incremental: Duration,
    pub incremental_peak_kib: Option<u64>,
}

/// Generates `spec` (GET operations) into `work/build-<id>`, builds it from clean, changes one
/// operation's summary, regenerates and rebuilds.
pub fn measure(
    root: &Path,
    cli: &Path,
    work: &Path,
    id: &'static str,
    spec: &Path,
) -> Result<BuildFigures, String> {
    let dir = work.join(format!("build-{id}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    // One fixed path for both versions, so only what the change touches is rewritten.
    let spec_copy = dir.join("spec.json");
    let mut doc: Value = serde_json::from_str(
        &std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?,
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(&spec_copy, doc.to_string()).map_err(|e| e.to_string())?;
    let out = dir.join("crate");
    let name = format!("{id}-build-mcp");
    let summary = generate(cli, &spec_copy, &out, &name)?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let target = dir.join("target");
    eprintln!("build: {id} from clean (debug)");
    let (clean, clean_peak_kib) = timed_build(&out, &target, &dir.join("clean.time"))?;

    change_one_summary(&mut doc)?;
    std::fs::write(&spec_copy, doc.to_string()).map_err(|e| e.to_string())?;
    let changed_files = generate(cli, &spec_copy, &out, &name)?;
    eprintln!("build: {id} after one operation changed");
    let (incremental, incremental_peak_kib) =
        timed_build(&out, &target, &dir.join("incremental.time"))?;
    Ok(BuildFigures {
        id,
        tools: summary
            .lines()
            .find(|l| l.contains(" tools"))
            .and_then(|l| l.split(';').next())
            .unwrap_or("")
            .to_owned(),
        clean,
        clean_peak_kib,
        changed_files: changed_files
            .lines()
            .find(|l| l.starts_with("wrote"))
            .unwrap_or("")
            .to_owned(),
        incremental,
        incremental_peak_kib,
    })
}

/// Runs the CLI; returns what it printed on stderr (summary and written files).
pub fn generate(cli: &Path, spec: &Path, out: &Path, name: &str) -> Result<String, String> {
    let output = Command::new(cli)
        .args(["generate", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--name", name])
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok(text)
    } else {
        Err(format!("generate failed: {text}"))
    }
}

/// `cargo build` wall time, and the peak RSS of the largest process when GNU time is there.
fn timed_build(
    crate_dir: &Path,
    target: &Path,
    time_file: &Path,
) -> Result<(Duration, Option<u64>), String> {
    let gnu_time = PathBuf::from("/usr/bin/time");
    let mut cmd = if gnu_time.is_file() {
        let mut cmd = Command::new(gnu_time);
        cmd.args(["-f", "%M", "-o"])
            .arg(time_file)
            .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd
    } else {
        cargo()
    };
    let started = Instant::now();
    let status = cmd
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "--quiet"])
        .status()
        .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    if !status.success() {
        return Err(format!("cargo build in {} failed", crate_dir.display()));
    }
    let peak = std::fs::read_to_string(time_file)
        .ok()
        .and_then(|t| t.trim().lines().last()?.trim().parse().ok());
    Ok((elapsed, peak))
}

/// Appends to the summary of the first GET operation.
fn change_one_summary(doc: &mut Value) -> Result<(), String> {
    let paths = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or("the spec has no paths")?;
    for item in paths.values_mut() {
        if let Some(get) = item.get_mut("get").and_then(Value::as_object_mut) {
            let summary = get
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            get.insert(
                "summary".into(),
                Value::String(format!("{summary} (changed)")),
            );
            return Ok(());
        }
    }
    Err("the spec has no GET operation".into())
}
