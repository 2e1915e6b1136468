//! Helpers shared by the load's tests: its flags parsed, a scratch directory, a window.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser as _;

use super::LoadArgs;
use super::window::Window;
use crate::{Cli, Command};

/// The flags of `betapool-bench load ARGS`, parsed as the command line would be.
pub(crate) fn parse(args: &[&str]) -> Result<LoadArgs, clap::Error> {
    let argv = ["betapool-bench", "load"].iter().chain(args);
    match Cli::try_parse_from(argv)?.command {
        Command::Load(a) => Ok(a),
        other => panic!("parsed as {other:?}"),
    }
}

/// A directory of its own under the system's temporary directory, empty.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("betapool-load-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A measurement window from `start`, `seconds` long.
pub(crate) fn window_at(start: Instant, seconds: u64) -> Window {
    Window {
        start,
        end: start + Duration::from_secs(seconds),
    }
}
