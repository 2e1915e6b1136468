//! The Python package (`betapool-py/`): a virtual environment under `target/py-venv`, maturin
//! and pytest installed into it from the package index when missing, the package built into it
//! (debug profile) and its pytest suites run. `cargo xtask test` calls [`test()`] after the Rust
//! tests; `cargo xtask bench` uses [`venv_python`] for its Python section.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::cmd;

/// Exits non-zero on an interpreter older than the package's oldest (`requires-python`).
const MIN_VERSION_CHECK: &str = "import sys; sys.exit(sys.version_info < (3, 9))";

/// The interpreter that makes the virtual environment: `$PYTHON`, else `python3`.
fn system_python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn venv_dir() -> PathBuf {
    cmd::root().join("target").join("py-venv")
}

fn venv_bin(name: &str) -> PathBuf {
    venv_dir().join("bin").join(name)
}

/// Whether `program args` runs and exits 0, its output discarded.
fn succeeds(program: &PathBuf, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The virtual environment's interpreter, with the package built and installed into it
/// (`release` for benchmarks, debug for tests).
pub(crate) fn venv_python(release: bool) -> Result<PathBuf> {
    let python = venv_bin("python");
    if !succeeds(&python, &["--version"]) {
        let system = PathBuf::from(system_python());
        if !succeeds(&system, &["--version"]) {
            bail!(
                "the Python package needs `{}` (Python >= 3.9 with venv) to test it; \
                 install python3 or set PYTHON to an interpreter",
                system.display()
            );
        }
        if !succeeds(&system, &["-c", MIN_VERSION_CHECK]) {
            bail!(
                "`{}` is older than Python 3.9, the oldest the package supports; set \
                 PYTHON to a newer interpreter",
                system.display()
            );
        }
        let mut venv = Command::new(&system);
        venv.args(["-m", "venv"]).arg(venv_dir());
        cmd::run(venv).context("could not create the virtual environment target/py-venv")?;
    }
    if !succeeds(&venv_bin("maturin"), &["--version"])
        || !succeeds(&python, &["-c", "import pytest"])
    {
        let mut pip = Command::new(&python);
        pip.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "maturin>=1.9.4,<2",
            "pytest",
        ]);
        cmd::run(pip).context("could not install maturin and pytest from the package index")?;
    }
    let mut develop = Command::new(venv_bin("maturin"));
    develop
        .args(["develop", "--quiet"])
        .current_dir(cmd::root().join("betapool-py"))
        .env("VIRTUAL_ENV", venv_dir());
    if release {
        develop.arg("--release");
    }
    cmd::run(develop)?;
    Ok(python)
}

/// Builds the package into the virtual environment and runs its pytest suites.
pub(crate) fn test() -> Result<()> {
    let python = venv_python(false)?;
    let mut pytest = Command::new(python);
    pytest
        .args(["-m", "pytest", "-q", "betapool-py/tests"])
        .current_dir(cmd::root());
    cmd::run(pytest)
}
