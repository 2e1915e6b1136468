//! The batching section's table on a real model: the example ONNX network run by tract through
//! `InferenceRuntime`, without batching, with the seed's setting and with the default policy,
//! under closed-loop clients (each sends a request, waits for its answer, sends the next).
//! `cargo xtask bench` runs it (`cargo run --release -p inference-server --example batch_onnx
//! -- OUT_DIR [SECONDS] [REPEATS]`) and appends `batch_onnx.md` to its summary.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use betapool_batch::policy::Fixed;
use betapool_batch::{EnvOverrides, InferenceRuntime};
use inference_server::OnnxModel;

/// Concurrent clients: one (batching cannot help), a few, many.
const CLIENTS: [usize; 3] = [1, 8, 64];

/// The settings compared.
const SETTINGS: [&str; 3] = ["no batching", "seed (32, 50 ms)", "default"];

struct Measured {
    per_s: f64,
    p50_us: f64,
    p99_us: f64,
    mean_batch: f64,
}

fn runtime(setting: &str) -> Result<InferenceRuntime<OnnxModel>, betapool_batch::BoxError> {
    let b = InferenceRuntime::builder(|_| Ok(OnnxModel::mlp()?))
        .name("onnx")
        .env(EnvOverrides::default());
    let b = match setting {
        "no batching" => b.policy(Fixed::new(1, Duration::ZERO)?),
        "seed (32, 50 ms)" => b.policy(Fixed::seed()),
        _ => b,
    };
    let rt = b.build()?;
    rt.start()?;
    Ok(rt)
}

fn measure(setting: &str, clients: usize, secs: f64) -> Result<Measured, betapool_batch::BoxError> {
    let rt = Arc::new(runtime(setting)?);
    let width = 16;
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let rt = rt.clone();
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut i = 0usize;
                while Instant::now() < until {
                    let row: Vec<f32> = (0..width)
                        .map(|k| ((c * 131 + i * 17 + k * 7) % 29) as f32 / 29.0 - 0.5)
                        .collect();
                    let t = Instant::now();
                    if rt.infer(row).wait().is_ok() {
                        lat.push(t.elapsed().as_secs_f64() * 1e6);
                    }
                    i += 1;
                }
                lat
            })
        })
        .collect();
    let started = Instant::now();
    let mut lat: Vec<f64> = Vec::new();
    for t in threads {
        lat.extend(t.join().map_err(|_| "a client panicked")?);
    }
    let took = started.elapsed().as_secs_f64();
    let stats = rt.stats();
    rt.stop(Duration::from_secs(5));
    lat.sort_by(f64::total_cmp);
    let q = |p: f64| lat[((p * lat.len() as f64).ceil() as usize).clamp(1, lat.len()) - 1];
    Ok(Measured {
        per_s: lat.len() as f64 / took,
        p50_us: q(0.5),
        p99_us: q(0.99),
        mean_batch: stats.mean_batch_size(),
    })
}

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() -> Result<(), betapool_batch::BoxError> {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(
        args.next()
            .ok_or("usage: batch_onnx OUT_DIR [SECONDS] [REPEATS]")?,
    );
    let secs: f64 = args
        .next()
        .map_or(Ok(2.0), |s| s.parse())
        .map_err(|_| "SECONDS: not a number")?;
    let repeats: usize = args
        .next()
        .map_or(Ok(3), |s| s.parse())
        .map_err(|_| "REPEATS: not a count")?;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "### The real model\n\nThe example ONNX network (16→64→64→8, tract, one batch worker) under closed-loop clients, \
         {secs} s per run, medians of {repeats} (min–max of requests/s).\n\n\
         | clients | setting | requests/s | P50 µs | P99 µs | mean batch |\n|---|---|---|---|---|---|"
    );
    for clients in CLIENTS {
        for setting in SETTINGS {
            let runs: Vec<Measured> = (0..repeats)
                .map(|_| measure(setting, clients, secs))
                .collect::<Result<_, _>>()?;
            let (per_s, lo, hi) = median(runs.iter().map(|m| m.per_s).collect());
            let (p50, _, _) = median(runs.iter().map(|m| m.p50_us).collect());
            let (p99, _, _) = median(runs.iter().map(|m| m.p99_us).collect());
            let (batch, _, _) = median(runs.iter().map(|m| m.mean_batch).collect());
            let line = format!(
                "| {clients} | {setting} | {per_s:.0} ({lo:.0}–{hi:.0}) | {p50:.0} | {p99:.0} | {batch:.1} |"
            );
            eprintln!("batch_onnx: {line}");
            let _ = writeln!(md, "{line}");
        }
    }
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("batch_onnx.md"), &md)?;
    println!("{md}");
    Ok(())
}
