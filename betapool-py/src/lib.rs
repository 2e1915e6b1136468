//! betapool for Python: the Rust module `betapool._core` behind the Python package `betapool`
//! (`python/betapool/`), which gives the seed's API on the Rust pools.
//!
//! The Python package owns the `concurrent.futures` surface (futures, `map`, shutdown flags,
//! the exit hook); this module owns what must run off the interpreter lock:
//!
//! - [`CoreExecutor`]: an adaptive or static Rust pool running Python work items, each worker
//!   with one Python thread state for its life, timing its wait for the GIL and reporting it
//!   to the adaptive controller as contention (`worker.rs`).
//! - [`CoreGroup`]: seed 004's named pools, a `betapool-group` group running Python work
//!   items, with the group's stats.
//! - [`MetricsCollector`]: `betapool-metrics`' rolling window, shared by Python threads.
//! - `begin_exit`: called by the package's exit hook once every pool is shut down, after which
//!   no worker touches the interpreter again.
//!
//! It is a cdylib loaded by CPython, so it is tested from Python (`betapool-py/tests/`), which
//! `cargo xtask test` runs.

mod collector;
mod config;
mod executor;
mod exit;
mod group;
#[allow(unsafe_code)]
mod thread_state;
mod worker;

pub use collector::MetricsCollector;
pub use executor::CoreExecutor;
pub use group::CoreGroup;

use pyo3::prelude::*;

/// The module `betapool._core`.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CoreExecutor>()?;
    m.add_class::<CoreGroup>()?;
    m.add_class::<MetricsCollector>()?;
    m.add_function(wrap_pyfunction!(exit::begin_exit, m)?)?;
    m.add_function(wrap_pyfunction!(exit::usable_cores, m)?)?;
    Ok(())
}
