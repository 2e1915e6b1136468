//! `cargo xtask ci`: the checks `.ci/run` makes, in order, failing on the first.

use anyhow::Result;

use crate::cmd;

pub(crate) fn run(_args: &[String]) -> Result<()> {
    cmd::run(cmd::cargo(&["fmt", "--all", "--check"]))?;
    cmd::run(cmd::cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The README's test command.
    cmd::run(cmd::cargo(&["test", "--workspace"]))?;
    let mut doc = cmd::cargo(&["doc", "--workspace", "--no-deps"]);
    doc.env("RUSTDOCFLAGS", "-D warnings");
    cmd::run(doc)?;
    crate::loom::run(&[])?;
    // Benches are not run in CI (timings on a shared machine mean nothing), but they must build.
    cmd::run(cmd::cargo(&["bench", "--workspace", "--no-run"]))?;
    eprintln!("xtask ci: all checks passed");
    Ok(())
}
