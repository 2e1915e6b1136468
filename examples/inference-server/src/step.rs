//! `Step`: the five kinds of work a request is made of, each with the pool it runs on.

use std::fmt;

/// A kind of work, named after the pool that runs it (seed 004's five pools).
///
/// ```
/// use inference_server::Step;
///
/// assert_eq!(Step::Inference.pool_name(), "inference");
/// assert_eq!(Step::ALL.map(Step::pool_name), ["db", "embedding", "io", "inference", "cpu"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// A database call: waiting on the database server.
    Db,
    /// Embedding generation: CPU work.
    Embedding,
    /// A vector-store or network call: waiting on the network.
    Io,
    /// A model-server call: a little CPU for tokenization, then waiting on the remote model.
    Inference,
    /// Post-processing: CPU work.
    Cpu,
}

impl Step {
    /// Every step, in the order a `POST /v1/generate` runs them.
    pub const ALL: [Step; 5] = [
        Step::Db,
        Step::Embedding,
        Step::Io,
        Step::Inference,
        Step::Cpu,
    ];

    /// The name of the pool this step runs on when the group has one pool per step.
    ///
    /// ```
    /// assert_eq!(inference_server::Step::Db.pool_name(), "db");
    /// ```
    pub const fn pool_name(self) -> &'static str {
        match self {
            Step::Db => "db",
            Step::Embedding => "embedding",
            Step::Io => "io",
            Step::Inference => "inference",
            Step::Cpu => "cpu",
        }
    }

    /// The step's index in [`Step::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.pool_name())
    }
}
