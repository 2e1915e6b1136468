//! `betapool-bench load`: measures every configuration in turn ([`measure`]), interleaved over
//! the repeats. Then `load.json`, `load.md` (the table, also printed) and `load.svg` (latency
//! by percentile) are written into `--out` ([`report`]). A configuration that fails is
//! reported and the others still run; the command then exits non-zero.

use std::fs;
use std::path::Path;
use std::thread;

use anyhow::{Context, Result, bail};

use super::LoadArgs;
use super::client::IO_TIMEOUT;
use super::configs::resolve_configs;
use super::measure::measure;
use super::report;
use super::results::{self, ConfigEntry, ConfigResult, Failure, LoadReport, Params};
use super::sampler::SAMPLE_INTERVAL;
use super::server::Server;

/// The request mix, in words, for the report.
const MIX_TEXT: &str = "50 % POST /v1/generate, 25 % POST /v1/embed, 25 % GET /v1/documents/<id>";

/// Files written into `--out`.
const JSON_FILE: &str = "load.json";
/// See [`JSON_FILE`].
const MD_FILE: &str = "load.md";
/// See [`JSON_FILE`].
const SVG_FILE: &str = "load.svg";

/// Runs `betapool-bench load`: every configuration, then the report.
pub(crate) fn run(args: &LoadArgs) -> Result<()> {
    if !args.server.is_file() {
        bail!(
            "--server {}: no such file (build it with `cargo build --release -p \
             inference-server`, or run `cargo xtask load`)",
            args.server.display()
        );
    }
    let configs = resolve_configs(args)?;
    run_with(args, &configs, &|c: &ConfigEntry| {
        Server::spawn(&args.server, Path::new(&c.path), &c.args)
    })
}

/// Runs `configs` one after another, each on a server from `start`, writes the report and
/// fails naming every configuration that failed.
fn run_with(
    args: &LoadArgs,
    configs: &[ConfigEntry],
    start: &dyn Fn(&ConfigEntry) -> Result<Server>,
) -> Result<()> {
    fs::create_dir_all(&args.out)
        .with_context(|| format!("--out {}: cannot create the directory", args.out.display()))?;
    let params = Params {
        server: args.server.display().to_string(),
        configs: configs.to_vec(),
        seconds: args.seconds,
        warmup_s: args.warmup_s,
        connections: args.connections,
        repeats: args.repeats,
        seed: args.seed,
        mix: MIX_TEXT.into(),
        io_timeout_s: IO_TIMEOUT.as_secs_f64(),
        sample_interval_ms: SAMPLE_INTERVAL.as_millis() as u64,
        cores: thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let mut runs = Vec::new();
    let mut failures = Vec::new();
    // Interleaved, so that a slow minute of the shared machine falls on every configuration
    // rather than on one.
    for repeat in 0..args.repeats {
        for (i, config) in configs.iter().enumerate() {
            eprintln!(
                "config {} ({}/{}, run {}/{}): {} ({} connections, {} s warm-up, {} s measured)",
                config.name,
                i + 1,
                configs.len(),
                repeat + 1,
                args.repeats,
                config.path,
                args.connections,
                args.warmup_s,
                args.seconds
            );
            match measure(args, config, start) {
                Ok(mut result) => {
                    eprintln!("{}", end_line(&result));
                    result.repeat = repeat;
                    runs.push(result);
                }
                Err(e) => {
                    eprintln!("config {}: failed: {e:#}", config.name);
                    failures.push(Failure {
                        name: config.name.clone(),
                        error: format!("{e:#}"),
                    });
                }
            }
        }
    }
    let results = results::medians(configs, &runs);

    let markdown = report::markdown_report(&params, &results);
    let svg = report::chart(&params, &results);
    let report = LoadReport {
        params,
        results,
        runs,
        failures,
    };
    let json_path = args.out.join(JSON_FILE);
    let md_path = args.out.join(MD_FILE);
    let svg_path = args.out.join(SVG_FILE);
    fs::write(&json_path, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("writing {}", json_path.display()))?;
    fs::write(&md_path, &markdown).with_context(|| format!("writing {}", md_path.display()))?;
    fs::write(&svg_path, svg).with_context(|| format!("writing {}", svg_path.display()))?;

    print!("{}", report::table(&report.results));
    if let Some(ratios) = report::ratios(&report.results) {
        println!();
        print!("{ratios}");
    }
    println!(
        "wrote {}, {} and {}",
        json_path.display(),
        md_path.display(),
        svg_path.display()
    );
    if !report.failures.is_empty() {
        let names: Vec<&str> = report.failures.iter().map(|f| f.name.as_str()).collect();
        bail!(
            "{} of {} run(s) failed: {} (see the messages above and {})",
            names.len(),
            configs.len() * args.repeats,
            names.join(", "),
            json_path.display()
        );
    }
    Ok(())
}

/// The progress line at the end of a configuration.
fn end_line(r: &ConfigResult) -> String {
    let ms = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.1} ms"));
    let mut errors = r.errors.total.to_string();
    let kinds: Vec<String> = (r.errors.by_status.iter())
        .map(|(status, n)| format!("{status}: {n}"))
        .chain(r.errors.by_io_kind.iter().map(|(k, n)| format!("{k}: {n}")))
        .collect();
    if !kinds.is_empty() {
        errors = format!("{errors} ({})", kinds.join(", "));
    }
    let threads = r
        .server
        .peak_threads
        .map_or_else(|| "-".into(), |n| n.to_string());
    format!(
        "config {}: {} answers, {:.0} req/s, P50 {}, P99 {}, errors {errors}; server peak {threads} threads",
        r.name,
        r.requests,
        r.req_per_s,
        ms(r.latency.p50_ms),
        ms(r.latency.p99_ms)
    )
}

#[cfg(test)]
mod tests;
