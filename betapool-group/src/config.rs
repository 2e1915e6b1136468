//! The group's config: the types a file decodes to (and code can build), their checks, and
//! the TOML form they read from and write to.
//!
//! ```toml
//! max_total_threads = 600        # the sum of every pool's maximum must not exceed it
//! verbose = false                # optional
//!
//! [pools.io]
//! kind = "adaptive"              # "adaptive" or "static"
//! min_workers = 4
//! max_workers = 256
//! policy = "default"             # optional: "default" or "seed"
//! monitor_interval_ms = 500      # optional: any ControllerConfig setting, durations in ms
//!
//! [pools.cpu]
//! kind = "static"
//! workers = 2
//! ```
//!
//! - `group.rs`, `pool.rs`: [`GroupConfig`], [`PoolConfig`], [`PoolKind`], [`PolicyChoice`].
//! - `validate.rs`: every check on a config, shared by code and files, keyed by key path.
//! - `decode.rs`: TOML text to a config, each value remembered with its place in the file.
//! - `encode.rs`: a config to TOML text that decodes back to the same config.
//! - `keys.rs`: the key names, shared by the three above.
//! - `position.rs`: byte offsets to lines and columns, and key paths to byte offsets.
//! - `error.rs`: [`ConfigError`] and [`ConfigErrorKind`].

mod decode;
mod encode;
mod error;
mod group;
mod keys;
mod pool;
mod position;
mod validate;

#[cfg(test)]
mod tests;

pub use error::{ConfigError, ConfigErrorKind};
pub use group::GroupConfig;
pub use pool::{PolicyChoice, PoolConfig, PoolKind};

/// The longest thread name the kernel keeps, in bytes (16 with the NUL). A pool's threads are
/// named after the pool (`io-12`, `io-ctl`), so this bounds how long a pool name may be.
///
/// # Examples
///
/// ```
/// use betapool_group::{PoolConfig, THREAD_NAME_LIMIT};
///
/// let pool = PoolConfig::fixed("cpu", 8);
/// assert_eq!(pool.longest_thread_name(), "cpu-7");
/// assert!(pool.longest_thread_name().len() <= THREAD_NAME_LIMIT);
/// ```
pub const THREAD_NAME_LIMIT: usize = 15;
