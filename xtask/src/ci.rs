//! `cargo xtask ci`: the checks `.ci/run` makes, in order, failing on the first.

use std::process::Stdio;

use anyhow::Result;

use crate::cmd;

pub(crate) fn run(_args: &[String]) -> Result<()> {
    // First: it reads files and runs `cargo metadata`, so it fails in a second, before any build.
    crate::tidy::run(&[])?;
    // The committed example model is what `gen-model` writes from its seed, byte for byte.
    crate::gen_model::run(&["--check".to_owned()])?;
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
    crate::test::run(&[])?;
    let mut doc = cmd::cargo(&["doc", "--workspace", "--no-deps"]);
    doc.env("RUSTDOCFLAGS", "-D warnings");
    cmd::run(doc)?;
    crate::loom::run(&[])?;
    address_sanitizer()?;
    fuzz_config()?;
    // Three minutes of mixed, bursty load on the adaptive pool: nothing lost or run twice, RSS
    // at rest within 10 % of minute 1's, back to the minimum after the load.
    crate::soak::run(&["--minutes".to_owned(), "3".to_owned()])?;
    // Benches are not run in CI (timings on a shared machine mean nothing), but they must build.
    cmd::run(cmd::cargo(&["bench", "--workspace", "--no-run"]))?;
    eprintln!("xtask ci: all checks passed");
    Ok(())
}

/// Whether rustup has a nightly toolchain (AddressSanitizer and cargo-fuzz need one).
fn nightly() -> bool {
    std::process::Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// How long the group config's fuzz target runs in CI.
const FUZZ_SECONDS: u32 = 60;

/// The group config's fuzz target (parse, validate, write back, read back) for
/// [`FUZZ_SECONDS`], when a nightly toolchain is installed; cargo-fuzz is installed if missing.
/// Without nightly, a printed SKIP.
fn fuzz_config() -> Result<()> {
    if !nightly() {
        eprintln!("SKIP cargo fuzz: no nightly toolchain (rustup toolchain install nightly)");
        return Ok(());
    }
    let has_cargo_fuzz = std::process::Command::new("rustup")
        .args(["run", "nightly", "cargo", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_cargo_fuzz {
        eprintln!("installing cargo-fuzz");
        cmd::run(cmd::cargo(&["install", "cargo-fuzz", "--locked"]))?;
    }
    let group = cmd::root().join("betapool-group");
    // libFuzzer writes what it finds to the first directory and only reads the others.
    std::fs::create_dir_all(group.join("fuzz/corpus/config"))?;
    let mut fuzz = std::process::Command::new("rustup");
    fuzz.args([
        "run",
        "nightly",
        "cargo",
        "fuzz",
        "run",
        "config",
        "fuzz/corpus/config",
        "fuzz/seeds",
        // The example group file, as a seed too.
        "examples",
        "--",
        &format!("-max_total_time={FUZZ_SECONDS}"),
        "-dict=fuzz/config.dict",
    ])
    .current_dir(group);
    cmd::run(fuzz)
}

/// The engine's stress tests under AddressSanitizer, when a nightly toolchain is installed;
/// otherwise a printed SKIP.
fn address_sanitizer() -> Result<()> {
    if !nightly() {
        eprintln!("SKIP AddressSanitizer: no nightly toolchain (rustup toolchain install nightly)");
        return Ok(());
    }
    let mut asan = std::process::Command::new("rustup");
    asan.args([
        "run",
        "nightly",
        "cargo",
        "test",
        "--package",
        "betapool-core",
        "--target",
        "x86_64-unknown-linux-gnu",
        "--target-dir",
        "target/asan",
        "--test",
        "stress",
        "--test",
        "chaos",
    ])
    .current_dir(cmd::root())
    .env("RUSTFLAGS", "-Zsanitizer=address")
    .env("RUSTDOCFLAGS", "-Zsanitizer=address");
    cmd::run(asan)
}
