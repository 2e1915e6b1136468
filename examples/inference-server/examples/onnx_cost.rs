//! What one batch of the example ONNX network costs on this machine, for batches of 1, 8, 32
//! and 128 rows: `cargo run --release -p inference-server --example onnx_cost`.
//!
//! A measurement to run by hand (it prints, and takes about two seconds), not a test: it gives
//! the a + c·b shape of the model's cost that the batching policy fits online.

use std::time::{Duration, Instant};

use betapool_batch::BatchModel;
use inference_server::OnnxModel;

/// The batch sizes measured.
const SIZES: [usize; 4] = [1, 8, 32, 128];

/// How long each size is timed, in rounds of runs; the median round is reported, so that a
/// round slowed by another process on the shared cores does not count.
const ROUND: Duration = Duration::from_millis(40);

/// Rounds per size.
const ROUNDS: usize = 11;

fn main() -> Result<(), betapool_batch::BoxError> {
    let model = OnnxModel::mlp()?;
    println!("batch  µs/batch  µs/row");
    for size in SIZES {
        let rows: Vec<Vec<f32>> = (0..size)
            .map(|r| {
                (0..model.input_width())
                    .map(|c| ((r * 31 + c * 7) % 13) as f32 / 13.0 - 0.5)
                    .collect()
            })
            .collect();
        // Warm up: the first runs allocate tract's scratch space and fill the caches.
        for _ in 0..100 {
            model.infer_batch(rows.clone())?;
        }
        let mut per_batch = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let mut runs = 0u32;
            while started.elapsed() < ROUND {
                // The clone is part of what a caller pays: the runtime hands the model owned rows.
                std::hint::black_box(model.infer_batch(rows.clone())?);
                runs += 1;
            }
            per_batch.push(started.elapsed().as_secs_f64() * 1e6 / f64::from(runs));
        }
        per_batch.sort_by(f64::total_cmp);
        let median = per_batch[ROUNDS / 2];
        println!("{size:5}  {median:8.1}  {:6.2}", median / size as f64);
    }
    Ok(())
}
