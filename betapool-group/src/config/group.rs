//! `GroupConfig`: the whole group (the global cap and the pools in file order), and its
//! ways in and out: built in code, read from TOML, written back to TOML.

use std::fs;
use std::path::Path;

use super::error::ConfigError;
use super::pool::PoolConfig;
use super::{decode, encode, validate};

/// A group of named pools under one cap on their total thread count: what a group file
/// holds.
///
/// A config from [`from_toml_str`](Self::from_toml_str) or [`load`](Self::load) has passed
/// [`validate`](Self::validate); one built in code should be checked with it, which finds
/// the same faults (with the same [`ConfigErrorKind`](crate::ConfigErrorKind)s and key
/// paths, without file positions).
///
/// # Examples
///
/// Built in code:
///
/// ```
/// use betapool_group::{GroupConfig, PoolConfig};
///
/// let config = GroupConfig::new(600)
///     .verbose(true)
///     .pool(PoolConfig::adaptive("io", 4, 256))
///     .pool(PoolConfig::fixed("cpu", 2));
/// config.validate()?;
/// assert_eq!(config.total_max_workers(), 258);
/// assert_eq!(config.get("cpu").map(|p| p.max_workers()), Some(2));
/// # Ok::<(), betapool_group::ConfigError>(())
/// ```
///
/// Read from a file's text, and written back:
///
/// ```
/// use betapool_group::GroupConfig;
///
/// let text = r#"
/// max_total_threads = 600
///
/// [pools.io]
/// kind = "adaptive"
/// min_workers = 4
/// max_workers = 256
/// policy = "seed"
/// monitor_interval_ms = 250
///
/// [pools.cpu]
/// kind = "static"
/// workers = 2
/// "#;
/// let config = GroupConfig::from_toml_str(text, "pools.toml")?;
/// let names: Vec<_> = config.pools.iter().map(|p| p.name.as_str()).collect();
/// assert_eq!(names, ["io", "cpu"]);
/// assert_eq!(GroupConfig::from_toml_str(&config.to_toml_string(), "again.toml")?, config);
/// # Ok::<(), betapool_group::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GroupConfig {
    /// The cap on the sum of every pool's maximum thread count.
    pub max_total_threads: usize,
    /// Log each pool's activity (the seeds' `general.verbose`). Default `false`.
    pub verbose: bool,
    /// The pools, in the order of the file (or of the [`pool`](Self::pool) calls).
    pub pools: Vec<PoolConfig>,
}

impl GroupConfig {
    /// An empty group whose pools may have at most `max_total_threads` threads in all. It
    /// needs at least one [`pool`](Self::pool) to be valid.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::GroupConfig;
    ///
    /// let config = GroupConfig::new(64);
    /// assert_eq!((config.max_total_threads, config.verbose, config.pools.len()), (64, false, 0));
    /// ```
    #[must_use]
    pub fn new(max_total_threads: usize) -> GroupConfig {
        GroupConfig {
            max_total_threads,
            verbose: false,
            pools: Vec::new(),
        }
    }

    /// Sets [`verbose`](Self::verbose).
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::GroupConfig;
    ///
    /// assert!(GroupConfig::new(64).verbose(true).verbose);
    /// ```
    #[must_use]
    pub fn verbose(mut self, on: bool) -> GroupConfig {
        self.verbose = on;
        self
    }

    /// Adds `pool` after the pools already there.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{GroupConfig, PoolConfig};
    ///
    /// let config = GroupConfig::new(64).pool(PoolConfig::fixed("a", 1)).pool(PoolConfig::fixed("b", 1));
    /// assert_eq!(config.pools[1].name, "b");
    /// ```
    #[must_use]
    pub fn pool(mut self, pool: PoolConfig) -> GroupConfig {
        self.pools.push(pool);
        self
    }

    /// The pool named `name`, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{GroupConfig, PoolConfig};
    ///
    /// let config = GroupConfig::new(64).pool(PoolConfig::fixed("db", 8));
    /// assert!(config.get("db").is_some());
    /// assert!(config.get("io").is_none());
    /// ```
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&PoolConfig> {
        self.pools.iter().find(|pool| pool.name == name)
    }

