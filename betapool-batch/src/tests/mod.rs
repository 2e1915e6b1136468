//! loom models of the queue, the dispatcher and cancellation (`cargo xtask loom`).

mod loom_cancel;
mod loom_size_vs_delay;
mod loom_stop;
mod support;
