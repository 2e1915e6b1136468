//! The engine: worker threads fed from one queue, resizable at any moment, with no lost wake-up,
//! no stranded task and no deadlocking shutdown. It applies sizes; it never decides them.

mod admission;
mod builder;
mod counters;
mod pool;
mod queue;
mod rejection;
mod shared;
mod spawner;
mod task;
mod worker;

pub use builder::{Builder, DEFAULT_MAX_WORKERS, DEFAULT_NAME, MAX_WORKERS_LIMIT, available_cores};
pub use counters::{Counters, WorkerStats};
pub use pool::Pool;
pub use rejection::RejectionPolicy;
pub use task::{JoinHandle, JoinTimeoutError};
