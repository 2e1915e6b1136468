//! `cargo xtask bench`: every performance number the README quotes, from one command.
//!
//! 1. Builds the bench runner (`betapool-bench`) in release mode and calibrates the spin loop
//!    once, so every process does the same CPU work per task.
//! 2. Runs each configuration (workload × pool) in its own process: the static oracle sweep
//!    N = 1, 2, 4 … 512 and the peer pools, repeated and interleaved (repeat 1 of everything,
//!    then repeat 2 …) so that slow drifts of a shared machine spread over all configurations.
//!    Burst workloads also run the sweep cold (`cold:static:N`: the pool built inside the
//!    measured window), so the self-sizing pools can be read against a pool that had to start
//!    its threads too.
//! 3. Writes `target/bench/results.json`, `summary.md` and one SVG per workload
//!    (`betapool-bench report`), then runs the criterion micro-benchmarks and appends them.
//!
//! 4. Runs the batching section (`betapool-batch` on a synthetic model, `betapool-bench batch`;
//!    then the example ONNX network, `inference-server`'s `batch_onnx` example) and appends
//!    `batch.md` and `batch_onnx.md` to the summary, with `batch.svg` beside them.
//!
//! 5. Runs the Python section (`betapool-py/bench/bench.py` in `target/py-venv`, the package
//!    built in release mode) and appends `python.md` to the summary.
//!
//! `--no-batch` skips step 4; `--batch-only` runs only step 4. `--no-python` skips step 5;
//! `--python-only` runs only step 5.
//!
//! `--quick` is a smoke run (fewer sizes, a quarter of the tasks, one repeat): under 10 minutes.
//!
//! `--baseline PATH` compares this checkout with another build of the runner (say, one built at
//! an earlier commit): every configuration also runs under PATH, right after (or, on odd
//! repeats, right before) this checkout's run, and `target/bench/ab.md` gives, per workload and
//! pool, the median throughput of both with their min–max and the ratio of the medians.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{ab, cmd, micro};

/// The workloads of a full run: sustained ones, then the 20 000-task short bursts.
const WORKLOADS: &[&str] = &[
    "io",
    "cpu",
    "mixed",
    "phases",
    "bursty",
    "rag",
    "io-burst",
    "mixed-burst",
    "recurring",
    "tiny-noop",
    "tiny-1us",
    "tiny-10us",
];
/// The burst workloads: they keep their task count in a quick run (their point is their
/// size) and also run the cold static sweep (`cold:static:N`, the pool built inside the
/// measured window, as a pool created for the burst would be).
const BURSTS: &[&str] = &["io-burst", "mixed-burst", "recurring"];
/// The static oracle sweep.
const SIZES: &[usize] = &[1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
/// The sweep of a quick run: every other size, still spanning 1 to 256.
const QUICK_SIZES: &[usize] = &[1, 4, 16, 64, 256];
/// The self-sizing pools under test (min 4, max 512, no tuning) and the peer pools, with their
/// defaults.
const PEERS: &[&str] = &[
    "adaptive",
    "adaptive-seed",
    "tokio",
    "smol",
    "rayon",
    "threadpool",
];
/// Repeats of a full run: 3 is the fewest that give a median with a spread around it.
const REPEATS: usize = 3;
/// After this long a run's remaining tasks skip their work: 1 ms sleeps on one thread would
/// otherwise take 200 s. The best sizes finish well within it.
const TIME_CAP_S: f64 = 6.0;
/// The quick run's cap.
const QUICK_TIME_CAP_S: f64 = 2.0;
/// A quick run uses this fraction of each sustained workload's tasks (the short bursts keep
/// their 20 000: their point is their size).
const QUICK_SCALE: f64 = 0.25;
/// A process that outlives its time cap by this much is killed and reported.
const PROCESS_GRACE: Duration = Duration::from_secs(120);

/// Options of one invocation.
#[derive(Debug)]
struct Options {
    quick: bool,
    workloads: Vec<String>,
    pools: Option<Vec<String>>,
    repeats: usize,
    micro: bool,
    /// Whether to run the batching section, and whether to run only it.
    batch: bool,
    batch_only: bool,
    /// Whether to run the Python section, and whether to run only it.
    python: bool,
    python_only: bool,
    /// Another build of the runner, run beside this one on every configuration.
    baseline: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        quick: false,
        workloads: WORKLOADS.iter().map(|s| s.to_string()).collect(),
        pools: None,
        repeats: REPEATS,
        micro: true,
        batch: true,
        batch_only: false,
        python: true,
        python_only: false,
        baseline: None,
    };
    let mut repeats = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .with_context(|| format!("{flag} needs a value"))
        };
        match a.as_str() {
            "--quick" => o.quick = true,
            "--no-micro" => o.micro = false,
            "--no-batch" => o.batch = false,
            "--batch-only" => o.batch_only = true,
            "--no-python" => o.python = false,
            "--python-only" => o.python_only = true,
            "--baseline" => {
                let path = PathBuf::from(value("--baseline")?);
                if !path.is_file() {
                    bail!("--baseline: `{}` is not a file", path.display());
                }
                o.baseline = Some(path);
            }
            "--workloads" => o.workloads = split(&value("--workloads")?),
            "--pools" => o.pools = Some(split(&value("--pools")?)),
            "--repeats" => {
                let v = value("--repeats")?;
                let n: usize = v
                    .parse()
                    .with_context(|| format!("--repeats: `{v}` is not a count"))?;
                if n == 0 {
                    bail!("--repeats must be at least 1");
                }
                repeats = Some(n);
            }
            other => bail!(
                "unknown argument `{other}`; usage: cargo xtask bench [--quick] [--workloads a,b] \
                 [--pools p,q] [--repeats N] [--no-micro] [--no-batch] [--batch-only] [--no-python] [--python-only] \
                 [--baseline RUNNER]"
            ),
        }
    }
    o.repeats = repeats.unwrap_or(if o.quick { 1 } else { REPEATS });
    Ok(o)
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

