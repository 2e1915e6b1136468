//! One configuration's result, from its merged client log and the samples of its server.

use std::net::SocketAddr;

use super::latency::{self, Endpoint, Summary};
use super::log::ClientLog;
use super::proc;
use super::results::{
    ConfigEntry, ConfigResult, EndpointResult, ProcSample, ServerUsage, Snapshot,
};
use crate::units::MIB;

/// The result of one configuration from its merged client log and its samples.
pub(crate) fn summarize(
    config: &ConfigEntry,
    addr: SocketAddr,
    log: ClientLog,
    samples: &[(f64, proc::Reading)],
    snapshot: Snapshot,
    seconds: f64,
) -> ConfigResult {
    let mut all: Vec<u64> = log.answers.iter().map(|a| a.latency_us).collect();
    all.sort_unstable();
    let endpoints = Endpoint::ALL
        .iter()
        .map(|&endpoint| {
            let mut us: Vec<u64> = (log.answers.iter())
                .filter(|a| a.endpoint == endpoint)
                .map(|a| a.latency_us)
                .collect();
            us.sort_unstable();
            EndpointResult {
                endpoint,
                latency: Summary::of(&us),
            }
        })
        .collect();
    let completed = log.answers.iter().filter(|a| a.in_window).count();

    let threads: Vec<usize> = samples.iter().filter_map(|(_, r)| r.threads).collect();
    let cpu = match (
        samples.first().and_then(|(_, r)| r.cpu),
        samples.last().and_then(|(_, r)| r.cpu),
    ) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a).as_secs_f64()),
        _ => None,
    };
    let server = ServerUsage {
        peak_threads: threads.iter().copied().max(),
        mean_threads: (!threads.is_empty())
            .then(|| threads.iter().sum::<usize>() as f64 / threads.len() as f64),
        cpu_s: cpu,
        cpu_ms_per_request: cpu
            .filter(|_| completed > 0)
            .map(|c| c * 1000.0 / completed as f64),
        peak_rss_mib: samples
            .iter()
            .filter_map(|(_, r)| r.rss_bytes)
            .max()
            .map(|b| b as f64 / MIB),
    };
    ConfigResult {
        name: config.name.clone(),
        repeat: 0,
        spread: None,
        config: config.path.clone(),
        address: addr.to_string(),
        requests: all.len(),
        completed_in_window: completed,
        req_per_s: completed as f64 / seconds,
        latency: Summary::of(&all),
        endpoints,
        errors: log.errors,
        connections_opened: log.connections,
        retries: log.retries,
        server,
        snapshot,
        curve: latency::curve(&all),
        samples: samples
            .iter()
            .map(|&(at_s, r)| ProcSample {
                at_s,
                threads: r.threads,
                rss_mib: r.rss_bytes.map(|b| b as f64 / MIB),
                cpu_s: r.cpu.map(|c| c.as_secs_f64()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
