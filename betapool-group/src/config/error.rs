//! `ConfigError`: what is wrong with a group config, and where (file, line, column, key).

use std::fmt;
use std::io;
use std::sync::Arc;

/// What kind of fault a [`ConfigError`] reports. A config built in code can fail with every
/// kind a file can, except those about the text itself (`Io`, `Syntax`, `UnknownKey`,
/// `MissingKey`, `WrongType`, `BadKind`, `BadPolicy`).
///
/// # Examples
///
/// ```
/// use betapool_group::{ConfigErrorKind, GroupConfig, PoolConfig};
///
/// let err = GroupConfig::new(8).pool(PoolConfig::fixed("cpu", 16)).validate().unwrap_err();
/// assert_eq!(err.kind(), ConfigErrorKind::OverGlobalCap);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The file could not be read.
    Io,
    /// The text is not TOML, or repeats a key (a repeated pool name is [`DuplicatePool`]).
    ///
    /// [`DuplicatePool`]: ConfigErrorKind::DuplicatePool
    Syntax,
    /// A key the format does not have, or one that does not apply to this kind of pool
    /// (a controller setting on a static pool).
    UnknownKey,
    /// A required key is absent (`max_total_threads`, a pool's `kind`, its worker counts).
    MissingKey,
    /// A value of the wrong TOML type (a string where a number belongs, …).
    WrongType,
    /// A whole number that is negative, too large for TOML, or above
    /// [`MAX_WORKERS_LIMIT`](betapool_core::MAX_WORKERS_LIMIT) workers.
    OutOfRange,
    /// `kind` is neither `"adaptive"` nor `"static"`.
    BadKind,
    /// `policy` is neither `"default"` nor `"seed"`.
    BadPolicy,
    /// A pool name that is empty or has a character outside `[a-z0-9_-]`.
    BadName,
    /// A pool name too long for its thread names to fit the kernel's 15 bytes.
    NameTooLong,
    /// Two pools with the same name.
    DuplicatePool,
    /// No pool at all.
    NoPools,
    /// A worker count (or `max_total_threads`) of zero.
    ZeroWorkers,
    /// `min_workers` above `max_workers`.
    MinAboveMax,
    /// The pools' maximums add up to more than `max_total_threads`.
    OverGlobalCap,
    /// A scaling step of zero.
    ZeroStep,
    /// A β threshold outside [0, 1] or a CPU threshold outside [0, 100] (or NaN).
    ThresholdOutOfRange,
    /// A lower threshold not strictly below its upper partner.
    LowNotBelowHigh,
    /// An interval that is zero, negative, not a whole number of milliseconds or too long.
    BadDuration,
    /// A controller setting that `ControllerConfig::validate` rejects for a reason this crate
    /// does not know by name (a check added to betapool-core later).
    BadValue,
}

/// A config that cannot be used: a file that cannot be read or parsed, or a setting that
/// cannot work. Always a value, never a panic.
///
/// It displays as one line, `file:line:column: key: message`, leaving out what is not known
/// (a config built in code has no file or position; a syntax error may have no key):
///
/// ```text
/// pools.toml:7:15: pools.io.max_workers: min_workers 8 is above max_workers 4
/// ```
///
/// # Examples
///
/// ```
/// use betapool_group::{ConfigErrorKind, GroupConfig};
///
/// let text = "max_total_threads = 600\n\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 8\nmax_workers = 4\n";
/// let err = GroupConfig::from_toml_str(text, "pools.toml").unwrap_err();
/// assert_eq!(err.kind(), ConfigErrorKind::MinAboveMax);
/// assert_eq!((err.line(), err.column()), (Some(6), Some(15)));
/// assert_eq!(err.key(), Some("pools.io.max_workers"));
/// assert_eq!(
///     err.to_string(),
///     "pools.toml:6:15: pools.io.max_workers: min_workers 8 is above max_workers 4",
/// );
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", Line(self))]
pub struct ConfigError {
    kind: ConfigErrorKind,
    origin: Option<String>,
    position: Option<(usize, usize)>,
    key: Option<String>,
    message: String,
    // `Arc` so that the error stays `Clone`; `io::Error` is not.
    #[source]
    source: Option<Arc<io::Error>>,
}

