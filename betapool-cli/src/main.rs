//! The `betapool` command: parse the flags, run the subcommand, report any error in one line.
//!
//! - `cli`: the clap types; `config`: the `--config` TOML file merged under the flags;
//!   `settings`: what each subcommand runs with, where each value came from, and the checks.
//! - `run`, `compare`, `demo`, `serve`: the subcommands; `measure`: one pool on one workload.
//! - `output`: text, tables, JSON and charts; `progress`: the progress bar.
//! - `error`: the one error type.

mod cli;
mod compare;
mod config;
mod demo;
mod error;
mod measure;
mod output;
mod progress;
mod run;
mod serve;
mod settings;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use crate::cli::{Cli, Command};
use crate::error::CliError;

/// The exit code for bad flags or a bad config file, the same as clap's own, so that scripts
/// can tell "called wrongly" from 1, "ran and failed".
const USAGE_EXIT: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`betapool demo | head`) is not an error worth a message.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` puts the whole cause chain on one line.
            eprintln!("betapool: {e:#}");
            let usage = e.downcast_ref::<CliError>().is_some_and(CliError::is_usage);
            if usage {
                ExitCode::from(USAGE_EXIT)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Runs the subcommand.
fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::main(args)?,
        Command::Compare(args) => compare::main(args)?,
        Command::Demo(args) => demo::main(args)?,
        Command::Serve(args) => serve::main(&args)?,
    }
    Ok(())
}

/// Whether `e` comes from writing to a pipe whose reader has gone.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Reports a clap error. Help and version go out as clap prints them; a bad flag becomes one
/// line naming it (clap's first line, plus its tip or possible values if it has them) and
/// exit code 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(USAGE_EXIT)
        }
        _ => {
            eprintln!("betapool: {}", one_line(&e.render().to_string()));
            ExitCode::from(USAGE_EXIT)
        }
    }
}

/// clap's message on one line: its first line, then any `tip:` and `[possible values: …]`
/// lines, then where to look.
fn one_line(message: &str) -> String {
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut out = lines
        .next()
        .unwrap_or("error: invalid arguments")
        .to_owned();
    for extra in lines.filter(|l| l.starts_with("tip:") || l.starts_with("[possible values")) {
        out.push_str("; ");
        out.push_str(extra);
    }
    out.push_str(" (see --help)");
    out
}
