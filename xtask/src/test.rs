//! `cargo xtask test`: the project's test command (the README's, and the one `.ci/run` uses).
//!
//! Every test of the workspace runs under cargo-nextest with a slow-timeout (`.config/nextest.toml`),
//! so a test that hangs fails with its name instead of stalling the run; then the doc tests,
//! which nextest does not run. Without cargo-nextest (and when it cannot be installed) it falls
//! back to `cargo test --workspace`, which runs the same tests without the timeout, and says so.
//! Then the Python package's pytest suites, in a virtual environment (`python.rs`).
//!
//! `--python-only` runs only the Python part; `--no-python` skips it.

use std::process::{Command, Stdio};

use anyhow::{Result, bail};

use crate::{cmd, python};

pub(crate) fn run(args: &[String]) -> Result<()> {
    let (mut with_rust, mut with_python) = (true, true);
    for arg in args {
        match arg.as_str() {
            "--python-only" => with_rust = false,
            "--no-python" => with_python = false,
            other => bail!(
                "unknown argument `{other}`; usage: cargo xtask test [--python-only | --no-python]"
            ),
        }
    }
    if with_rust {
        rust()?;
    }
    if with_python {
        python::test()?;
    }
    Ok(())
}

fn rust() -> Result<()> {
    if nextest_available() || install_nextest() {
        cmd::run(cmd::cargo(&[
            "nextest",
            "run",
            "--workspace",
            "--all-targets",
            "--profile",
            "ci",
        ]))?;
        cmd::run(cmd::cargo(&["test", "--workspace", "--doc"]))
    } else {
        eprintln!(
            "xtask test: cargo-nextest is not available; running `cargo test --workspace` \
             (no per-test timeout)"
        );
        cmd::run(cmd::cargo(&["test", "--workspace"]))
    }
}

fn nextest_available() -> bool {
    cmd::cargo(&["nextest", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Installs cargo-nextest from crates.io (a few minutes, once per machine).
fn install_nextest() -> bool {
    eprintln!("xtask test: installing cargo-nextest (cargo install --locked cargo-nextest)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args(["install", "--locked", "cargo-nextest"])
        .status()
        .is_ok_and(|s| s.success())
        && nextest_available()
}
