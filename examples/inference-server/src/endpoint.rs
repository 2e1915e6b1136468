//! `Endpoint`: the service's three kinds of request that do work, and the steps each runs.

use crate::step::Step;
use crate::work::{Cost, Work};

/// A request that does work, as a pipeline of [`Step`]s.
///
/// ```
/// use inference_server::{Endpoint, Step};
///
/// assert_eq!(Endpoint::Generate.steps().len(), 5);
/// assert_eq!(Endpoint::Document.steps(), [Step::Db, Step::Io]);
/// assert_eq!(Endpoint::Embed.name(), "embed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /v1/generate`: db → embedding → io → inference → cpu.
    Generate,
    /// `POST /v1/embed`: embedding.
    Embed,
    /// `GET /v1/documents/<id>`: db → io.
    Document,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 3] = [Endpoint::Generate, Endpoint::Embed, Endpoint::Document];

    /// The steps a request runs, in order, each on its own pool.
    ///
    /// ```
    /// use inference_server::{Endpoint, Step};
    /// assert_eq!(Endpoint::Embed.steps(), [Step::Embedding]);
    /// ```
    pub const fn steps(self) -> &'static [Step] {
        match self {
            Endpoint::Generate => &Step::ALL,
            Endpoint::Embed => &[Step::Embedding],
            Endpoint::Document => &[Step::Db, Step::Io],
        }
    }

    /// The short name that prefixes its tasks' names in the stats (`generate/db`).
    ///
    /// ```
    /// assert_eq!(inference_server::Endpoint::Document.name(), "documents");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Endpoint::Generate => "generate",
            Endpoint::Embed => "embed",
            Endpoint::Document => "documents",
        }
    }

    /// The cost of each of its [`steps`](Self::steps), in the same order.
    pub(crate) fn costs(self, work: &Work) -> Vec<Cost> {
        match self {
            Endpoint::Generate => vec![
                work.generate_db,
                work.generate_embedding,
                work.generate_io,
                work.generate_inference,
                work.generate_cpu,
            ],
            Endpoint::Embed => vec![work.embed],
            Endpoint::Document => vec![work.document_db, work.document_io],
        }
    }
}
