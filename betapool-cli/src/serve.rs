//! `betapool serve --config pools.toml`: start a pool group and serve its stats over HTTP,
//! with the batching metrics of every inference runtime running in this process on `/metrics`.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use betapool_group::http::{DEFAULT_BIND, MetricsSource};
use betapool_group::{GroupConfig, PoolGroup, StatsServer};

use crate::cli::ServeArgs;
use crate::error::CliError;

/// How long the pools get to finish their tasks when `--seconds` runs out.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn main(args: &ServeArgs) -> Result<(), CliError> {
    let config = GroupConfig::load(&args.config).map_err(CliError::group_config)?;
    // The group logs through `tracing` (each task with `verbose = true`, the status table on
    // `POST /log-status`): show it on stderr. A subscriber set already (none is, in this
    // binary) would be kept.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
    let group = Arc::new(PoolGroup::new(&config).map_err(CliError::serve)?);
    let bind = args.bind.as_deref().unwrap_or(DEFAULT_BIND);
    let server = StatsServer::start_with_metrics(Arc::clone(&group), bind, extra_metrics())
        .map_err(CliError::serve)?;
    let names: Vec<&str> = group.names().collect();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "serving {} pool(s) ({}) on http://{}: GET /stats, GET /metrics, POST /log-status",
        names.len(),
        names.join(", "),
        server.local_addr()
    )
    .and_then(|()| out.flush())
    .map_err(CliError::stdout)?;
    drop(out);
    match args.seconds {
        Some(s) => std::thread::sleep(Duration::from_secs_f64(s)),
        None => loop {
            std::thread::park();
        },
    }
    server.stop();
    let report = group.shutdown(SHUTDOWN_TIMEOUT);
    if !report.all_finished() {
        return Err(CliError::serve(format!(
            "pools still busy after {SHUTDOWN_TIMEOUT:?}: {:?}",
            report.pools
        )));
    }
    Ok(())
}

/// What `/metrics` carries after the pools' families: the `betapool_batch_*` families of every
/// inference runtime registered in this process (none until one starts).
fn extra_metrics() -> MetricsSource {
    Arc::new(betapool_batch::registry::prometheus_text)
}

#[cfg(test)]
mod tests;