pub(crate) fn run(args: &[String]) -> Result<()> {
    let o = parse(args)?;
    let root = cmd::root();
    let out = root.join("target/bench");
    fs::create_dir_all(&out)?;
    if o.python_only {
        println!("{}", python_section(&o, &out)?);
        return Ok(());
    }
    cmd::run(cmd::cargo(&[
        "build",
        "--release",
        "--package",
        "betapool-bench",
    ]))?;
    let runner = cmd::release_binary("betapool-bench");
    if o.batch_only {
        let md = batch_section(&runner, &o, &out)?;
        println!("{md}");
        return Ok(());
    }

    let calibration = calibrate(&runner)?;
    let sizes = if o.quick { QUICK_SIZES } else { SIZES };
    let pools: Vec<String> = match &o.pools {
        Some(p) => p.clone(),
        None => sizes
            .iter()
            .map(|n| format!("static:{n}"))
            .chain(PEERS.iter().map(|p| p.to_string()))
            .collect(),
    };
    // The cold sweep runs on burst workloads only, and only beside the default pool list and
    // without a baseline (a runner built before `cold:` existed would fail every cold row).
    let cold: Vec<String> = match (&o.pools, &o.baseline) {
        (None, None) => sizes.iter().map(|n| format!("cold:static:{n}")).collect(),
        _ => Vec::new(),
    };
    let pools_of = |workload: &str| -> Vec<String> {
        let mut list = pools.clone();
        if BURSTS.contains(&workload) {
            list.extend(cold.iter().cloned());
        }
        list
    };
    let cap = if o.quick {
        QUICK_TIME_CAP_S
    } else {
        TIME_CAP_S
    };
    let command = format!("cargo xtask bench {}", args.join(" "))
        .trim()
        .to_string();
    let meta = serde_json::json!({
        "command": command,
        "cores": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "calibration": calibration,
        "repeats": o.repeats,
        "time_cap_s": cap,
    });
    fs::write(out.join("meta.json"), serde_json::to_string_pretty(&meta)?)?;

    let runs_path = out.join("runs.jsonl");
    let mut runs = fs::File::create(&runs_path)?;
    let total = o.repeats * o.workloads.iter().map(|w| pools_of(w).len()).sum::<usize>();
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut done = 0;
    let mut ab = ab::Table::default();
    for repeat in 1..=o.repeats {
        for workload in &o.workloads {
            for pool in &pools_of(workload) {
                done += 1;
                let mut args = vec![
                    "run".to_string(),
                    "--pool".into(),
                    pool.clone(),
                    "--workload".into(),
                    workload.clone(),
                    "--calibration".into(),
                    calibration.to_string(),
                    "--time-cap-s".into(),
                    cap.to_string(),
                ];
                if o.quick && !BURSTS.contains(&workload.as_str()) {
                    args.push("--scale".into());
                    args.push(QUICK_SCALE.to_string());
                }
                if let Some(baseline) = &o.baseline {
                    // Alternate which build goes first, so neither always runs on a machine
                    // the other has just warmed (or heated).
                    let baseline_first = repeat.is_multiple_of(2);
                    let order: [(&Path, bool); 2] = if baseline_first {
                        [(baseline, true), (&runner, false)]
                    } else {
                        [(&runner, false), (baseline, true)]
                    };
                    for (build, is_baseline) in order {
                        match run_one(build, &args, cap) {
                            Ok(line) => ab.add(workload, pool, is_baseline, &line),
                            Err(e) => failures.push(format!(
                                "{workload} {pool} (repeat {repeat}, {}): {e:#}",
                                if is_baseline {
                                    "baseline"
                                } else {
                                    "this build"
                                }
                            )),
                        }
                    }
                    eprintln!(
                        "[{done}/{total}] {workload} {pool} (repeat {repeat}): {} ({:.0} s in all)",
                        ab.last_line(workload, pool),
                        started.elapsed().as_secs_f64()
                    );
                    continue;
                }
                let t = Instant::now();
                match run_one(&runner, &args, cap) {
                    Ok(line) => {
                        writeln!(runs, "{line}")?;
                        eprintln!(
                            "[{done}/{total}] {workload} {pool} (repeat {repeat}): {} ({:.1} s, {:.0} s in all)",
                            headline(&line),
                            t.elapsed().as_secs_f64(),
                            started.elapsed().as_secs_f64()
                        );
                    }
                    Err(e) => {
                        eprintln!(
                            "[{done}/{total}] {workload} {pool} (repeat {repeat}): FAILED: {e:#}"
                        );
                        failures.push(format!("{workload} {pool} (repeat {repeat}): {e:#}"));
                    }
                }
            }
        }
    }
    drop(runs);
    if o.baseline.is_some() {
        let table = ab.markdown(&command);
        fs::write(out.join("ab.md"), &table)?;
        println!("{table}");
        println!("wrote {}", out.join("ab.md").display());
        if !failures.is_empty() {
            bail!("{} run(s) failed:\n{}", failures.len(), failures.join("\n"));
        }
        return Ok(());
    }
    let mut report = Command::new(&runner);
    report
        .arg("report")
        .arg("--runs")
        .arg(&runs_path)
        .arg("--out")
        .arg(&out);
    cmd::run(report)?;

    let summary_path = out.join("summary.md");
    if o.micro {
        let table = micro::run(o.quick)?;
        let mut summary = fs::read_to_string(&summary_path)?;
        summary.push_str("## Per-task overhead (criterion)\n\nNo-op tasks, batches of 10 000.\n\n");
        summary.push_str(&table);
        fs::write(&summary_path, summary)?;
    }
    if o.batch {
        let md = batch_section(&runner, &o, &out)?;
        let mut summary = fs::read_to_string(&summary_path)?;
        summary.push('\n');
        summary.push_str(&md);
        fs::write(&summary_path, summary)?;
    }
    if o.python {
        let md = python_section(&o, &out)?;
        let mut summary = fs::read_to_string(&summary_path)?;
        summary.push('\n');
        summary.push_str(&md);
        fs::write(&summary_path, summary)?;
    }
    println!("{}", fs::read_to_string(&summary_path)?);
    println!(
        "wrote {} (results.json, summary.md, <workload>.svg) in {:.0} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    if !failures.is_empty() {
        bail!("{} run(s) failed:\n{}", failures.len(), failures.join("\n"));
    }
    Ok(())
}

