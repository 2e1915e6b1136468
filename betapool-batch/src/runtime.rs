//! `InferenceRuntime`: the seed's one-per-process inference runtime. Requests go into a bounded
//! queue; batch workers take the batches the policy releases and run the model on each.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::builder::RuntimeBuilder;
use crate::device::{GpuProbe, select_device};
use crate::dispatcher::{panic_message, run_worker};
use crate::error::StartErrorKind;
use crate::infer::{Infer, InferMany};
use crate::loom::std_only::Arc;
use crate::metrics::{BatchWorkerMetrics, CpuExecutorMetrics, Health, RuntimeMetrics};
use crate::queue::{CancelSlot, Phase, Queue};
use crate::{
    BatchModel, BatchStats, BoxError, ConfigError, DeviceConfig, EnvOverrides, InferError,
    RuntimeConfig, StartError, TryInferError,
};

pub(crate) type Loader<M> = Box<dyn FnOnce(&DeviceConfig) -> Result<M, BoxError> + Send>;

/// What `start` leaves behind.
#[derive(Default)]
pub(crate) struct Started {
    device: Option<DeviceConfig>,
    at: Option<Instant>,
    threads: Vec<JoinHandle<()>>,
    /// The runtime's entry in the process-wide registry from a successful start to `stop`; a
    /// dropped runtime drops it too, which unregisters the runtime.
    registration: Option<crate::registry::Registration>,
}

pub(crate) struct Shared<M: BatchModel> {
    pub(crate) queue: Arc<Queue<M::Input, M::Output>>,
    pub(crate) name: String,
    pub(crate) workers: usize,
    pub(crate) env: EnvOverrides,
    pub(crate) config: RuntimeConfig,
    pub(crate) probe: Box<dyn GpuProbe>,
    pub(crate) loader: Mutex<Option<Loader<M>>>,
    pub(crate) started: Mutex<Started>,
}

/// What [`InferenceRuntime::stop`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StopReport {
    /// Every queued request was run before the timeout.
    pub drained: bool,
    /// Requests still queued at the timeout, failed with `Stopped`.
    pub stopped: usize,
    /// Batches still in the model at the timeout; their requests get their results when the
    /// model returns, and their workers exit then.
    pub running: usize,
}

/// Micro-batches requests onto one model, on the device it chooses itself.
///
/// Build it with [`InferenceRuntime::builder`] (or [`new`](InferenceRuntime::new)), [`start`]
/// it (the loader runs once, with the device), then call [`infer`](InferenceRuntime::infer)
/// from any number of threads or tasks and `.await` (or [`wait`](crate::Infer::wait) on) the
/// result; [`stop`](InferenceRuntime::stop) at the end. Share it with an `Arc`.
///
/// ```
/// use std::time::Duration;
/// use betapool_batch::{BatchModel, BoxError, EnvOverrides, InferenceRuntime};
///
/// struct Doubler;
/// impl BatchModel for Doubler {
///     type Input = u32;
///     type Output = u32;
///     fn infer_batch(&self, xs: Vec<u32>) -> Result<Vec<u32>, BoxError> {
///         Ok(xs.into_iter().map(|x| 2 * x).collect())
///     }
/// }
///
/// let runtime = InferenceRuntime::builder(|_device| Ok(Doubler))
///     .env(EnvOverrides::default()) // the process environment unless given
///     .build()?;
/// runtime.start()?;
/// assert_eq!(runtime.execution_path(), Some("cpu"));
/// assert_eq!(runtime.infer(21).wait()?, 42);
/// let many = runtime.infer_many([1, 2, 3]).wait();
/// assert_eq!(many.into_iter().collect::<Result<Vec<_>, _>>()?, vec![2, 4, 6]);
/// assert!(runtime.stop(Duration::from_secs(1)).drained);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`start`]: InferenceRuntime::start
pub struct InferenceRuntime<M: BatchModel> {
    shared: Shared<M>,
}

impl<M: BatchModel> fmt::Debug for InferenceRuntime<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InferenceRuntime")
            .field("name", &self.shared.name)
            .field("started", &self.is_started())
            .field("queue_depth", &self.queue_depth())
            .finish_non_exhaustive()
    }
}

impl<M: BatchModel> InferenceRuntime<M> {
    /// A runtime with the default settings and the process environment's overrides.
    pub fn new<F>(loader: F) -> Result<Self, ConfigError>
    where
        F: FnOnce(&DeviceConfig) -> Result<M, BoxError> + Send + 'static,
    {
        Self::builder(loader).build()
    }

