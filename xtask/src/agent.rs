//! `cargo xtask agent [--record]`: how choosable the generated tools are, per spec: the share of
//! distinct descriptions, their average length, the `tools/list` size, with the composed texts
//! and the needs/yields lines and without them, and the large-API mode's search recall@3 on
//! everyday questions (`bench/search/queries/`), beside the substring matching it replaced and
//! FastMCP's BM25 search (`bench/search/fastmcp_bm25.py`, when FastMCP is installed).
//!
//! It runs the generator's model and the runtime's own search index in process: no server is
//! built. `--record` writes the tables into `docs/agent-tools.md`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::{json, Value};

use spec2mcp::config::Config;
use spec2mcp::model::search::search_terms;
use spec2mcp::{model, Options};
use spec2mcp_runtime::dynamic::SearchIndex;

/// One spec measured.
struct Spec {
    id: &'static str,
    path: PathBuf,
    methods: &'static [&'static str],
}

/// A question and the tools that answer it.
#[derive(Deserialize)]
struct Query {
    query: String,
    expected: Vec<String>,
}

/// The questions of `file`, none when it does not exist.
fn read_queries(file: &Path) -> Result<Option<Vec<Query>>, String> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{}: {e}", file.display()))
}

/// Every question the search benchmark asks of spec `id` (`bench/search/queries/`), tuned and
/// held out.
pub fn questions(root: &Path, id: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (_, folder) in QUERY_SETS {
        let file = root.join(format!("{folder}/{id}.json"));
        out.extend(read_queries(&file)?.into_iter().flatten().map(|q| q.query));
    }
    Ok(out)
}

/// The query sets: the one the ranking was tuned on, and the one written before the last
/// ranking change.
const QUERY_SETS: &[(&str, &str)] = &[
    ("tuned", "bench/search/queries"),
    ("held out", "bench/search/queries/held-out"),
];

/// Figures of one generation.
struct Texts {
    tools: usize,
    distinct: usize,
    average: f64,
    list_bytes: usize,
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let record = args.iter().any(|a| a == "--record");
    // `--search-only`: just the recall tables, without FastMCP, for working on the ranking.
    let search_only = args.iter().any(|a| a == "--search-only");
    if record && search_only {
        return Err("`--record` writes every table; leave out `--search-only`".into());
    }
    let specs = specs(root)?;
    if let Some(query) = args.iter().find_map(|a| a.strip_prefix("--explain=")) {
        for spec in &specs {
            explain(spec, query)?;
        }
        return Ok(());
    }
    let mut out = String::from(
        "# Tools an agent can choose\n\nWritten by `cargo xtask agent --record`. Per spec: the tools' descriptions and the size of \
         `tools/list` (operations mode, computed from the manifest the way the server lists them), \
         with the composed titles and descriptions and the needs/yields lines (spec2mcp now) and \
         with `derive_descriptions = false` (the spec's own titles and descriptions; the needs line is added either way); then the large-API mode's \
         `search_operations` recall@3 on everyday questions (`bench/search/queries/`).\n\n\
         | spec | tools | distinct descriptions | average description | `tools/list` bytes |\n|---|---|---|---|---|\n",
    );
    let mut recall_rows = String::new();
    let mut miss_rows = String::new();
    for spec in &specs {
        eprintln!("agent: {}", spec.id);
        if !search_only {
            let derived = texts(spec, true)?;
            let plain = texts(spec, false)?;
            out.push_str(&format!(
                "| {} | {} | {} → {} | {:.0} → {:.0} chars | {} → {} ({:+.1}%) |\n",
                spec.id,
                derived.tools,
                ratio(plain.distinct, plain.tools),
                ratio(derived.distinct, derived.tools),
                plain.average,
                derived.average,
                plain.list_bytes,
                derived.list_bytes,
                100.0 * (derived.list_bytes as f64 / plain.list_bytes.max(1) as f64 - 1.0)
            ));
        }
        for (set, folder) in QUERY_SETS {
            let queries_file = root.join(format!("{folder}/{}.json", spec.id));
            let Some(queries) = read_queries(&queries_file)? else {
                continue;
            };
            let (ours, misses) = recall(spec, &queries)?;
            let substring = substring_recall(spec, &queries)?;
            let fastmcp = if search_only {
                "—".to_owned()
            } else {
                fastmcp_recall(root, spec, &queries_file)
                    .map(|r| format!("{:.1}%", 100.0 * r))
                    .unwrap_or_else(|why| format!("— ({why})"))
            };
            recall_rows.push_str(&format!(
                "| {} | {set} | {} | {:.1}% | {:.1}% | {fastmcp} |\n",
                spec.id,
                queries.len(),
                100.0 * ours,
                100.0 * substring
            ));
            for miss in misses {
                miss_rows.push_str(&format!("- {} ({set}): {miss}\n", spec.id));
            }
        }
    }
    out.push_str(
        "\n## Search recall@3\n\nA question counts when one of its expected tools is among the first three results.\n\n\
         | spec | set | questions | spec2mcp | substring matching (before) | FastMCP BM25 |\n|---|---|---|---|---|---|\n",
    );
    out.push_str(&recall_rows);
    out.push_str(
        "\nThe `tuned` questions are the ones the ranking was worked out on; the `held out` ones \
         were not: they are a round written before any change to the ranking that followed \
         them, so their first score shows better what a new question can expect \
         (`bench/search/README.md` gives the rounds and how each was run).\n\n\
         ## Questions spec2mcp's search missed\n\nMost share no word with the operation they ask for \
         (\"what do you sell\"), or a more literal match wins; the search finds nothing rather than \
         guess from the action alone.\n\n",
    );
    out.push_str(&miss_rows);
    print!("{out}");
    if record {
        std::fs::write(root.join("docs/agent-tools.md"), &out).map_err(|e| e.to_string())?;
        eprintln!("wrote docs/agent-tools.md");
    }
    Ok(())
}