    /// The sum of every pool's maximum thread count, the number `max_total_threads` caps
    /// (saturating, so an absurd config cannot overflow it).
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{GroupConfig, PoolConfig};
    ///
    /// let config = GroupConfig::new(64).pool(PoolConfig::adaptive("io", 1, 50)).pool(PoolConfig::fixed("db", 8));
    /// assert_eq!(config.total_max_workers(), 58);
    /// ```
    #[must_use]
    pub fn total_max_workers(&self) -> usize {
        self.pools
            .iter()
            .fold(0, |sum, pool| sum.saturating_add(pool.max_workers()))
    }

    /// Checks the whole group: the cap, at least one pool, every pool (see
    /// [`PoolConfig::validate`]), unique names, and the sum of maximums against the cap.
    ///
    /// # Errors
    ///
    /// The first fault found, as a [`ConfigError`] naming the key path at fault and no file
    /// position.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{ConfigErrorKind, GroupConfig, PoolConfig};
    ///
    /// let err = GroupConfig::new(64)
    ///     .pool(PoolConfig::fixed("db", 8))
    ///     .pool(PoolConfig::adaptive("db", 1, 8))
    ///     .validate()
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), ConfigErrorKind::DuplicatePool);
    /// assert_eq!(err.key(), Some("pools.db"));
    /// assert_eq!(err.line(), None);
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate::group(self)
    }

    /// Reads a group from TOML `text` and validates it. `origin` names the text in errors
    /// (usually the file's path).
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] with the kind of fault, `origin`, the 1-based line and column and
    /// the key path at fault.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{ConfigErrorKind, GroupConfig};
    ///
    /// let text = "max_total_threads = 8\n[pools.cpu]\nkind = \"static\"\nworkers = 2\nbeta_high_threshold = 0.6\n";
    /// let err = GroupConfig::from_toml_str(text, "cpu.toml").unwrap_err();
    /// assert_eq!(err.kind(), ConfigErrorKind::UnknownKey);
    /// assert_eq!(err.key(), Some("pools.cpu.beta_high_threshold"));
    /// assert_eq!((err.line(), err.column()), (Some(5), Some(1)));
    /// ```
    pub fn from_toml_str(text: &str, origin: &str) -> Result<GroupConfig, ConfigError> {
        decode::group(text, origin)
    }

    /// Reads the group file at `path` and validates it; errors name the file as `path`
    /// displays.
    ///
    /// # Errors
    ///
    /// [`ConfigErrorKind::Io`](crate::ConfigErrorKind::Io) if the file cannot be read, else
    /// as [`from_toml_str`](Self::from_toml_str).
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{ConfigErrorKind, GroupConfig};
    ///
    /// let err = GroupConfig::load("/no/such/pools.toml").unwrap_err();
    /// assert_eq!(err.kind(), ConfigErrorKind::Io);
    /// assert_eq!(err.origin(), Some("/no/such/pools.toml"));
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<GroupConfig, ConfigError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let text = fs::read_to_string(path).map_err(|e| ConfigError::io(origin.clone(), e))?;
        GroupConfig::from_toml_str(&text, &origin)
    }

    /// The group as TOML that [`from_toml_str`](Self::from_toml_str) reads back equal, for
    /// any config that passes [`validate`](Self::validate). Every setting is written out,
    /// defaults included, so the file shows what the pools will run with.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{GroupConfig, PoolConfig};
    ///
    /// let config = GroupConfig::new(8).pool(PoolConfig::fixed("cpu", 2));
    /// assert_eq!(
    ///     config.to_toml_string(),
    ///     "max_total_threads = 8\nverbose = false\n\n[pools.cpu]\nkind = \"static\"\nworkers = 2\n",
    /// );
    /// ```
    #[must_use]
    pub fn to_toml_string(&self) -> String {
        encode::group(self)
    }
}