    /// A builder; `loader` is called once, at `start`, with the device chosen.
    pub fn builder<F>(loader: F) -> RuntimeBuilder<M>
    where
        F: FnOnce(&DeviceConfig) -> Result<M, BoxError> + Send + 'static,
    {
        RuntimeBuilder::new(loader)
    }

    pub(crate) fn from_parts(shared: Shared<M>) -> Self {
        Self { shared }
    }

    /// Chooses the device, loads the model with it and starts the batch workers.
    ///
    /// Fails, leaving the runtime unstarted, when `MASX_FORCE_GPU` is set and no GPU can be
    /// used (the error says why), when the loader fails or panics, or when called twice.
    pub fn start(&self) -> Result<(), StartError> {
        let mut started = lock(&self.shared.started);
        match self.shared.queue.lock().phase {
            Phase::Idle => {}
            Phase::Running => return Err(StartError::new(StartErrorKind::AlreadyStarted)),
            Phase::Draining | Phase::Stopped => {
                return Err(StartError::new(StartErrorKind::Stopped));
            }
        }
        let device = select_device(&self.shared.env, self.shared.probe.as_ref())?;
        let Some(loader) = lock(&self.shared.loader).take() else {
            return Err(StartError::new(StartErrorKind::AlreadyStarted));
        };
        let on = device.device_type.as_str().to_owned();
        let model = match catch_unwind(AssertUnwindSafe(|| loader(&device))) {
            Ok(Ok(m)) => Arc::new(m),
            Ok(Err(e)) => {
                return Err(StartError::new(StartErrorKind::Loader {
                    device: on,
                    message: e.to_string(),
                }));
            }
            Err(p) => {
                return Err(StartError::new(StartErrorKind::LoaderPanicked {
                    device: on,
                    message: panic_message(p.as_ref()),
                }));
            }
        };
        self.shared.queue.open(self.shared.workers);
        for i in 0..self.shared.workers {
            let (queue, model) = (self.shared.queue.clone(), model.clone());
            // Thread names are cut to 15 bytes by the kernel: keep the prefix short.
            let name = format!("bp-batch-{i}");
            let spawned = std::thread::Builder::new()
                .name(name.clone())
                .spawn(move || run_worker(&queue, model.as_ref(), i));
            match spawned {
                Ok(t) => started.threads.push(t),
                Err(source) => {
                    // Workers already started exit when the queue closes.
                    drop(started);
                    self.close_now();
                    return Err(StartError::new(StartErrorKind::Spawn { name, source }));
                }
            }
        }
        started.device = Some(device);
        started.at = Some(Instant::now());
        started.registration = Some(crate::registry::register(
            &self.shared.name,
            &self.shared.queue,
        ));
        Ok(())
    }

    /// Stops the runtime: refuses new requests at once, runs what is queued for up to
    /// `timeout`, then fails whatever is still queued with `Stopped`. Every accepted request
    /// resolves. Returns at the timeout at the latest, even if a batch is still in the model.
    pub fn stop(&self, timeout: Duration) -> StopReport {
        let deadline = Instant::now() + timeout;
        self.shared.queue.begin_drain();
        let drained = self.shared.queue.wait_drained(deadline);
        let (stopped, running) = self.close_now();
        lock(&self.shared.started).registration = None;
        let threads = std::mem::take(&mut lock(&self.shared.started).threads);
        for t in threads {
            // A worker still in the model is left to finish its batch and exit on its own.
            if running == 0 || t.is_finished() {
                let _ = t.join();
            }
        }
        StopReport {
            drained,
            stopped,
            running,
        }
    }

    /// Closes the queue and fails what is left in it; returns (failed, batches running).
    fn close_now(&self) -> (usize, usize) {
        self.shared.queue.close()
    }

    /// Submits one request; the future resolves to its output, or to why there is none.
    /// Refusals (not started, stopping, queue full, a deadline the model cannot meet) resolve
    /// at once.
    pub fn infer(&self, input: M::Input) -> Infer<M::Output> {
        self.submit(input, None)
            .unwrap_or_else(|e| Infer::refused(e.into_parts().1))
    }

    /// Like [`infer`](InferenceRuntime::infer), with a deadline: refused at once with
    /// `DeadlineExceeded` if the fitted cost model predicts it cannot be met, and failed (never
    /// run) if it passes while the request is queued.
    pub fn infer_by(&self, input: M::Input, deadline: Instant) -> Infer<M::Output> {
        self.submit(input, Some(deadline))
            .unwrap_or_else(|e| Infer::refused(e.into_parts().1))
    }

