//! The measurements, each against one contender's command: cold start to `tools/list`, memory,
//! per-call latency over stdio and over Streamable HTTP, and tools/call throughput over
//! Streamable HTTP.

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::http::Connection;
use super::mcp::{rss_kib, wait_listening, HttpSession, StdioSession};

/// Sorted samples.
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn new(mut samples: Vec<Duration>) -> Samples {
        samples.sort();
        Samples(samples)
    }

    /// The `q` quantile (0..=1), nearest rank.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((q * self.0.len() as f64).ceil() as usize).clamp(1, self.0.len());
        self.0[rank - 1]
    }

    /// All the samples of several runs as one set.
    pub fn pooled(parts: Vec<Samples>) -> Samples {
        Samples::new(parts.into_iter().flat_map(|p| p.0).collect())
    }

    pub fn median(&self) -> Duration {
        self.quantile(0.5)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// A fixed single-thread CPU workload, timed (median of 5): the yardstick that tells whether two
/// runs' figures came from an equally fast machine. Fills 4 M integers from a xorshift and sorts
/// them: integer work, branches and memory traffic, like a compiler's.
pub fn cpu_reference() -> Duration {
    let times = (0..5)
        .map(|_| {
            let started = Instant::now();
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            let mut values: Vec<u64> = (0..4_000_000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x
                })
                .collect();
            values.sort_unstable();
            std::hint::black_box(&values);
            started.elapsed()
        })
        .collect();
    Samples::new(times).median()
}

/// What starting the server to a completed `tools/list` costs.
pub struct ColdStart {
    pub times: Samples,
    pub rss_kib: u64,
    pub tools: usize,
    pub list_bytes: usize,
}

/// Starts the server `runs` times, each to a completed `tools/list` over stdio.
pub fn cold_start(
    make: &dyn Fn() -> Command,
    runs: usize,
    log: &std::path::Path,
) -> Result<ColdStart, String> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let mut session = StdioSession::spawn(&mut make(), log)?;
        session.initialize()?;
        let (listing, arrived) = session.timed_request("tools/list", json!({}))?;
        times.push(arrived - started);
        let rss = rss_kib(session.pid()).unwrap_or(0);
        last = Some((listing, rss));
    }
    let (listing, rss_kib) = last.ok_or("no runs")?;
    let tools = listing
        .get("tools")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    // What a client receives and an agent pays for: the `tools` array as JSON.
    let list_bytes = listing.get("tools").map_or(0, |t| t.to_string().len());
    Ok(ColdStart {
        times: Samples::new(times),
        rss_kib,
        tools,
        list_bytes,
    })
}

/// `search_operations` round trips on a dynamic-mode server, which builds its search index on
/// the first search rather than at start-up.
pub struct SearchTimes {
    /// The first search of a fresh process (index built, then one query ranked), per process.
    pub first: Samples,
    /// Every later search of one process: ranking only.
    pub later: Samples,
}

/// Starts the dynamic-mode server `runs` times and times its first search each time; in the
/// first process, also every one of `queries` after it.
pub fn search_latency(
    make: &dyn Fn() -> Command,
    runs: usize,
    queries: &[String],
    log: &std::path::Path,
) -> Result<SearchTimes, String> {
    let (first_query, later_queries) = queries.split_first().ok_or("no queries")?;
    let search = |session: &mut StdioSession, query: &str| {
        let started = Instant::now();
        let params = json!({"name": "search_operations", "arguments": {"query": query}});
        let (result, arrived) = session.timed_request("tools/call", params)?;
        if result.get("isError") == Some(&Value::Bool(true)) {
            return Err(format!("search_operations failed on {query:?}: {result}"));
        }
        Ok::<_, String>(arrived - started)
    };
    let mut first = Vec::new();
    let mut later = Vec::new();
    for run in 0..runs {
        let mut session = StdioSession::spawn(&mut make(), log)?;
        session.initialize()?;
        session.request("tools/list", json!({}))?;
        first.push(search(&mut session, first_query)?);
        if run == 0 {
            for query in later_queries {
                later.push(search(&mut session, query)?);
            }
        }
    }
    Ok(SearchTimes {
        first: Samples::new(first),
        later: Samples::new(later),
    })
}

/// Per-call latency of one server, with direct calls measured in the same window.
pub struct Latency {
    /// `tools/call` round trips over stdio.
    pub mcp: Samples,
    /// The same GET straight to the upstream, one after each `tools/call`: the overhead is
    /// taken against these, so drift in the upstream (Django's latency wanders by milliseconds
    /// between runs) falls on both sides alike.
    pub direct: Samples,
}