fn ratio(part: usize, whole: usize) -> String {
    format!("{:.0}%", 100.0 * part as f64 / whole.max(1) as f64)
}

/// The specs measured: the example app, GitHub's REST API and a large DRF schema.
fn specs(root: &Path) -> Result<Vec<Spec>, String> {
    let mut specs = vec![Spec {
        id: "example",
        path: root.join("example/schema.yml"),
        methods: &["GET"],
    }];
    let github = Command::new("bash")
        .arg(root.join("bench/competitors/github_spec.sh"))
        .output()
        .map_err(|e| format!("cannot run github_spec.sh: {e}"))?;
    if github.status.success() {
        specs.push(Spec {
            id: "github",
            path: PathBuf::from(String::from_utf8_lossy(&github.stdout).trim()),
            methods: &["GET"],
        });
    } else {
        eprintln!("agent: GitHub's spec is not available; skipped");
    }
    let drf = Command::new("bash")
        .arg(root.join("bench/search/drf_large_spec.sh"))
        .output()
        .map_err(|e| format!("cannot run drf_large_spec.sh: {e}"))?;
    if drf.status.success() {
        specs.push(Spec {
            id: "drf-large",
            path: PathBuf::from(String::from_utf8_lossy(&drf.stdout).trim()),
            methods: &["GET", "POST", "PUT", "PATCH", "DELETE"],
        });
    } else {
        eprintln!("agent: the large DRF schema is not available; skipped");
    }
    Ok(specs)
}

fn modeled(spec: &Spec, derive: bool) -> Result<spec2mcp::Modeled, String> {
    let mut options = Options::new(&spec.path);
    options.methods = Some(spec.methods.iter().map(|m| (*m).to_owned()).collect());
    options.name = Some(format!("{}-mcp", spec.id));
    options.config = Config {
        derive_descriptions: Some(derive),
        ..Config::default()
    };
    model(&options).map_err(|e| format!("{}: {e}", spec.id))
}

/// Description figures and the `tools/list` size of one generation.
fn texts(spec: &Spec, derive: bool) -> Result<Texts, String> {
    let modeled = modeled(spec, derive)?;
    let manifest = modeled.manifest();
    let descriptions: BTreeSet<&str> = manifest
        .tools
        .iter()
        .map(|t| t.description.as_str())
        .collect();
    let total: usize = manifest
        .tools
        .iter()
        .map(|t| t.description.chars().count())
        .sum();
    let listed: Vec<Value> = manifest.tools.iter().map(listing).collect();
    Ok(Texts {
        tools: manifest.tools.len(),
        distinct: descriptions.len(),
        average: total as f64 / manifest.tools.len().max(1) as f64,
        list_bytes: serde_json::to_string(&listed).map(|s| s.len()).unwrap_or(0),
    })
}

/// A tool as `tools/list` gives it (what the runtime's listing holds).
fn listing(tool: &spec2mcp::manifest::ToolEntry) -> Value {
    let mut listed = json!({
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "inputSchema": tool.input_schema,
        "annotations": {
            "title": tool.title,
            "readOnlyHint": tool.annotations.read_only_hint,
            "destructiveHint": tool.annotations.destructive_hint,
            "idempotentHint": tool.annotations.idempotent_hint,
            "openWorldHint": true,
        },
    });
    if let Some(output) = &tool.output_schema {
        listed["outputSchema"] = output.clone();
    }
    let mut meta = serde_json::Map::new();
    if !tool.needs.is_empty() {
        meta.insert("spec2mcp/needs".into(), json!(tool.needs));
    }
    if !tool.yields.is_empty() {
        meta.insert("spec2mcp/yields".into(), json!(tool.yields));
    }
    if !tool.derived.is_empty() {
        meta.insert("spec2mcp/derived".into(), json!(tool.derived));
    }
    if !meta.is_empty() {
        listed["_meta"] = Value::Object(meta);
    }
    listed
}

