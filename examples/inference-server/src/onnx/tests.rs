//! Tests of loading and of the checks around a run: widths, empty batches, bad rows, bad bytes.

use super::*;

#[test]
fn the_example_model_takes_16_and_gives_8() {
    let model = OnnxModel::mlp().unwrap();
    assert_eq!(model.input_width(), 16);
    assert_eq!(model.output_width(), 8);
    assert_eq!(
        format!("{model:?}"),
        "OnnxModel { input_width: 16, output_width: 8, .. }"
    );
}

#[test]
fn an_empty_batch_gives_no_rows() {
    let model = OnnxModel::mlp().unwrap();
    assert!(model.infer_rows(&[]).unwrap().is_empty());
    assert!(model.infer_batch(Vec::new()).unwrap().is_empty());
}

#[test]
fn a_row_of_the_wrong_length_names_the_row_and_both_lengths() {
    let model = OnnxModel::mlp().unwrap();
    for bad in [0, 15, 17] {
        let rows = vec![vec![1.0; 16], vec![1.0; 16], vec![1.0; bad]];
        let err = model.infer_batch(rows).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("row 2 of the batch has {bad} values, but the model takes rows of 16")
        );
    }
}

#[test]
fn bytes_that_are_not_a_model_are_a_load_error() {
    for bytes in [
        &b""[..],
        b"not an onnx model",
        &MLP_ONNX[..MLP_ONNX.len() / 2],
    ] {
        let err = OnnxModel::from_bytes(bytes).unwrap_err().to_string();
        assert!(err.starts_with("could not load the ONNX model"), "{err}");
    }
}
