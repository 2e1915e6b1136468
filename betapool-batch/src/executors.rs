//! The shared executors (placeholder until the full module lands): their sizes.

use crate::{EnvOverrides, RuntimeConfig};

/// The most threads of the shared blocking pool unless set.
const DEFAULT_MAX_THREADS: usize = 64;

pub(crate) fn limits(env: &EnvOverrides, config: &RuntimeConfig) -> (usize, usize) {
    let threads = env
        .max_threads
        .or(config.cpu_max_threads)
        .unwrap_or(DEFAULT_MAX_THREADS);
    let procs = env.max_procs.unwrap_or_else(betapool_core::available_cores);
    (threads, procs)
}
