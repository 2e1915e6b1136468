//! `OnnxModel`: an ONNX network run on the CPU by tract, batched by `betapool-batch`.
//!
//! The model takes one float row per request and gives one float row back. A batch of rows is
//! stacked into one [batch, width] tensor and run once, which is where batching pays: the
//! fixed cost of a run (a fresh tract state, one dispatch per operator) is shared by every row,
//! and a matrix product over many rows uses the CPU better than one per row.

mod error;

use std::fmt;

use betapool_batch::{BatchModel, BoxError};
use tract_onnx::prelude::{
    Datum, DatumExt, Framework, InferenceModelExt, IntoRunnable, IntoTValue, Tensor, ToDim,
    TypedRunnableModel, tract_ndarray, tvec,
};
use tract_onnx::tract_hir::infer::Factoid;

pub use error::OnnxError;

/// The example network, `models/mlp.onnx`, embedded so that nothing is read or downloaded at
/// run time. `cargo xtask gen-model` writes it from `models/mlp.rs`.
const MLP_ONNX: &[u8] = include_bytes!("../models/mlp.onnx");

/// The name of the symbolic batch dimension. Any name works; this is the one `mlp.onnx`
/// declares, so tract sees one symbol, not two.
const BATCH_SYMBOL: &str = "N";

/// An ONNX model with one float input [batch, width] and one float output [batch, outputs],
/// optimized once by tract for any batch size, run on the calling thread.
///
/// As a [`BatchModel`], an input is one row (`Vec<f32>` of [`input_width`](Self::input_width)
/// values) and an output is one row of [`output_width`](Self::output_width) values. A row of
/// the wrong length fails its batch with an error naming the row and both lengths.
///
/// ```
/// use betapool_batch::BatchModel;
/// use inference_server::OnnxModel;
///
/// let model = OnnxModel::mlp()?;
/// let rows = vec![vec![0.5; model.input_width()]; 3];
/// let outputs = model.infer_batch(rows)?;
/// assert_eq!(outputs.len(), 3);
/// assert!(outputs.iter().all(|y| y.len() == model.output_width()));
/// # Ok::<(), betapool_batch::BoxError>(())
/// ```
pub struct OnnxModel {
    plan: std::sync::Arc<TypedRunnableModel>,
    input_width: usize,
    output_width: usize,
}

impl OnnxModel {
    /// The example network shipped with the crate: `x` [N, 16] → Gemm 16→64 → Relu → Gemm
    /// 64→64 → Relu → Gemm 64→8 → `y` [N, 8], with weights drawn from a fixed seed
    /// (`examples/inference-server/models/mlp.rs`).
    ///
    /// ```
    /// use inference_server::OnnxModel;
    ///
    /// let model = OnnxModel::mlp()?;
    /// assert_eq!((model.input_width(), model.output_width()), (16, 8));
    /// # Ok::<(), inference_server::OnnxError>(())
    /// ```
    pub fn mlp() -> Result<OnnxModel, OnnxError> {
        OnnxModel::from_bytes(MLP_ONNX)
    }