impl ConfigError {
    /// What kind of fault this is.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{ConfigErrorKind, GroupConfig};
    ///
    /// let err = GroupConfig::from_toml_str("max_total_threads = 4\nthreads = 2\n", "g.toml").unwrap_err();
    /// assert_eq!(err.kind(), ConfigErrorKind::UnknownKey);
    /// ```
    #[must_use]
    pub fn kind(&self) -> ConfigErrorKind {
        self.kind
    }

    /// The file the error is in, as it was named to [`GroupConfig::load`] or
    /// [`GroupConfig::from_toml_str`]; `None` for a config built in code.
    ///
    /// [`GroupConfig::load`]: crate::GroupConfig::load
    /// [`GroupConfig::from_toml_str`]: crate::GroupConfig::from_toml_str
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::GroupConfig;
    ///
    /// let err = GroupConfig::from_toml_str("", "empty.toml").unwrap_err();
    /// assert_eq!(err.origin(), Some("empty.toml"));
    /// assert_eq!(GroupConfig::new(0).validate().unwrap_err().origin(), None);
    /// ```
    #[must_use]
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The 1-based line of the fault in the file; `None` for a config built in code or a
    /// file that could not be read.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::GroupConfig;
    ///
    /// let err = GroupConfig::from_toml_str("max_total_threads = 4\nverbose = 1\n", "g.toml").unwrap_err();
    /// assert_eq!(err.line(), Some(2));
    /// ```
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        self.position.map(|(line, _)| line)
    }

    /// The 1-based column of the fault, counted in characters; `None` when
    /// [`line`](Self::line) is.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::GroupConfig;
    ///
    /// let err = GroupConfig::from_toml_str("max_total_threads = 4\nverbose = 1\n", "g.toml").unwrap_err();
    /// assert_eq!(err.column(), Some(11));
    /// ```
    #[must_use]
    pub fn column(&self) -> Option<usize> {
        self.position.map(|(_, column)| column)
    }

    /// The dotted path of the key at fault (`pools.io.max_workers`, `max_total_threads`,
    /// `pools.io` for the pool's name); `None` for an unreadable file or a syntax error
    /// whose key could not be told.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{GroupConfig, PoolConfig};
    ///
    /// let err = GroupConfig::new(64).pool(PoolConfig::fixed("cpu", 0)).validate().unwrap_err();
    /// assert_eq!(err.key(), Some("pools.cpu.workers"));
    /// ```
    #[must_use]
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The message alone, without file, position or key.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{GroupConfig, PoolConfig};
    ///
    /// let err = GroupConfig::new(64).pool(PoolConfig::fixed("cpu", 0)).validate().unwrap_err();
    /// assert_eq!(err.message(), "workers must be at least 1, got 0");
    /// ```
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// An error of `kind` about `key` (if known), with no place in a file yet.
    pub(super) fn new(kind: ConfigErrorKind, key: Option<String>, message: String) -> Self {
        ConfigError {
            kind,
            origin: None,
            position: None,
            key,
            message,
            source: None,
        }
    }

    /// An error about `key`, with no place in a file yet.
    pub(super) fn keyed(kind: ConfigErrorKind, key: String, message: String) -> Self {
        ConfigError::new(kind, Some(key), message)
    }

    /// The file at `origin` could not be read.
    pub(super) fn io(origin: String, error: io::Error) -> Self {
        let mut err = ConfigError::new(ConfigErrorKind::Io, None, format!("cannot read: {error}"));
        err.origin = Some(origin);
        err.source = Some(Arc::new(error));
        err
    }

    /// The error, placed at `line` and `column` of the file `origin`.
    pub(super) fn at(mut self, origin: &str, (line, column): (usize, usize)) -> Self {
        self.origin = Some(origin.to_owned());
        self.position = Some((line, column));
        self
    }

    /// The same error about another key (for a fault better shown at a key the file has).
    pub(super) fn with_key(mut self, key: String) -> Self {
        self.key = Some(key);
        self
    }
}

/// The one-line form: `file:line:column: key: message`, each part only when known.
struct Line<'a>(&'a ConfigError);

impl fmt::Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let err = self.0;
        match (&err.origin, err.position) {
            (Some(origin), Some((line, column))) => write!(f, "{origin}:{line}:{column}: ")?,
            (Some(origin), None) => write!(f, "{origin}: ")?,
            (None, _) => {}
        }
        if let Some(key) = &err.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&err.message)
    }
}
