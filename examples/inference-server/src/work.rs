//! `Work` and `Cost`: how much CPU and how much waiting each step of each endpoint costs.

use std::time::Duration;

use crate::step::Step;

/// The cost of one step: CPU work first (a fixed amount of work, calibrated once, so it costs
/// the same however busy the machine is), then a wait (a sleep standing in for a remote call).
///
/// ```
/// use std::time::Duration;
/// use inference_server::Cost;
///
/// let model_call = Cost::new(Duration::from_micros(200), Duration::from_millis(20));
/// assert_eq!(model_call.cpu, Duration::from_micros(200));
/// assert_eq!(Cost::wait(Duration::from_millis(2)).cpu, Duration::ZERO);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// CPU time, spun on the worker thread.
    pub cpu: Duration,
    /// Time waited (slept) after the CPU work, with the worker thread blocked.
    pub wait: Duration,
}

impl Cost {
    /// CPU work then a wait.
    ///
    /// ```
    /// use std::time::Duration;
    /// let c = inference_server::Cost::new(Duration::from_micros(1), Duration::from_micros(2));
    /// assert_eq!((c.cpu, c.wait), (Duration::from_micros(1), Duration::from_micros(2)));
    /// ```
    pub const fn new(cpu: Duration, wait: Duration) -> Cost {
        Cost { cpu, wait }
    }

    /// CPU work only.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert!(inference_server::Cost::cpu(Duration::from_micros(300)).wait.is_zero());
    /// ```
    pub const fn cpu(cpu: Duration) -> Cost {
        Cost::new(cpu, Duration::ZERO)
    }

    /// A wait only.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert!(inference_server::Cost::wait(Duration::from_millis(5)).cpu.is_zero());
    /// ```
    pub const fn wait(wait: Duration) -> Cost {
        Cost::new(Duration::ZERO, wait)
    }

    /// Both parts multiplied by `factor`. A factor that is negative or not a number gives
    /// zero; a product too large for a `Duration` saturates.
    ///
    /// ```
    /// use std::time::Duration;
    /// use inference_server::Cost;
    ///
    /// let c = Cost::new(Duration::from_millis(2), Duration::from_millis(20)).scaled(0.5);
    /// assert_eq!(c, Cost::new(Duration::from_millis(1), Duration::from_millis(10)));
    /// assert_eq!(c.scaled(f64::NAN), Cost::default());
    /// ```
    pub fn scaled(self, factor: f64) -> Cost {
        Cost::new(scale(self.cpu, factor), scale(self.wait, factor))
    }
}

/// What each request costs, step by step. [`Default`] is the example's workload (seed 004's
/// inference server); tests use [`scaled`](Work::scaled) copies of it.
///
/// ```
/// use std::time::Duration;
/// use inference_server::{Step, Work};
///
/// let work = Work::default();
/// assert_eq!(work.generate_inference.wait, Duration::from_millis(20));
/// assert_eq!(work.embed.cpu, Duration::from_micros(500));
/// assert_eq!(work.inference_rows, 1);
///
/// // A hundredth of it, and a fault: every step on the `cpu` pool panics.
/// let tiny = Work { panic_at: Some(Step::Cpu), ..Work::default().scaled(0.01) };
/// assert_eq!(tiny.generate_io.wait, Duration::from_micros(50));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    /// `POST /v1/generate`, step 1 (`db`): load the conversation. Default: wait 2 ms.
    pub generate_db: Cost,
    /// `POST /v1/generate`, step 2 (`embedding`): embed the prompt. Default: 300 µs CPU.
    pub generate_embedding: Cost,
    /// `POST /v1/generate`, step 3 (`io`): query the vector store. Default: wait 5 ms.
    pub generate_io: Cost,
    /// `POST /v1/generate`, step 4 (`inference`): tokenize, run the example network on the
    /// request's rows (see [`inference_rows`](Work::inference_rows)), then wait for the rest of
    /// the model server's answer. Default: 200 µs CPU, the model, then wait 20 ms.
    pub generate_inference: Cost,
    /// `POST /v1/generate`, step 5 (`cpu`): post-process the answer. Default: 200 µs CPU.
    pub generate_cpu: Cost,
    /// `POST /v1/embed`, its one step (`embedding`). Default: 500 µs CPU.
    pub embed: Cost,
    /// `GET /v1/documents/<id>`, step 1 (`db`): look the document up. Default: wait 1 ms.
    pub document_db: Cost,
    /// `GET /v1/documents/<id>`, step 2 (`io`): fetch it from storage. Default: wait 3 ms.
    pub document_io: Cost,
    /// Rows of the example network each inference step runs, through the service's model
    /// runtime, blocking its worker until they are done. Default 1; zero skips the model.
    pub inference_rows: usize,
    /// Fault injection, for tests: every step of this kind panics instead of working, so
    /// the requests that reach it are answered 500. `None` (the default) injects nothing.
    pub panic_at: Option<Step>,
}

impl Default for Work {
    fn default() -> Work {
        Work {
            generate_db: Cost::wait(Duration::from_millis(2)),
            generate_embedding: Cost::cpu(Duration::from_micros(300)),
            generate_io: Cost::wait(Duration::from_millis(5)),
            generate_inference: Cost::new(Duration::from_micros(200), Duration::from_millis(20)),
            generate_cpu: Cost::cpu(Duration::from_micros(200)),
            embed: Cost::cpu(Duration::from_micros(500)),
            document_db: Cost::wait(Duration::from_millis(1)),
            document_io: Cost::wait(Duration::from_millis(3)),
            inference_rows: 1,
            panic_at: None,
        }
    }
}

impl Work {
    /// Every cost multiplied by `factor` (see [`Cost::scaled`]); `inference_rows` and
    /// `panic_at` are kept.
    ///
    /// ```
    /// use std::time::Duration;
    /// let work = inference_server::Work::default().scaled(2.0);
    /// assert_eq!(work.generate_inference.wait, Duration::from_millis(40));
    /// ```
    pub fn scaled(self, factor: f64) -> Work {
        Work {
            generate_db: self.generate_db.scaled(factor),
            generate_embedding: self.generate_embedding.scaled(factor),
            generate_io: self.generate_io.scaled(factor),
            generate_inference: self.generate_inference.scaled(factor),
            generate_cpu: self.generate_cpu.scaled(factor),
            embed: self.embed.scaled(factor),
            document_db: self.document_db.scaled(factor),
            document_io: self.document_io.scaled(factor),
            inference_rows: self.inference_rows,
            panic_at: self.panic_at,
        }
    }
}

/// `d × factor`, never panicking (unlike `Duration::mul_f64`).
fn scale(d: Duration, factor: f64) -> Duration {
    let secs = d.as_secs_f64() * factor;
    if secs.is_nan() || secs <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
}
