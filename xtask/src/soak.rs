//! `cargo xtask soak [--minutes N] [--out DIR] [--seed S]`: builds the bench runner in release
//! mode and runs `betapool-bench soak`, passing the flags through (3 minutes of load unless
//! `--minutes` says otherwise; results in `target/soak/`).

use std::process::Command;
use std::time::Instant;

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
    let started = Instant::now();
    let result = cmd::run(soak);
    eprintln!(
        "xtask soak: {:.1} s (the soak, without the build)",
        started.elapsed().as_secs_f64()
    );
    result
}