    /// Loads an ONNX model from its bytes. Its one input must be a float tensor of rank 2 with
    /// a known width; its first axis is made a symbol, so any batch size runs, whatever the
    /// file declares there. Its first output must be a float [batch, outputs].
    ///
    /// ```
    /// use inference_server::OnnxModel;
    ///
    /// let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/models/mlp.onnx"))?;
    /// let model = OnnxModel::from_bytes(&bytes)?;
    /// assert_eq!(model.input_width(), 16);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<OnnxModel, OnnxError> {
        let onnx = tract_onnx::onnx();
        let model = onnx
            .model_for_read(&mut &bytes[..])
            .map_err(|e| OnnxError::load(&e))?;
        let inputs = model.inputs.len();
        if inputs != 1 {
            return Err(OnnxError::input(format!("the model has {inputs} inputs")));
        }
        let declared = model.input_fact(0).map_err(|e| OnnxError::load(&e))?;
        let input_width = declared_width(&declared.shape)?;
        let batch = model.sym(BATCH_SYMBOL);
        let fact = f32::fact([batch.to_dim(), input_width.to_dim()]);
        let typed = model
            .with_input_fact(0, fact.into())
            .and_then(|m| m.into_optimized())
            .map_err(|e| OnnxError::load(&e))?;
        let output = typed.output_fact(0).map_err(|e| OnnxError::load(&e))?;
        let output_width = match output.shape.dims() {
            [_, width] if output.datum_type == f32::datum_type() => width.to_i64().ok(),
            _ => None,
        }
        .and_then(|w| usize::try_from(w).ok())
        .ok_or_else(|| OnnxError::output(format!("{output:?}")))?;
        let plan = typed.into_runnable().map_err(|e| OnnxError::load(&e))?;
        Ok(OnnxModel {
            plan,
            input_width,
            output_width,
        })
    }

    /// How many values one input row has.
    ///
    /// ```
    /// # use inference_server::OnnxModel;
    /// assert_eq!(OnnxModel::mlp()?.input_width(), 16);
    /// # Ok::<(), inference_server::OnnxError>(())
    /// ```
    pub fn input_width(&self) -> usize {
        self.input_width
    }

    /// How many values one output row has.
    ///
    /// ```
    /// # use inference_server::OnnxModel;
    /// assert_eq!(OnnxModel::mlp()?.output_width(), 8);
    /// # Ok::<(), inference_server::OnnxError>(())
    /// ```
    pub fn output_width(&self) -> usize {
        self.output_width
    }

    /// Runs `rows` as one batch: one output row per input row, in order. An empty batch gives
    /// no rows without running the model.
    ///
    /// ```
    /// # use inference_server::OnnxModel;
    /// let model = OnnxModel::mlp()?;
    /// let err = model.infer_rows(&[vec![0.0; 16], vec![0.0; 3]]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "row 1 of the batch has 3 values, but the model takes rows of 16"
    /// );
    /// # Ok::<(), inference_server::OnnxError>(())
    /// ```
    pub fn infer_rows(&self, rows: &[Vec<f32>]) -> Result<Vec<Vec<f32>>, OnnxError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut stacked = Vec::with_capacity(rows.len() * self.input_width);
        for (index, row) in rows.iter().enumerate() {
            if row.len() != self.input_width {
                return Err(OnnxError::row_length(index, self.input_width, row.len()));
            }
            stacked.extend_from_slice(row);
        }
        let batch = rows.len();
        let input = tract_ndarray::Array2::from_shape_vec((batch, self.input_width), stacked)
            .map_err(|e| OnnxError::run(batch, e))?;
        let outputs = self
            .plan
            .run(tvec!(Tensor::from(input).into_tvalue()))
            .map_err(|e| OnnxError::run(batch, e))?;
        let output = outputs
            .first()
            .ok_or_else(|| OnnxError::run(batch, "the model gave no output"))?
            .to_plain_array_view::<f32>()
            .map_err(|e| OnnxError::run(batch, e))?;
        if output.shape() != [batch, self.output_width] {
            return Err(OnnxError::run(
                batch,
                format!(
                    "its output has shape {:?}, not [{batch}, {}]",
                    output.shape(),
                    self.output_width
                ),
            ));
        }
        Ok(output
            .outer_iter()
            .map(|row| row.iter().copied().collect())
            .collect())
    }
}

/// The width of a declared input shape [batch, width]: the batch may be anything, the width
/// must be a known number.
fn declared_width(shape: &tract_onnx::tract_hir::infer::ShapeFactoid) -> Result<usize, OnnxError> {
    let dims = shape
        .concretize()
        .ok_or_else(|| OnnxError::input("its shape is not declared"))?;
    match dims.as_slice() {
        [_, width] => width
            .to_i64()
            .ok()
            .and_then(|w| usize::try_from(w).ok())
            .ok_or_else(|| OnnxError::input(format!("its width is {width}, not a number"))),
        other => Err(OnnxError::input(format!(
            "it has rank {}, not 2",
            other.len()
        ))),
    }
}

impl BatchModel for OnnxModel {
    type Input = Vec<f32>;
    type Output = Vec<f32>;

    fn infer_batch(&self, inputs: Vec<Vec<f32>>) -> Result<Vec<Vec<f32>>, BoxError> {
        Ok(self.infer_rows(&inputs)?)
    }
}

impl fmt::Debug for OnnxModel {
    // The plan itself prints as the whole optimized graph; the widths say what a caller needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnnxModel")
            .field("input_width", &self.input_width)
            .field("output_width", &self.output_width)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
