//! Which configurations a run measures, and in what order: the `--config` flags, the files of
//! `--configs DIR`, or the defaults (the four pool set-ups, then the same load with the model
//! runtime's batching on and off).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::LoadArgs;
use super::results::ConfigEntry;

/// Where the default configurations live, relative to the current directory (the workspace
/// root, where `cargo xtask load` runs the driver).
const DEFAULT_CONFIG_DIR: &str = "examples/inference-server/configs";

/// The default configurations, in the order they run and are reported: the seed's single pool
/// of 10, the same pool at the seed's total of 140, the seed's five fixed pools, and five
/// adaptive pools. A `--configs DIR` runs these first too, when it has them.
const DEFAULT_CONFIGS: [&str; 4] = [
    "shared-static",
    "shared-static-140",
    "named-static",
    "named-adaptive",
];

/// The batching comparison: the `named-adaptive` pools, with every generate request running
/// [`BATCHING_ROWS`] rows of the example network through the server's model runtime, batched
/// by its default policy or not at all (each row a batch of its own). Only the flag differs,
/// so the two rows of the report show what batching does to the same load.
pub(crate) const BATCHING_CONFIGS: [(&str, &str); 2] = [
    (super::report::BATCHING_ON, "adaptive"),
    (super::report::BATCHING_OFF, "off"),
];

/// The pool configuration the batching comparison runs on: the recommended set-up.
const BATCHING_POOLS: &str = "named-adaptive";

/// Rows of the example network per generate request in the batching comparison. One row costs
/// the model about 0.7 µs against about 5 µs of fixed cost per batch, so with one row per
/// request the model is lost in the rest of the request; 16 rows make each unbatched request
/// pay the fixed cost 16 times. And 64 connections × 16 rows is 1 024, the runtime's queue
/// capacity, so no row is ever refused for a full queue.
const BATCHING_ROWS: &str = "16";

/// The configurations to run, in order: the `--config` flags as given, the `*.toml` files of
/// `--configs DIR` (the defaults' names first, in their order, then the rest by name), or
/// the defaults: the four pool set-ups, then [`BATCHING_CONFIGS`].
pub(crate) fn resolve_configs(args: &LoadArgs) -> Result<Vec<ConfigEntry>> {
    if !args.config.is_empty() {
        let mut seen = Vec::new();
        for c in &args.config {
            if seen.contains(&&c.name) {
                bail!(
                    "--config {}={}: the name `{}` is given twice",
                    c.name,
                    c.path,
                    c.name
                );
            }
            seen.push(&c.name);
            if !Path::new(&c.path).is_file() {
                bail!("--config {}={}: no such file", c.name, c.path);
            }
        }
        return Ok(args.config.clone());
    }
    let Some(dir) = &args.configs else {
        let default = |name: &str, file: &str, args: Vec<String>| {
            let path = Path::new(DEFAULT_CONFIG_DIR).join(format!("{file}.toml"));
            if !path.is_file() {
                bail!(
                    "{}: no such file; run from the workspace root, or name the \
                     configurations with --configs DIR or --config NAME=PATH",
                    path.display()
                );
            }
            Ok(ConfigEntry {
                name: name.into(),
                path: path.display().to_string(),
                args,
            })
        };
        let pools = DEFAULT_CONFIGS
            .iter()
            .map(|name| default(name, name, Vec::new()));
        let batching = BATCHING_CONFIGS.iter().map(|(name, mode)| {
            let args = ["--batching", mode, "--inference-rows", BATCHING_ROWS];
            default(name, BATCHING_POOLS, args.map(String::from).to_vec())
        });
        return pools.chain(batching).collect();
    };
    let entries = fs::read_dir(dir)
        .with_context(|| format!("--configs {}: cannot read the directory", dir.display()))?;
    let mut configs = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("--configs {}: cannot read the directory", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            configs.push(ConfigEntry {
                name,
                path: path.display().to_string(),
                args: Vec::new(),
            });
        }
    }
    if configs.is_empty() {
        bail!("--configs {}: no .toml file in it", dir.display());
    }
    let rank = |name: &str| {
        DEFAULT_CONFIGS
            .iter()
            .position(|d| *d == name)
            .unwrap_or(DEFAULT_CONFIGS.len())
    };
    configs.sort_by(|a, b| (rank(&a.name), &a.name).cmp(&(rank(&b.name), &b.name)));
    Ok(configs)
}

#[cfg(test)]
mod tests;
