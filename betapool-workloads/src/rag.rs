//! The parameters of the seed's simulated RAG (retrieval-augmented generation) request.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One simulated RAG request (the seed's `rag_pipeline_task`): three waits on remote services
/// and two bursts of CPU work, run in the order of [`RagSpec::STAGES`].
///
/// The defaults are the seed's: network 10 ms, vector database 200 ms, LLM 500 ms. The seed
/// gives its CPU stages as 10 000 and 20 000 iterations of a Python loop; at roughly 0.1 µs per
/// Python iteration those are the 1 ms of tokenization and 2 ms of reranking used here, spun by
/// the calibrated loop.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::RagSpec;
///
/// let seed = RagSpec::default();
/// assert_eq!(seed.llm_latency, Duration::from_millis(500));
/// assert_eq!(seed.tokenization_work, Duration::from_millis(1));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RagSpec {
    /// Receiving the request (slept).
    pub network_latency: Duration,
    /// The vector-database query (slept).
    pub vector_db_latency: Duration,
    /// The LLM API call (slept).
    pub llm_latency: Duration,
    /// Tokenising the query (CPU, spun).
    pub tokenization_work: Duration,
    /// Reranking the retrieved documents (CPU, spun).
    pub reranking_work: Duration,
}

impl RagSpec {
    /// The stage names, in the order a RAG task runs them and reports them.
    ///
    /// ```
    /// assert_eq!(betapool_workloads::RagSpec::STAGES[4], "llm");
    /// ```
    pub const STAGES: [&'static str; 5] =
        ["network", "vector_db", "tokenization", "reranking", "llm"];
}

impl Default for RagSpec {
    /// The seed's request: 10 ms network, 200 ms vector database, 500 ms LLM, 1 ms
    /// tokenization and 2 ms reranking (the seed's 10 000 and 20 000 Python iterations).
    fn default() -> RagSpec {
        RagSpec {
            network_latency: Duration::from_millis(10),
            vector_db_latency: Duration::from_millis(200),
            llm_latency: Duration::from_millis(500),
            tokenization_work: Duration::from_millis(1),
            reranking_work: Duration::from_millis(2),
        }
    }
}
