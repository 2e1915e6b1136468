//! `cargo xtask stress`: the reliability tests at full size, in release.
//!
//! - the chaos test (`betapool-core/tests/chaos.rs`) with a million tasks, four producers and
//!   a resize every millisecond;
//! - the failure-mode tests (`betapool-core/tests/failure_modes.rs`), whose floods size
//!   themselves by build profile: a million detached tasks and ten million submissions against
//!   a bounded queue in release, a fraction of that in the debug `cargo test` run.
//!
//! Both run with `--nocapture`, so each test's summary line (tasks, lost, duplicated, RSS,
//! time) is printed; the task fails if any test does. Release mode, because a million tasks
//! take minutes in a debug build.

use std::time::Instant;

use anyhow::{Result, bail};

use crate::cmd;

/// Tasks of the chaos run: five times the debug default.
const CHAOS_TASKS: &str = "1000000";

pub(crate) fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("xtask stress: unexpected argument `{arg}` (it takes none)");
    }
    let start = Instant::now();
    let mut chaos = cmd::cargo(&[
        "test",
        "--release",
        "--package",
        "betapool-core",
        "--test",
        "chaos",
        "--",
        "--nocapture",
    ]);
    chaos.env("BETAPOOL_CHAOS_TASKS", CHAOS_TASKS);
    cmd::run(chaos)?;
    // One test at a time: the floods would otherwise disturb the shutdown-deadline figure.
    cmd::run(cmd::cargo(&[
        "test",
        "--release",
        "--package",
        "betapool-core",
        "--test",
        "failure_modes",
        "--",
        "--nocapture",
        "--test-threads=1",
    ]))?;
    eprintln!(
        "xtask stress: all passed in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
