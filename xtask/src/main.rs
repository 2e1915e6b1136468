//! Project automation, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! - `cargo xtask loom`: the loom models of the engine (release, `--cfg loom`, 2 preemptions).
//! - `cargo xtask bench [--quick]`: the static oracle sweep and the peer pools on every
//!   workload, each configuration in its own process, then the criterion micro-benchmarks;
//!   writes `target/bench/`. `--baseline RUNNER` runs every configuration also under another
//!   build of the runner, interleaved, and writes the A/B table `target/bench/ab.md`.
//! - `cargo xtask test`: every test of the workspace under cargo-nextest with a slow-timeout,
//!   then the doc tests, then the Python package's pytest suites in `target/py-venv` (the
//!   README's test command; `--python-only`, `--no-python`).
//! - `cargo xtask stress`: the long forms of the engine's stress tests (1 000 000 chaos tasks,
//!   10 000 000 submissions to a bounded queue), in release.
//! - `cargo xtask soak [--minutes N]`: the adaptive pool under minutes of mixed load; fails on
//!   a lost or duplicated task, memory drift or a pool that does not return to its minimum.
//! - `cargo xtask load [--seconds N] [--connections C] [--repeats N] [--configs DIR]`:
//!   the inference server under a closed-loop HTTP load over loopback, 3 interleaved runs per pool
//!   configuration (shared static 10 and 140, named static, named adaptive); writes
//!   `target/load/` (a table of req/s, latency percentiles, threads and CPU, and a chart).
//! - `cargo xtask tidy`: the house rules no compiler checks: every crate's betapool dependencies
//!   are exactly those of its row in `ARCHITECTURE.md` and point to a lower layer, every source
//!   file starts with a `//!` line, the engine takes its sync primitives only from the loom shim,
//!   and no non-test source file is longer than 600 lines. Prints every violation, then fails.
//! - `cargo xtask gen-model [--check]`: writes the inference server's example network,
//!   `examples/inference-server/models/mlp.onnx`, from its seeded definition (`models/mlp.rs`);
//!   `--check` fails if the committed file differs from what it would write.
//! - `cargo xtask ci`: everything `.ci/run` checks (tidy, format, lints, tests, docs, loom,
//!   AddressSanitizer, 60 s of cargo fuzz on the group config, a 3-minute soak, benches build).

mod ab;
mod bench;
mod ci;
mod cmd;
mod gen_model;
mod load;
mod loom;
mod micro;
mod python;
mod soak;
mod stress;
mod test;
mod tidy;

use anyhow::{Result, bail};

const USAGE: &str = "usage: cargo xtask <test [--python-only | --no-python] | loom | bench [--quick] [--workloads a,b] [--pools p,q] [--repeats N] [--no-micro] [--no-python] [--python-only] [--baseline RUNNER] | stress | soak [--minutes N] | load [--seconds N] [--warmup-s S] [--connections C] [--repeats N] [--configs DIR | --config NAME=PATH ...] [--seed S] [--out DIR] | tidy | gen-model [--check] | ci>";

fn main() {
    if let Err(e) = run() {
        eprintln!("xtask: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = &args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("loom") => loom::run(rest),
        Some("bench") => bench::run(rest),
        Some("ci") => ci::run(rest),
        Some("soak") => soak::run(rest),
        Some("load") => load::run(rest),
        Some("test") => test::run(rest),
        Some("stress") => stress::run(rest),
        Some("tidy") => tidy::run(rest),
        Some("gen-model") => gen_model::run(rest),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task `{other}`\n{USAGE}"),
    }
}
