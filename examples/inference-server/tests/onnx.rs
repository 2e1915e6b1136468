//! The example ONNX network under tract: batched rows give the same outputs as rows run one by
//! one, the outputs are those of a plain-Rust forward pass over the same seeded weights (so
//! `mlp.onnx` holds what `models/mlp.rs` defines), a shared model serves several threads, and a
//! row of the wrong length is an error.

use std::sync::Arc;

use betapool_batch::BatchModel;
use inference_server::OnnxModel;

// The model's definition (sizes, seed, weights), compiled here from the same file that
// `cargo xtask gen-model` encodes, so the reference below uses the very weights of the file.
#[path = "../models/mlp.rs"]
mod mlp;

/// How many rows the tests run: a few dozen, enough to cover batches of several sizes.
const ROWS: usize = 48;

/// The seed of the input rows (any value; distinct from the weights' seed).
const ROW_SEED: u64 = 7;

/// `ROWS` rows of `INPUT_WIDTH` values uniform in [−1, 1).
fn rows() -> Vec<Vec<f32>> {
    let mut rng = mlp::SplitMix64::new(ROW_SEED);
    (0..ROWS)
        .map(|_| {
            (0..mlp::INPUT_WIDTH)
                .map(|_| 2.0 * rng.next_unit() - 1.0)
                .collect()
        })
        .collect()
}

/// The forward pass in plain Rust, in f64: each layer `W·x + b`, Relu between layers.
fn reference(layers: &[mlp::Layer], row: &[f32]) -> Vec<f64> {
    let mut x: Vec<f64> = row.iter().map(|&v| f64::from(v)).collect();
    for (i, layer) in layers.iter().enumerate() {
        assert_eq!(x.len(), layer.inputs);
        let mut y: Vec<f64> = layer
            .weight
            .chunks(layer.inputs)
            .zip(&layer.bias)
            .map(|(w, &b)| {
                w.iter()
                    .zip(&x)
                    .map(|(&w, &x)| f64::from(w) * x)
                    .sum::<f64>()
                    + f64::from(b)
            })
            .collect();
        if i + 1 < layers.len() {
            y.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        x = y;
    }
    x
}

/// How far tract's f32 output may be from the f64 reference. tract sums in f32 (fused
/// multiply-adds, in its own order), so each layer's sum of at most 64 products rounds by up to
/// about 64 · 2⁻²⁴ ≈ 4·10⁻⁶ of the sum of their magnitudes (below 2 for these weights and
/// rows), and the next layers carry that on. 10⁻⁴ covers this worst case with a margin (the
/// largest difference seen is about 4·10⁻⁸) and is three orders of magnitude below the
/// outputs' spread (checked to exceed 10⁻¹), so a transposed matrix, a lost bias or another
/// seed cannot pass.
const REFERENCE_TOLERANCE: f64 = 1e-4;

#[test]
fn batched_outputs_equal_one_by_one_outputs() {
    let model = OnnxModel::mlp().unwrap();
    let rows = rows();
    let one_by_one: Vec<Vec<f32>> = rows
        .iter()
        .map(|row| model.infer_batch(vec![row.clone()]).unwrap().remove(0))
        .collect();
    // Exact equality holds: each output value is the same f32 sum, in the same order, whatever
    // the batch size. Should tract ever pick a kernel for a lone row that sums in another
    // order, this is the test that says so.
    let all = model.infer_batch(rows.clone()).unwrap();
    assert_eq!(all, one_by_one);
    // Batches of several sizes, each split where the previous one ended.
    let mut start = 0;
    for size in [1, 2, 3, 5, 8, 13, 16] {
        let batch = rows[start..start + size].to_vec();
        let outputs = model.infer_batch(batch).unwrap();
        assert_eq!(outputs, one_by_one[start..start + size], "batch of {size}");
        start += size;
    }
}

#[test]
fn outputs_equal_the_reference_forward_pass_over_the_seeded_weights() {
    let model = OnnxModel::mlp().unwrap();
    let layers = mlp::layers();
    let rows = rows();
    let outputs = model.infer_batch(rows.clone()).unwrap();
    let mut lowest = f64::INFINITY;
    let mut highest = f64::NEG_INFINITY;
    for (i, (row, output)) in rows.iter().zip(&outputs).enumerate() {
        let expected = reference(&layers, row);
        assert_eq!(output.len(), mlp::OUTPUT_WIDTH);
        for (j, (&got, &want)) in output.iter().zip(&expected).enumerate() {
            let off = (f64::from(got) - want).abs();
            assert!(
                off <= REFERENCE_TOLERANCE,
                "row {i}, output {j}: tract gives {got}, the reference {want} (off by {off})"
            );
            lowest = lowest.min(want);
            highest = highest.max(want);
        }
    }
    assert!(
        highest - lowest > 0.1,
        "outputs span only {lowest}..{highest}"
    );
}

#[test]
fn a_shared_model_serves_several_threads() {
    let model = Arc::new(OnnxModel::mlp().unwrap());
    let rows = rows();
    let expected = model.infer_batch(rows.clone()).unwrap();
    let threads: Vec<_> = rows
        .chunks(ROWS / 4)
        .map(|chunk| {
            let model = Arc::clone(&model);
            let chunk = chunk.to_vec();
            std::thread::spawn(move || {
                (0..10)
                    .map(|_| model.infer_batch(chunk.clone()).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for (t, thread) in threads.into_iter().enumerate() {
        let start = t * (ROWS / 4);
        for outputs in thread.join().unwrap() {
            assert_eq!(outputs, expected[start..start + ROWS / 4]);
        }
    }
}

#[test]
fn a_row_of_the_wrong_length_is_an_error_naming_it() {
    let model = OnnxModel::mlp().unwrap();
    let mut rows = rows();
    rows[5].push(0.0);
    let err = model.infer_batch(rows).unwrap_err();
    assert_eq!(
        err.to_string(),
        "row 5 of the batch has 17 values, but the model takes rows of 16"
    );
    // The model goes on serving good batches.
    assert_eq!(model.infer_batch(vec![vec![0.0; 16]]).unwrap().len(), 1);
}
