//! `InstrumentedPool`: the engine at any size with every task timed into a collector, the part
//! the static and the adaptive executors share.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use betapool_core::{JoinHandle, Pool, ShutdownTimeout};
use betapool_metrics::{MetricsCollector, PoolStats, TaskRecord};

use crate::builder::InstrumentedBuilder;
use crate::error::SubmitError;
use crate::map::{OrderedMap, Window};
use crate::parked::Parked;
use crate::recorder::Recorder;
use crate::stats::Gauges;

/// The engine ([`betapool_core::Pool`]) plus a recorder that times every task into a
/// [`MetricsCollector`]: what an executor is made of before it decides anything about its size.
///
/// `betapool-static`'s executor is one of these held at one size; `betapool-adaptive`'s is one
/// of these plus a controller thread that reads
/// [`engine().worker_stats()`](Pool::worker_stats) and calls
/// [`engine().request_target(n)`](Pool::request_target). Resizing never interrupts the recording: tasks
/// run before, during and after a resize all land in the same collector, with ids in submission
/// order and timestamps measured from the same epoch ([`elapsed`](Self::elapsed)).
///
/// Each task's wall time, outcome and panic message are recorded before its result goes back
/// to the engine, so once [`join`](JoinHandle::join) returns, the sample is in the collector
/// and the engine's [`counters`](Pool::counters) agree with it. No CPU clock is read per task.
///
/// A panicking task never kills a worker: the panic is recorded as a failed sample and then
/// surfaces on `join` as a [`JoinError`](crate::JoinError) with `is_panic()`. Dropping the pool
/// begins a graceful shutdown without waiting for it (queued tasks still run); call
/// [`shutdown`](Self::shutdown) to wait.
///
/// ```
/// use betapool_instrumented::InstrumentedPool;
///
/// let pool = InstrumentedPool::builder()
///     .name("io")
///     .min_workers(1)
///     .max_workers(8)
///     .workers(2)
///     .build()?;
/// assert_eq!(pool.submit(|| 6 * 7).join()?, 42);
///
/// // A controller resizes the engine; the recording carries on at the new size.
/// pool.engine().set_target(6)?;
/// assert_eq!(pool.current_thread_count(), 6);
/// let squares: Vec<u64> = pool.map(|x: u64| x * x, 0..10).map(Result::unwrap).collect();
/// assert_eq!(squares[9], 81);
///
/// assert_eq!(pool.task_log().len(), 11);
/// assert_eq!(pool.with_collector(|c| c.total_recorded()), pool.engine().counters().completed);
/// pool.shutdown();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct InstrumentedPool {
    pool: Pool,
    /// Shared with every wrapped task, so a task still running after the pool is dropped
    /// records into a collector that is still there.
    recorder: Arc<Recorder>,
}

impl InstrumentedPool {
    /// A builder with the defaults: name [`DEFAULT_NAME`](crate::DEFAULT_NAME), 1 to
    /// [`DEFAULT_MAX_WORKERS`](betapool_core::DEFAULT_MAX_WORKERS) workers starting at the
    /// number of cores, an unbounded queue, the metrics crate's window and history sizes.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(3).build()?;
    /// assert_eq!(pool.current_thread_count(), 3);
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn builder() -> InstrumentedBuilder {
        InstrumentedBuilder::new()
    }

    /// Starts the recording clock: the epoch is taken here, once the workers are up, so the
    /// first sample's timestamp does not include thread start-up.
    pub(crate) fn from_parts(pool: Pool, collector: MetricsCollector) -> InstrumentedPool {
        InstrumentedPool {
            pool,
            recorder: Arc::new(Recorder::new(collector)),
        }
    }

