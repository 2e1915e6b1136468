//! `cargo xtask soak [--minutes N] [--out DIR] [--seed S]`: builds the bench runner in release
//! mode and runs `betapool-bench soak`, passing the flags through (3 minutes of load unless
//! `--minutes` says otherwise; results in `target/soak/`).

use std::process::Command;

use anyhow::Result;

use crate::cmd;

pub(crate) fn run(args: &[String]) -> Result<()> {
    let root = cmd::root();
    cmd::run(cmd::cargo(&[
        "build",
        "--release",
        "--package",
        "betapool-bench",
    ]))?;
    let runner = cmd::release_binary("betapool-bench");
    let mut soak = Command::new(runner);
    // From the root, so that the default `--out target/soak` lands in the workspace's target.
    soak.arg("soak").args(args).current_dir(&root);
    cmd::run_timed("soak", soak)
}