/// The batching section: one process of the runner, which writes `batch.json`, `batch.md` and
/// `batch.svg` into `out`; returns the Markdown.
fn batch_section(runner: &Path, o: &Options, out: &Path) -> Result<String> {
    let mut batch = Command::new(runner);
    batch
        .arg("batch")
        .arg("--repeats")
        .arg(o.repeats.to_string())
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null());
    if o.quick {
        batch.arg("--quick");
    }
    cmd::run(batch)?;
    let mut md = fs::read_to_string(out.join("batch.md")).context("reading batch.md")?;
    // The real model's table: an example of inference-server, which alone builds tract.
    let (secs, repeats) = if o.quick {
        ("1", "1".to_owned())
    } else {
        ("2", o.repeats.to_string())
    };
    let out_dir = out.to_string_lossy().into_owned();
    let mut onnx = cmd::cargo(&[
        "run",
        "--release",
        "--package",
        "inference-server",
        "--example",
        "batch_onnx",
        "--",
        &out_dir,
        secs,
        &repeats,
    ]);
    onnx.stdout(Stdio::null());
    cmd::run(onnx)?;
    md.push('\n');
    md.push_str(&fs::read_to_string(out.join("batch_onnx.md")).context("reading batch_onnx.md")?);
    Ok(md)
}