    /// Submits one request, or hands the input back at once if it is refused (a full queue,
    /// not started, stopping, or predicted to miss the policy's latency target).
    pub fn try_infer(&self, input: M::Input) -> Result<Infer<M::Output>, TryInferError<M::Input>> {
        self.submit(input, None)
    }

    /// Submits one request and blocks until its output is ready. Do not call it on a thread
    /// an async runtime drives; `.await` [`infer`](InferenceRuntime::infer) there.
    pub fn infer_blocking(&self, input: M::Input) -> Result<M::Output, InferError> {
        self.infer(input).wait()
    }

    /// Submits several requests; the future resolves to their results in input order.
    pub fn infer_many<I>(&self, inputs: I) -> InferMany<M::Output>
    where
        I: IntoIterator<Item = M::Input>,
    {
        InferMany::new(inputs.into_iter().map(|x| self.infer(x)).collect())
    }

    fn submit(
        &self,
        input: M::Input,
        deadline: Option<Instant>,
    ) -> Result<Infer<M::Output>, TryInferError<M::Input>> {
        let weight = M::weight(&input).max(1);
        match self.shared.queue.submit(input, weight, deadline) {
            Ok(slot) => {
                let queue: Arc<dyn CancelSlot<M::Output>> = self.shared.queue.clone();
                Ok(Infer::queued(slot, queue, weight))
            }
            Err((input, error)) => Err(TryInferError::new(input, error)),
        }
    }

    /// Whether the runtime is serving (started and not stopped).
    pub fn is_started(&self) -> bool {
        self.shared.queue.lock().phase == Phase::Running
    }

    /// `"gpu"` or `"cpu"` once started; `None` before.
    pub fn execution_path(&self) -> Option<&'static str> {
        lock(&self.shared.started)
            .device
            .as_ref()
            .map(|d| d.device_type.as_str())
    }

    /// The device chosen at start.
    pub fn device(&self) -> Option<DeviceConfig> {
        lock(&self.shared.started).device.clone()
    }

    /// Requests queued now (cancelled ones excluded).
    pub fn queue_depth(&self) -> usize {
        self.shared.queue.depth()
    }

    /// The runtime's name.
    pub fn name(&self) -> &str {
        &self.shared.name
    }

    /// The batching counters: sizes, release reasons, queue waits, refusals, the fitted cost.
    pub fn stats(&self) -> BatchStats {
        let st = self.shared.queue.lock();
        st.counters.snapshot(st.policy.cost(), st.policy.name())
    }

    /// The seed's metrics: `total_requests`, `requests_per_second`, `device_type`, the batch
    /// worker's `total_inferences` and `avg_batch_time`, the executors' `max_threads` and
    /// `max_processes`.
    pub fn metrics(&self) -> RuntimeMetrics {
        let stats = self.stats();
        let (device, at) = {
            let s = lock(&self.shared.started);
            (s.device.clone(), s.at)
        };
        let elapsed = at.map_or(0.0, |t| t.elapsed().as_secs_f64());
        let (max_threads, max_processes) =
            crate::executors::limits(&self.shared.env, &self.shared.config);
        RuntimeMetrics {
            total_requests: stats.accepted,
            requests_per_second: if elapsed > 0.0 {
                stats.completed as f64 / elapsed
            } else {
                0.0
            },
            device_type: device.map_or("none", |d| d.device_type.as_str()).to_owned(),
            queue_depth: self.queue_depth(),
            gpu_worker: BatchWorkerMetrics {
                total_inferences: stats.items,
                total_batches: stats.batches,
                avg_batch_time: stats.avg_batch_time().as_secs_f64(),
            },
            cpu_executors: CpuExecutorMetrics {
                max_threads,
                max_processes,
            },
        }
    }

    /// The seed's health check: `status`, `execution_path`, `throughput`.
    pub fn health(&self) -> Health {
        let m = self.metrics();
        let phase = self.shared.queue.lock().phase;
        let error = match phase {
            Phase::Running => None,
            Phase::Idle => Some("the runtime is not started".to_owned()),
            Phase::Draining | Phase::Stopped => Some("the runtime is stopped".to_owned()),
        };
        Health {
            status: if error.is_none() {
                "healthy"
            } else {
                "unhealthy"
            },
            execution_path: m.device_type,
            throughput: m.requests_per_second,
            error,
        }
    }
}

impl<M: BatchModel> Drop for InferenceRuntime<M> {
    /// Fails whatever is still queued with `Stopped` and lets the workers exit after their
    /// current batch, without waiting for them: dropping never blocks on the model.
    fn drop(&mut self) {
        if self.shared.queue.lock().phase != Phase::Stopped {
            self.close_now();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
