//! `OnnxError`: why an ONNX model could not be loaded or could not run a batch.

use tract_onnx::prelude::TractError;

/// An ONNX model could not be loaded (the bytes are not a model tract can run, or its input
/// is not one float row per request) or could not run a batch (a row of the wrong length).
/// It displays as one line naming the fault.
///
/// ```
/// use inference_server::OnnxModel;
///
/// let err = OnnxModel::from_bytes(b"not a model").unwrap_err();
/// assert!(err.to_string().starts_with("could not load the ONNX model"));
/// ```
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct OnnxError(ErrorKind);

/// What went wrong, kept private so that variants can change without breaking callers.
#[derive(Debug, thiserror::Error)]
enum ErrorKind {
    #[error("could not load the ONNX model: {reason}")]
    Load { reason: String },
    #[error(
        "the ONNX model's input must be one float tensor [batch, width] with a known width; \
         {found}"
    )]
    Input { found: String },
    #[error(
        "the ONNX model's first output must be a float tensor [batch, width] with a known \
         width; found {found}"
    )]
    Output { found: String },
    #[error("row {index} of the batch has {found} values, but the model takes rows of {expected}")]
    RowLength {
        index: usize,
        expected: usize,
        found: usize,
    },
    #[error("the ONNX model failed on a batch of {rows} rows: {reason}")]
    Run { rows: usize, reason: String },
}

impl OnnxError {
    /// The bytes are not a model tract can run; `err` is tract's error, whose whole chain of
    /// causes goes on the one line.
    pub(crate) fn load(err: &TractError) -> OnnxError {
        OnnxError(ErrorKind::Load {
            reason: format!("{err:#}"),
        })
    }

    /// The model's input is not a float [batch, width]; `found` says what it is.
    pub(crate) fn input(found: impl Into<String>) -> OnnxError {
        OnnxError(ErrorKind::Input {
            found: found.into(),
        })
    }

    /// The model's first output is not a float [batch, width]; `found` is its type and shape.
    pub(crate) fn output(found: String) -> OnnxError {
        OnnxError(ErrorKind::Output { found })
    }

    pub(crate) fn row_length(index: usize, expected: usize, found: usize) -> OnnxError {
        OnnxError(ErrorKind::RowLength {
            index,
            expected,
            found,
        })
    }

    /// tract failed on a batch of `rows` rows (or gave an output of an unexpected shape).
    pub(crate) fn run(rows: usize, reason: impl std::fmt::Display) -> OnnxError {
        OnnxError(ErrorKind::Run {
            rows,
            reason: format!("{reason:#}"),
        })
    }
}