    /// Runs `f` on the pool and returns a handle to its result.
    ///
    /// If the pool is shut down, or its bounded queue is full under
    /// [`RejectionPolicy::Reject`](crate::RejectionPolicy::Reject), `f` is dropped and the
    /// handle resolves as cancelled; use [`try_submit`](Self::try_submit) to get `f` back.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(2).build()?;
    /// assert_eq!(pool.submit(|| "done").join()?, "done");
    ///
    /// let err = pool.submit(|| -> u8 { panic!("bad input") }).join().unwrap_err();
    /// assert!(err.is_panic());
    /// assert_eq!(pool.task_log()[1].error_message.as_deref(), Some("bad input"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn submit<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.pool.spawn(self.recorder.wrap(f))
    }

    /// The same as [`submit`](Self::submit), under the name the Rust ecosystem uses.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(2).build()?;
    /// assert_eq!(pool.spawn(|| 6 * 7).join()?, 42);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.submit(f)
    }

    /// Runs `f` on the pool, or hands it back inside the error if the pool is shut down or its
    /// bounded queue is full.
    ///
    /// Handing the closure back costs one small allocation per call (the closure waits in a
    /// shared slot until the engine has either taken the task or refused it), which
    /// [`submit`](Self::submit) does not pay.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(2).build()?;
    /// let handle = pool.try_submit(|| 1 + 1).map_err(|e| e.to_string())?;
    /// assert_eq!(handle.join()?, 2);
    ///
    /// pool.shutdown();
    /// let refused = pool.try_submit(|| 3).unwrap_err();
    /// assert_eq!((refused.into_inner())(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_submit<F, T>(&self, f: F) -> Result<JoinHandle<T>, SubmitError<F>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let parked = Parked::new(f);
        let slot = Arc::clone(&parked);
        let task = self.recorder.wrap(move || match slot.take() {
            Some(f) => f(),
            // The engine either runs the task once or hands it back unrun, never both, and only
            // the refusal path below takes the closure out.
            None => unreachable!("a task ran after its submission was refused"),
        });
        self.pool
            .try_spawn(task)
            .map_err(|refused| parked.hand_back(refused))
    }

    /// Runs `f` on the pool without a handle (fire and forget). A panic in `f` is caught,
    /// counted and recorded. If the task is refused, `f` is handed back.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(2).build()?;
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// pool.execute(move || tx.send(7).unwrap()).map_err(|e| e.to_string())?;
    /// assert_eq!(rx.recv()?, 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn execute<F>(&self, f: F) -> Result<(), SubmitError<F>>
    where
        F: FnOnce() + Send + 'static,
    {
        let parked = Parked::new(f);
        let slot = Arc::clone(&parked);
        let task = self.recorder.wrap(move || {
            // `None` cannot happen (see `try_submit`); doing nothing is the harmless reading.
            if let Some(f) = slot.take() {
                f();
            }
        });
        self.pool
            .execute(task)
            .map_err(|refused| parked.hand_back(refused))
    }

    /// Applies `f` to every item on the pool and yields the results in input order.
    ///
    /// The window of tasks in flight follows the pool's size: each time the iterator tops it
    /// up, it allows [`MAP_WINDOW_PER_WORKER`](crate::MAP_WINDOW_PER_WORKER) × the workers
    /// alive at that moment (counted as at least 1, so a map never stalls on a pool caught
    /// between workers). A map started on a small pool therefore speeds up when a controller
    /// grows it; when the pool shrinks, the tasks already in flight run to the end and the
    /// window is only topped up again once it is below the new bound. Use
    /// [`map_with_window`](Self::map_with_window) for a fixed window.
    ///
    /// Items are pulled from `items` lazily, as the window frees up. A task that panics yields
    /// `Err` for its own item only.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder()
    ///     .min_workers(1)
    ///     .max_workers(4)
    ///     .workers(1)
    ///     .build()?;
    /// let mut doubled = pool.map(|x: u32| x * 2, 0..100);
    /// assert_eq!(doubled.next().unwrap()?, 0);
    /// pool.engine().set_target(4)?; // the rest runs four workers wide, still in order
    /// let rest: Vec<u32> = doubled.map(Result::unwrap).collect();
    /// assert_eq!(rest, (1..100).map(|x| x * 2).collect::<Vec<_>>());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map<I, F, T>(&self, f: F, items: I) -> OrderedMap<'_, I::IntoIter, F, T>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        OrderedMap::new(self, f, items.into_iter(), Window::PerLiveWorker)
    }

    /// Like [`map`](Self::map) with at most `window` tasks in flight, whatever the pool's size.
    /// A window of 0 is taken as 1, since no task could ever run otherwise.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(4).build()?;
    /// // One task at a time: the input is consumed strictly in step with the output.
    /// let words: Vec<String> = pool
    ///     .map_with_window(|w: &str| w.to_uppercase(), ["a", "b", "c"], 1)
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(words, ["A", "B", "C"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_with_window<I, F, T>(
        &self,
        f: F,
        items: I,
        window: usize,
    ) -> OrderedMap<'_, I::IntoIter, F, T>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        OrderedMap::new(self, f, items.into_iter(), Window::Fixed(window.max(1)))
    }

    /// Worker threads alive now ([`Pool::live_workers`]). While the pool is resized it may
    /// differ from [`Pool::target`] for a moment; after shutdown it is 0.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().max_workers(8).workers(3).build()?;
    /// assert_eq!(pool.current_thread_count(), 3);
    /// pool.engine().set_target(5)?;
    /// assert_eq!(pool.current_thread_count(), 5);
    /// pool.shutdown();
    /// assert_eq!(pool.current_thread_count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn current_thread_count(&self) -> usize {
        self.pool.live_workers()
    }

    /// The pool's name, which prefixes its thread names.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().name("db").build()?;
    /// assert_eq!(pool.name(), "db");
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn name(&self) -> &str {
        self.pool.name()
    }

    /// The engine underneath, for a controller and for gauges: [`set_target`](Pool::set_target),
    /// [`worker_stats`](Pool::worker_stats), [`counters`](Pool::counters),
    /// [`queued`](Pool::queued), [`idle_workers`](Pool::idle_workers).
    ///
    /// Tasks spawned straight on the engine bypass the recorder: they are counted by the engine
    /// but leave no sample, so submit through this type to keep the two in agreement.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder()
    ///     .min_workers(2)
    ///     .max_workers(16)
    ///     .workers(2)
    ///     .build()?;
    /// assert_eq!(pool.engine().set_target(100)?, 16); // clamped to max_workers
    /// pool.submit(|| ()).join()?;
    /// let done: u64 = pool.engine().worker_stats().iter().map(|w| w.completions).sum();
    /// assert_eq!(done, 1);
    /// assert_eq!(pool.engine().counters().completed, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn engine(&self) -> &Pool {
        &self.pool
    }

    /// Time since the pool was built: the epoch every sample's timestamp is measured from, so
    /// `elapsed()` is "now" on the samples' clock (for
    /// [`MetricsCollector::throughput_at`], say).
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(1).build()?;
    /// pool.submit(|| ()).join()?;
    /// let now = pool.elapsed();
    /// let log = pool.task_log();
    /// assert!(log[0].timestamp_s <= now.as_secs_f64());
    /// let rate = pool.with_collector(|c| c.throughput_at(now));
    /// assert!(rate >= 0.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn elapsed(&self) -> Duration {
        self.recorder.elapsed()
    }

    /// Runs `f` with the collector locked, to read latency percentiles, throughput, the window
    /// or the totals in one consistent view.
    ///
    /// Every finishing task takes this lock to record its sample, so keep `f` short. Never wait
    /// in it for a task of this pool (that task could not record, so it would never finish),
    /// and never call this pool's `with_collector` or `task_log` from it (the lock is not
    /// re-entrant).
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(2).build()?;
    /// for i in 0..10u64 {
    ///     pool.submit(move || i).join()?;
    /// }
    /// let (recorded, p99) = pool.with_collector(|c| {
    ///     (c.total_recorded(), c.latency_percentiles().map(|p| p.p99))
    /// });
    /// assert_eq!(recorded, 10);
    /// assert!(p99.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_collector<R>(&self, f: impl FnOnce(&MetricsCollector) -> R) -> R {
        f(&self.recorder.lock())
    }

    /// A snapshot in the metrics crate's shape, ready for `betapool_metrics::prometheus::encode`
    /// or a JSON endpoint: the engine's gauges and counters at this moment plus the collector's
    /// window. The scale counts are 0 (a controller above this pool fills in its own).
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().name("io").fixed_size(2).build()?;
    /// pool.submit(|| ()).join()?;
    /// let stats = pool.pool_stats();
    /// assert_eq!((stats.name.as_str(), stats.current_threads, stats.completed), ("io", 2, 1));
    /// assert_eq!((stats.min_threads, stats.max_threads), (2, 2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pool_stats(&self) -> PoolStats {
        let engine = &self.pool;
        let gauges = Gauges {
            name: engine.name(),
            min: engine.min_workers(),
            max: engine.max_workers(),
            live: engine.live_workers(),
            idle: engine.idle_workers(),
            queued: engine.queued(),
            counters: engine.counters(),
        };
        self.with_collector(|collector| gauges.pool_stats(collector))
    }

    /// Every task sample kept (up to [`max_history`](InstrumentedBuilder::max_history)), oldest
    /// first, as flat rows. Write them out with `betapool_metrics::write_csv` or `write_json`.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(2).build()?;
    /// for i in 0..3 {
    ///     pool.submit(move || i).join()?;
    /// }
    /// let log = pool.task_log();
    /// assert_eq!(log.len(), 3);
    /// assert!(log.iter().all(|r| r.success && r.cpu_time_s.is_none()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn task_log(&self) -> Vec<TaskRecord> {
        self.recorder.lock().export()
    }

    /// Refuses new tasks, runs every task already accepted, and waits for the workers to end.
    /// Idempotent. Called from one of the pool's own tasks, it waits for every other worker.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(2).build()?;
    /// let handle = pool.submit(|| 1);
    /// pool.shutdown();
    /// assert_eq!(handle.join()?, 1);
    /// assert!(pool.is_shutdown());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shutdown(&self) {
        self.pool.shutdown();
    }

    /// Refuses new tasks, cancels the queued ones (their handles resolve as cancelled), lets
    /// running tasks finish, and waits for the workers to end. A cancelled task leaves no
    /// sample, since it never ran.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(1).build()?;
    /// let (started_tx, started) = std::sync::mpsc::channel();
    /// let running = pool.submit(move || started_tx.send(()).unwrap());
    /// let queued = pool.submit(|| ());
    /// started.recv()?; // the first task is running, or done
    /// pool.shutdown_now();
    /// running.join()?;
    /// // The queued task either ran before the shutdown reached it or was cancelled.
    /// if let Err(e) = queued.join() {
    ///     assert!(e.is_cancelled());
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shutdown_now(&self) {
        self.pool.shutdown_now();
    }

    /// Like [`shutdown`](Self::shutdown) but waits at most `timeout`; the error says how many
    /// workers were still busy.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(1).build()?;
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let _stuck = pool.submit(move || { let _ = rx.recv(); });
    /// let err = pool.shutdown_timeout(Duration::from_millis(20)).unwrap_err();
    /// assert_eq!(err.still_running(), 1);
    /// drop(tx); // lets the stuck task end
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn shutdown_timeout(&self, timeout: Duration) -> Result<(), ShutdownTimeout> {
        self.pool.shutdown_timeout(timeout)
    }

    /// Whether shutdown has begun (new tasks are refused).
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(1).build()?;
    /// assert!(!pool.is_shutdown());
    /// pool.shutdown();
    /// assert!(pool.is_shutdown());
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn is_shutdown(&self) -> bool {
        self.pool.is_shutdown()
    }
}

impl fmt::Debug for InstrumentedPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstrumentedPool")
            .field("name", &self.name())
            .field("min_workers", &self.pool.min_workers())
            .field("max_workers", &self.pool.max_workers())
            .field("target", &self.pool.target())
            .field("live", &self.pool.live_workers())
            .field("queued", &self.pool.queued())
            .field("shutdown", &self.is_shutdown())
            .finish()
    }
}
