//! `cargo xtask load [flags]`: builds the bench runner and the inference server in release
//! mode and runs `betapool-bench load` against the server, passing the flags through (the four
//! pool configurations of `examples/inference-server/configs/`, then the same load with the
//! server's model runtime batching on and off, 3 interleaved runs of 10 s each unless
//! `--repeats` or `--seconds` say otherwise; results in `target/load/`).

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
        "--package",
        "inference-server",
    ]))?;
    let runner = cmd::release_binary("betapool-bench");
    let server = cmd::release_binary("inference-server");
    let mut load = Command::new(runner);
    // From the root, so that the default configurations (`examples/inference-server/configs/`)
    // are found and the default `--out target/load` lands in the workspace's target.
    load.arg("load")
        .arg("--server")
        .arg(server)
        .args(args)
        .current_dir(&root);
    cmd::run_timed("load", load)
}