impl Latency {
    /// What the MCP call adds at p50 over the direct call made alongside it.
    pub fn overhead(&self) -> Duration {
        overhead_at_p50(&self.mcp, &self.direct)
    }
}

/// The p50 of `calls` over the p50 of `direct`.
pub fn overhead_at_p50(calls: &Samples, direct: &Samples) -> Duration {
    calls.median().saturating_sub(direct.median())
}

/// `tools/call` round trips over stdio, one after another, each followed by the same request
/// sent straight to the upstream at `addr` on one keep-alive connection.
pub fn stdio_latency(
    make: &dyn Fn() -> Command,
    call: (&str, &Value),
    direct: (&str, &str),
    warmup: usize,
    calls: usize,
    log: &std::path::Path,
) -> Result<Latency, String> {
    let (tool, args) = call;
    let (addr, target) = direct;
    let mut session = StdioSession::spawn(&mut make(), log)?;
    session.initialize()?;
    let params = json!({"name": tool, "arguments": args});
    alternate((addr, target), warmup, calls, || {
        let result = session.request("tools/call", params.clone())?;
        if result.get("isError") == Some(&Value::Bool(true)) {
            return Err(format!("{tool} failed: {}", cut(&result.to_string())));
        }
        Ok(())
    })
}

/// How long [`alternate`] waits before each call and each direct GET.
const QUIET: Duration = Duration::from_millis(1);

/// `warmup + calls` rounds of `call` (timed), each followed by the direct GET of `target` at
/// `addr` on one keep-alive connection, each of the two after [`QUIET`]; the first `warmup`
/// rounds are not recorded.
fn alternate(
    (addr, target): (&str, &str),
    warmup: usize,
    calls: usize,
    mut call: impl FnMut() -> Result<(), String>,
) -> Result<Latency, String> {
    let mut connection = Connection::open(addr).map_err(|e| e.to_string())?;
    let mut mcp_times = Vec::with_capacity(calls);
    let mut direct_times = Vec::with_capacity(calls);
    for i in 0..warmup + calls {
        // Both start from a quiet machine: what the server still does after answering must
        // not land on the direct GET, nor what the upstream does after it on the next call.
        std::thread::sleep(QUIET);
        let started = Instant::now();
        call()?;
        let elapsed = started.elapsed();
        std::thread::sleep(QUIET);
        let direct = direct_call(&mut connection, target)?;
        if i >= warmup {
            mcp_times.push(elapsed);
            direct_times.push(direct);
        }
    }
    Ok(Latency {
        mcp: Samples::new(mcp_times),
        direct: Samples::new(direct_times),
    })
}

/// `tools/call` round trips over Streamable HTTP on one keep-alive connection, one after
/// another, each followed by the same request sent straight to the upstream: the HTTP
/// transport's share of a call, measured the way [`stdio_latency`] measures stdio's.
pub fn http_latency(
    make: &dyn Fn(u16) -> Command,
    call: (&str, &Value),
    direct: (&str, &str),
    warmup: usize,
    calls: usize,
    log: &std::path::Path,
) -> Result<Latency, String> {
    let (tool, args) = call;
    let (upstream, target) = direct;
    with_http_server(make, log, |addr, _pid| {
        let mut session = HttpSession::connect(addr, "/mcp")?;
        let params = json!({"name": tool, "arguments": args}).to_string();
        alternate((upstream, target), warmup, calls, || {
            match session.call_tool_ok(&params)? {
                true => Ok(()),
                false => Err(format!("{tool} failed over HTTP")),
            }
        })
    })
}

/// Starts the HTTP server `make` gives for a free port, waits until it listens, runs `body` with
/// its address and process id, and stops it whatever `body` returned.
fn with_http_server<T>(
    make: &dyn Fn(u16) -> Command,
    log: &std::path::Path,
    body: impl FnOnce(&str, u32) -> Result<T, String>,
) -> Result<T, String> {
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let log_file = std::fs::File::create(log).map_err(|e| e.to_string())?;
    let mut child = make(port)
        .stdin(std::process::Stdio::null())
        .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("cannot start the HTTP server: {e}"))?;
    let outcome =
        wait_listening(&addr, Duration::from_secs(60)).and_then(|()| body(&addr, child.id()));
    let _ = child.kill();
    let _ = child.wait();
    outcome
}

/// Round trips of the same request straight to the upstream, on one keep-alive connection.
pub fn direct_latency(
    addr: &str,
    target: &str,
    warmup: usize,
    calls: usize,
) -> Result<Samples, String> {
    let mut connection = Connection::open(addr).map_err(|e| e.to_string())?;
    let mut times = Vec::with_capacity(calls);
    for i in 0..warmup + calls {
        let elapsed = direct_call(&mut connection, target)?;
        if i >= warmup {
            times.push(elapsed);
        }
    }
    Ok(Samples::new(times))
}

