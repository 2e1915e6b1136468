//! Running cargo from the workspace root, echoing each command.

use std::env::consts::EXE_SUFFIX;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The workspace root: xtask lives one level below it.
pub(crate) fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// A `cargo` command in the workspace root.
pub(crate) fn cargo(args: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(args).current_dir(root());
    cmd
}

/// Runs `cmd`, failing with the command line if it exits non-zero.
pub(crate) fn run(mut cmd: Command) -> Result<()> {
    let line = format!("{cmd:?}");
    eprintln!("$ {line}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {line}"))?;
    if !status.success() {
        bail!("{line} failed ({status})");
    }
    Ok(())
}

/// The release build of binary `name`: under `CARGO_TARGET_DIR` (a relative one taken from the
/// root, where [`cargo`] runs cargo) or `target/`.
pub(crate) fn release_binary(name: &str) -> PathBuf {
    let root = root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |d| root.join(d));
    target.join("release").join(format!("{name}{EXE_SUFFIX}"))
}

/// Runs `cmd` like [`run`], then prints how long it took as `xtask <task>: N s`.
pub(crate) fn run_timed(task: &str, cmd: Command) -> Result<()> {
    let started = std::time::Instant::now();
    let result = run(cmd);
    eprintln!(
        "xtask {task}: {:.1} s (the {task}, without the build)",
        started.elapsed().as_secs_f64()
    );
    result
}
