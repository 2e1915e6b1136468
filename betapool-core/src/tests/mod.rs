//! loom models of the engine: each explores every interleaving (up to the preemption bound) of a
//! small scenario and checks one invariant. Run them with `cargo xtask loom`.

mod loom_engine;
mod loom_reliability;
