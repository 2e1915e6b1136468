//! `Routes`: which pool of the group runs each step.

use betapool_group::{GroupConfig, PoolGroup};

use crate::error::{ErrorKind, ServiceError};
use crate::step::Step;

/// The pool each [`Step`] runs on, chosen from the group's pool names: the pool named after
/// the step (`db`, `embedding`, `io`, `inference`, `cpu`) if there is one; otherwise, if the
/// group has exactly one pool, that pool, shared by every step (the single static pool the
/// seed started from); otherwise an error naming the missing pools and the pools there are.
///
/// ```
/// use inference_server::{Routes, Step};
///
/// let named = Routes::for_pools(["io", "cpu", "inference", "embedding", "db"])?;
/// assert_eq!(named.pool(Step::Inference), "inference");
///
/// let shared = Routes::for_pools(["shared"])?;
/// assert!(Step::ALL.iter().all(|&s| shared.pool(s) == "shared"));
///
/// let err = Routes::for_pools(["io", "cpu"]).unwrap_err();
/// assert!(err.to_string().contains("`db`"));
/// # Ok::<(), inference_server::ServiceError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routes {
    /// The pool of each step, indexed by [`Step::index`].
    pools: [String; Step::ALL.len()],
}

impl Routes {
    /// The routes for a running group's pools.
    ///
    /// ```
    /// use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
    /// use inference_server::{Routes, Step};
    ///
    /// let group = PoolGroup::new(&GroupConfig::new(2).pool(PoolConfig::fixed("shared", 2)))?;
    /// assert_eq!(Routes::for_group(&group)?.pool(Step::Db), "shared");
    /// # group.shutdown(std::time::Duration::from_secs(5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_group(group: &PoolGroup) -> Result<Routes, ServiceError> {
        Routes::for_pools(group.names())
    }

    /// The routes for a config's pools, to check a file before starting any thread.
    ///
    /// ```
    /// use betapool_group::{GroupConfig, PoolConfig};
    /// use inference_server::{Routes, Step};
    ///
    /// let config = GroupConfig::new(4).pool(PoolConfig::fixed("db", 2)).pool(PoolConfig::fixed("io", 2));
    /// assert!(Routes::for_config(&config).is_err()); // two pools, and no `cpu` among them
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_config(config: &GroupConfig) -> Result<Routes, ServiceError> {
        Routes::for_pools(config.pools.iter().map(|p| p.name.as_str()))
    }

    /// The routes for pools with these names.
    ///
    /// ```
    /// use inference_server::{Routes, Step};
    /// assert_eq!(Routes::for_pools(["db"])?.pool(Step::Cpu), "db"); // one pool: shared
    /// # Ok::<(), inference_server::ServiceError>(())
    /// ```
    pub fn for_pools<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Routes, ServiceError> {
        let names: Vec<&str> = names.into_iter().collect();
        let shared = match names.as_slice() {
            [only] => Some(*only),
            _ => None,
        };
        let mut missing = Vec::new();
        let pools = Step::ALL.map(|step| {
            let name = step.pool_name();
            if names.contains(&name) {
                name.to_owned()
            } else if let Some(only) = shared {
                only.to_owned()
            } else {
                missing.push(format!("`{name}`"));
                String::new()
            }
        });
        if missing.is_empty() {
            return Ok(Routes { pools });
        }
        let known = if names.is_empty() {
            "(none)".to_owned()
        } else {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Err(ErrorKind::MissingPools {
            missing: missing.join(", "),
            known,
        }
        .into())
    }

    /// The pool that runs `step`.
    ///
    /// ```
    /// use inference_server::{Routes, Step};
    /// let routes = Routes::for_pools(["db", "embedding", "io", "inference", "cpu"])?;
    /// assert_eq!(routes.pool(Step::Io), "io");
    /// # Ok::<(), inference_server::ServiceError>(())
    /// ```
    pub fn pool(&self, step: Step) -> &str {
        &self.pools[step.index()]
    }
}