/// The tools' index entries and the runtime's index built from them, as the server builds it.
fn search_index(modeled: &spec2mcp::Modeled) -> (Vec<String>, SearchIndex) {
    let terms: Vec<String> = modeled.api.tools.iter().map(search_terms).collect();
    let index = SearchIndex::from_terms(terms.iter().map(String::as_str));
    (terms, index)
}

/// `--explain=QUERY`: the first results of one query on each spec, with their scores and the
/// terms each matched, for seeing why a tool ranks where it does.
fn explain(spec: &Spec, query: &str) -> Result<(), String> {
    let modeled = modeled(spec, true)?;
    let (terms, index) = search_index(&modeled);
    println!(
        "{}: {query:?} → terms {:?}, implied action {:?}",
        spec.id,
        spec2mcp_runtime::terms::query_terms(query),
        spec2mcp_runtime::terms::implied_action(query)
    );
    let asked = spec2mcp_runtime::terms::query_terms(query);
    for (i, score) in index.rank(query).into_iter().take(8) {
        let matched: Vec<&str> = terms[i]
            .split_whitespace()
            .filter(|e| {
                e.rsplit_once(':')
                    .is_some_and(|(t, _)| asked.iter().any(|a| a == t))
            })
            .collect();
        println!("  {score:6.2} {} {matched:?}", modeled.api.tools[i].name);
    }
    Ok(())
}

/// Recall@3 of the runtime's search over the generated terms, and the questions it missed.
fn recall(spec: &Spec, queries: &[Query]) -> Result<(f64, Vec<String>), String> {
    let modeled = modeled(spec, true)?;
    let (_, index) = search_index(&modeled);
    let names: Vec<&str> = modeled.api.tools.iter().map(|t| t.name.as_str()).collect();
    let mut hits = 0;
    let mut misses = Vec::new();
    for q in queries {
        let top: Vec<&str> = index
            .rank(&q.query)
            .iter()
            .take(3)
            .map(|(i, _)| names[*i])
            .collect();
        if top.iter().any(|name| q.expected.iter().any(|e| e == name)) {
            hits += 1;
        } else {
            misses.push(format!(
                "{:?}: expected {:?}, got {top:?}",
                q.query, q.expected
            ));
        }
    }
    Ok((hits as f64 / queries.len().max(1) as f64, misses))
}

/// Recall@3 of the search this replaced: words matched as substrings of the name, path, tags,
/// title and description, ranked by how many matched and where.
fn substring_recall(spec: &Spec, queries: &[Query]) -> Result<f64, String> {
    let modeled = modeled(spec, false)?;
    let tools = &modeled.api.tools;
    let mut hits = 0;
    for q in queries {
        let words: Vec<String> = q
            .query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut ranked: Vec<(usize, usize, usize)> = tools
            .iter()
            .enumerate()
            .filter_map(|(index, t)| {
                let (name, path, title, description) = (
                    t.name.to_lowercase(),
                    t.path.to_lowercase(),
                    t.title.to_lowercase(),
                    t.description.to_lowercase(),
                );
                let (mut matched, mut weight) = (0, 0);
                for w in &words {
                    let here = [
                        (name.contains(w.as_str()), 4),
                        (path.contains(w.as_str()), 3),
                        (
                            t.tags.iter().any(|g| g.to_lowercase().contains(w.as_str())),
                            3,
                        ),
                        (title.contains(w.as_str()), 2),
                        (description.contains(w.as_str()), 1),
                    ];
                    let found: usize = here.iter().filter(|(hit, _)| *hit).map(|(_, w)| w).sum();
                    if found > 0 {
                        matched += 1;
                        weight += found;
                    }
                }
                (matched > 0).then_some((matched, weight, index))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        if ranked
            .iter()
            .take(3)
            .any(|(_, _, i)| q.expected.iter().any(|e| *e == tools[*i].name))
        {
            hits += 1;
        }
    }
    Ok(hits as f64 / queries.len().max(1) as f64)
}

/// FastMCP's BM25 search on the same questions, through `bench/search/fastmcp_bm25.py` in the
/// bench's FastMCP environment.
fn fastmcp_recall(root: &Path, spec: &Spec, queries: &Path) -> Result<f64, String> {
    let home = std::env::var("SPEC2MCP_BENCH_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/spec2mcp-bench")
        });
    let python = home.join("fastmcp-venv/bin/python");
    if !python.is_file() {
        return Err("FastMCP not installed; run the bench once".into());
    }
    let out = Command::new(python)
        .arg(root.join("bench/search/fastmcp_bm25.py"))
        .arg("--spec")
        .arg(&spec.path)
        .arg("--queries")
        .arg(queries)
        .arg("--methods")
        .arg(spec.methods.join(","))
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err("fastmcp_bm25.py failed".into());
    }
    let report: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    report["recall_at_3"]
        .as_f64()
        .ok_or_else(|| "no recall_at_3".into())
}