/// One GET of `target` on `connection`, timed; anything but 200 is an error.
fn direct_call(connection: &mut Connection, target: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let response = connection
        .request("GET", target, &[("Accept", "application/json")], b"")
        .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    if response.status != 200 {
        return Err(format!("direct GET {target} answered {}", response.status));
    }
    Ok(elapsed)
}

/// Completed `tools/call`s per second with `clients` concurrent sessions for `seconds`.
pub struct Throughput {
    pub calls: u64,
    pub errors: u64,
    pub per_second: f64,
    pub latency: Samples,
    /// CPU time the server (with any processes it started) used during the timed window. On a
    /// 2-core machine shared with the clients and the upstream, CPU per call says more about
    /// the server than calls per second do.
    pub server_cpu: Option<Duration>,
}

/// How hard `http_throughput` pushes.
pub struct Load {
    pub clients: usize,
    pub seconds: f64,
    /// Concurrent clients share one session (for a server that serves one at a time).
    pub shared_session: bool,
}

pub fn http_throughput(
    make: &dyn Fn(u16) -> Command,
    path: &str,
    tool: &str,
    args: &Value,
    load: &Load,
    log: &std::path::Path,
) -> Result<Throughput, String> {
    with_http_server(make, log, |addr, pid| {
        // Sessions first, so the handshakes are not timed.
        let mut sessions = Vec::new();
        let first = HttpSession::connect(addr, path)?;
        let mut others = Vec::new();
        for _ in 1..load.clients {
            others.push(if load.shared_session {
                first.share(addr)?
            } else {
                HttpSession::connect(addr, path)?
            });
        }
        for mut session in std::iter::once(first).chain(others) {
            // One untimed call each: connection pools, caches and JITs warm.
            session.request("tools/call", json!({"name": tool, "arguments": args}))?;
            sessions.push(session);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let errors = Arc::new(AtomicU64::new(0));
        let cpu_before = tree_cpu(pid);
        let started = Instant::now();
        let workers: Vec<_> = sessions
            .into_iter()
            .map(|mut session| {
                let stop = stop.clone();
                let errors = errors.clone();
                let params = json!({"name": tool, "arguments": args}).to_string();
                std::thread::spawn(move || {
                    let mut times = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let t = Instant::now();
                        let answer = session.call_tool_ok(&params);
                        if stop.load(Ordering::Relaxed) {
                            // Finished after the window closed: not counted either way.
                            break;
                        }
                        match answer {
                            Ok(true) => times.push(t.elapsed()),
                            _ => {
                                errors.fetch_add(1, Ordering::Relaxed);
                                if errors.load(Ordering::Relaxed) > 1000 {
                                    break;
                                }
                            }
                        }
                    }
                    times
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs_f64(load.seconds));
        stop.store(true, Ordering::Relaxed);
        let elapsed = started.elapsed().as_secs_f64();
        let cpu_after = tree_cpu(pid);
        let mut all = Vec::new();
        for worker in workers {
            all.extend(worker.join().map_err(|_| "a client thread panicked")?);
        }
        let calls = all.len() as u64;
        Ok(Throughput {
            calls,
            errors: errors.load(Ordering::Relaxed),
            per_second: calls as f64 / elapsed,
            latency: Samples::new(all),
            server_cpu: cpu_before
                .zip(cpu_after)
                .map(|(before, after)| after.saturating_sub(before)),
        })
    })
}

/// User plus system CPU time of process `pid` and its descendants so far, from `/proc` (Linux;
/// `None` elsewhere). Times are in clock ticks of 1/100 s, `USER_HZ` on Linux.
fn tree_cpu(pid: u32) -> Option<Duration> {
    // (pid, parent, ticks) of every process; the fields after the `)` that ends the command
    // name are state, ppid, …, utime (14th field of the line) and stime (15th).
    let processes: Vec<(u32, u32, u64)> = std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            let parent = fields.get(1)?.parse().ok()?;
            let ticks =
                fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
            Some((pid, parent, ticks))
        })
        .collect();
    let mut tree = vec![pid];
    let mut grew = true;
    while grew {
        grew = false;
        for (child, parent, _) in &processes {
            if tree.contains(parent) && !tree.contains(child) {
                tree.push(*child);
                grew = true;
            }
        }
    }
    let ticks: u64 = processes
        .iter()
        .filter(|(p, _, _)| tree.contains(p))
        .map(|(_, _, t)| t)
        .sum();
    processes
        .iter()
        .any(|(p, _, _)| *p == pid)
        .then(|| Duration::from_millis(ticks * 10))
}

pub fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn cut(text: &str) -> String {
    text.chars().take(300).collect()
}
