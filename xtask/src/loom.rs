//! `cargo xtask loom`: runs the loom models of the engine and of the batching runtime.
//!
//! loom builds need `--cfg loom`, which changes every crate's build, so they get their own
//! target directory and never invalidate the normal build. Release mode, because loom explores
//! thousands of interleavings per model.

use anyhow::Result;

use crate::cmd;

/// The preemption bound: every published loom suite we follow (tokio, crossbeam) uses 2-3; 2 keeps
/// each model well under a minute on 2 cores.
const MAX_PREEMPTIONS: &str = "2";

pub(crate) fn run(args: &[String]) -> Result<()> {
    let mut cmd = cmd::cargo(&[
        "test",
        "--package",
        "betapool-core",
        "--package",
        "betapool-batch",
        "--release",
        "--lib",
        "--target-dir",
        "target/loom",
        "--",
        "loom",
    ]);
    cmd.args(args);
    let flags = std::env::var("RUSTFLAGS").unwrap_or_default();
    cmd.env("RUSTFLAGS", format!("{flags} --cfg loom").trim())
        .env("LOOM_MAX_PREEMPTIONS", MAX_PREEMPTIONS);
    cmd::run(cmd)
}
