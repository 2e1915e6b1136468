//! The README's runtime example: a model, a runtime, one request, several, the stats.

use betapool_batch::{BatchModel, BoxError, InferenceRuntime};
use std::time::Duration;

struct Embedder; // your model: a batch of inputs in, one output per input out

impl BatchModel for Embedder {
    type Input = String;
    type Output = usize;
    fn infer_batch(&self, texts: Vec<String>) -> Result<Vec<usize>, BoxError> {
        Ok(texts.iter().map(|t| t.len()).collect())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The loader runs once, at start, with the device chosen (GPU if one is visible).
    let runtime = InferenceRuntime::new(|device| {
        println!("loading on {}", device.device_type);
        Ok(Embedder)
    })?;
    runtime.start()?;
    let one = runtime.infer("hello".to_owned()).wait()?; // or `.await`
    let many = runtime.infer_many(["a".to_owned(), "bb".to_owned()]).wait(); // in order
    println!("{one} {many:?} on {:?}", runtime.execution_path());
    let m = runtime.metrics(); // total_requests, requests_per_second, gpu_worker.avg_batch_time, …
    println!(
        "{} requests, {:.0}/s",
        m.total_requests, m.requests_per_second
    );
    let s = runtime.stats(); // batch sizes, release reasons, queue wait P50/P99, fitted cost
    println!("{} batches, mean {:.1}", s.batches, s.mean_batch_size());
    runtime.stop(Duration::from_secs(5));
    Ok(())
}