fn calibrate(runner: &Path) -> Result<f64> {
    let out = Command::new(runner)
        .arg("calibrate")
        .output()
        .context("running the calibration")?;
    if !out.status.success() {
        bail!(
            "calibration failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("parsing the calibration")?;
    v["iterations_per_us"]
        .as_f64()
        .context("calibration without iterations_per_us")
}

/// Runs one configuration in its own process and returns its JSON report line.
///
/// The child's output is read while it runs: a report with a long timeline is larger than a
/// pipe holds (64 KiB), and a child blocked writing it would never exit.
fn run_one(runner: &Path, args: &[String], cap_s: f64) -> Result<String> {
    let mut child = Command::new(runner)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", runner.display()))?;
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = Instant::now() + Duration::from_secs_f64(cap_s) + PROCESS_GRACE;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "did not finish within {:.0} s of its time cap; killed",
                PROCESS_GRACE.as_secs_f64()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() {
        bail!("{} ({})", String::from_utf8_lossy(&stderr).trim(), status);
    }
    let line = String::from_utf8(stdout).context("non-UTF-8 report")?;
    let line = line.lines().last().unwrap_or_default().to_string();
    serde_json::from_str::<serde_json::Value>(&line).context("the report is not JSON")?;
    Ok(line)
}

/// "123456 tasks/s, peak 64 threads" from a report line.
fn headline(line: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
    let capped = if v["capped"].as_bool() == Some(true) {
        ", capped"
    } else {
        ""
    };
    format!(
        "{:.0} tasks/s, P99 {:.1} ms, peak {} threads{capped}",
        v["throughput"].as_f64().unwrap_or(f64::NAN),
        v["p99_latency_s"].as_f64().unwrap_or(f64::NAN) * 1e3,
        v["peak_threads"].as_u64().unwrap_or(0)
    )
}

/// The Python section: `betapool-py/bench/bench.py` in the package's virtual environment (the
/// package built in release mode), which writes `python.json` and `python.md` into `out`;
/// returns the Markdown.
fn python_section(o: &Options, out: &Path) -> Result<String> {
    let python = crate::python::venv_python(true)?;
    let mut bench = Command::new(python);
    bench
        .arg(cmd::root().join("betapool-py/bench/bench.py"))
        .arg(out)
        .stdout(Stdio::null());
    if o.quick {
        bench.arg("--quick");
    }
    cmd::run(bench)?;
    fs::read_to_string(out.join("python.md")).context("reading python.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_larger_than_a_pipe_is_read_while_the_child_runs() {
        // 200 000 bytes of timeline, then the report line: more than a pipe buffers.
        let script = "yes x | head -c 200000; echo '{\"ok\":true}'";
        let args = vec!["-c".to_string(), script.to_string()];
        let line = run_one(Path::new("sh"), &args, 5.0).expect("the child exits");
        assert_eq!(line, "{\"ok\":true}");
    }

    #[test]
    fn a_failing_child_reports_its_stderr() {
        let args = vec![
            "-c".to_string(),
            "echo 'bad --pool' >&2; exit 3".to_string(),
        ];
        let err = run_one(Path::new("sh"), &args, 5.0)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad --pool"), "{err}");
    }
}
