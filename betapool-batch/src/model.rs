//! The trait a user implements to be batched: a batch of inputs in, one output per input out.

/// Any error a model or its loader returns; shown to callers as text.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A model that runs on a batch of inputs at a time.
///
/// `infer_batch` gets the inputs in the order their requests were accepted and must return one
/// output per input, in the same order. An error (or a panic, or a wrong number of outputs)
/// fails every request of that batch with a clear [`InferError`](crate::InferError); the runtime
/// goes on serving the next batch.
///
/// With several batch workers the model is shared between them, hence `&self` and `Sync`.
///
/// ```
/// use betapool_batch::{BatchModel, BoxError};
///
/// struct Doubler;
///
/// impl BatchModel for Doubler {
///     type Input = f32;
///     type Output = f32;
///     fn infer_batch(&self, inputs: Vec<f32>) -> Result<Vec<f32>, BoxError> {
///         Ok(inputs.into_iter().map(|x| 2.0 * x).collect())
///     }
/// }
///
/// assert_eq!(Doubler.infer_batch(vec![1.0, 2.0]).unwrap(), vec![2.0, 4.0]);
/// ```
pub trait BatchModel: Send + Sync + 'static {
    /// One request's input.
    type Input: Send + 'static;
    /// One request's output.
    type Output: Send + 'static;

    /// Runs one batch: one output per input, in order.
    fn infer_batch(&self, inputs: Vec<Self::Input>) -> Result<Vec<Self::Output>, BoxError>;

    /// How much of a batch one input takes, for models whose cost grows with the input (a
    /// sequence's length, an image's size): batch sizes and the cost model count this weight
    /// instead of requests. The default weighs every input 1. Never 0 (0 counts as 1).
    fn weight(_input: &Self::Input) -> u32 {
        1
    }
}
