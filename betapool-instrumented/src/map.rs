//! `OrderedMap`: the seed's `map`, results in input order with a bounded number of tasks in flight.

use std::collections::VecDeque;
use std::fmt;
use std::iter::{Fuse, FusedIterator};
use std::sync::Arc;

use betapool_core::{JoinError, JoinHandle};

use crate::InstrumentedPool;

/// How many tasks `map` keeps in flight per worker: per worker alive at each top-up for
/// [`InstrumentedPool::map`], so the window follows a resize (a pool held at one size, as the
/// static executor is, keeps one window).
///
/// Two per worker lets each worker find its next task already queued when it finishes one, so
/// workers do not idle while the consumer takes results, yet bounds the results that pile up
/// (and the input that is pulled early) when the consumer is slower than the pool.
///
/// ```
/// use betapool_instrumented::{InstrumentedPool, MAP_WINDOW_PER_WORKER};
///
/// let pool = InstrumentedPool::builder().fixed_size(3).build()?;
/// let mut results = pool.map(|x: u32| x + 1, 0..100);
/// assert_eq!(results.next().unwrap().unwrap(), 1);
/// // The hint counts the results in flight plus the input not yet pulled.
/// let (at_least, _) = results.size_hint();
/// assert_eq!(at_least, 99);
/// assert_eq!(MAP_WINDOW_PER_WORKER * pool.current_thread_count(), 6);
/// # Ok::<(), betapool_instrumented::BuildError>(())
/// ```
pub const MAP_WINDOW_PER_WORKER: usize = 2;

/// An iterator over `f(item)` for each input item, computed on the pool, yielded in input order.
///
/// Made by [`InstrumentedPool::map`] and [`map_with_window`](InstrumentedPool::map_with_window),
/// and by the same methods of the executors built on it.
/// It pulls from the input lazily: nothing is submitted before the first call to `next`, and
/// then only enough items to keep the window of tasks in flight full. A result is yielded once
/// its task and every earlier one have finished; a task that panicked yields `Err` (with
/// [`JoinError::is_panic`]) for its item only.
///
/// Dropping the iterator early detaches the tasks in flight: they still run, and their results
/// are dropped.
///
/// ```
/// let pool = betapool_instrumented::InstrumentedPool::builder().fixed_size(4).build()?;
/// let mut squares = pool.map(|x: u64| x * x, 1..=3);
/// assert_eq!(squares.next().unwrap()?, 1);
/// let rest: Vec<u64> = squares.map(Result::unwrap).collect();
/// assert_eq!(rest, [4, 9]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct OrderedMap<'a, I, F, T> {
    pool: &'a InstrumentedPool,
    input: Fuse<I>,
    f: Arc<F>,
    /// Handles of the tasks in flight, oldest input first.
    in_flight: VecDeque<JoinHandle<T>>,
    window: Window,
}

/// How many tasks an [`OrderedMap`] keeps in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Window {
    /// Exactly this many (at least 1; the caller clamps it).
    Fixed(usize),
    /// [`MAP_WINDOW_PER_WORKER`] per worker alive when the window is topped up. It counts at
    /// least one worker, so that after shutdown (no worker alive) the map still moves on: its
    /// tasks are refused and resolve as cancelled at once.
    PerLiveWorker,
}

impl<'a, I, F, T> OrderedMap<'a, I, F, T>
where
    I: Iterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    pub(crate) fn new(
        pool: &'a InstrumentedPool,
        f: F,
        input: I,
        window: Window,
    ) -> OrderedMap<'a, I, F, T> {
        let mut map = OrderedMap {
            pool,
            input: input.fuse(),
            f: Arc::new(f),
            in_flight: VecDeque::new(),
            window,
        };
        // Sized for the window as it stands; a pool that grows later costs a reallocation.
        map.in_flight.reserve(map.window());
        map
    }

    /// Submits input items until the window is full or the input is exhausted. The window is
    /// read once per top-up: a resize during it is seen at the next call.
    fn fill(&mut self) {
        let window = self.window();
        while self.in_flight.len() < window {
            let Some(item) = self.input.next() else { break };
            let f = Arc::clone(&self.f);
            self.in_flight.push_back(self.pool.submit(move || f(item)));
        }
    }
}

impl<I, F, T> OrderedMap<'_, I, F, T> {
    /// How many tasks may be in flight now: at least 1.
    fn window(&self) -> usize {
        match self.window {
            Window::Fixed(n) => n,
            Window::PerLiveWorker => self
                .pool
                .current_thread_count()
                .max(1)
                .saturating_mul(MAP_WINDOW_PER_WORKER),
        }
    }
}

impl<I, F, T> Iterator for OrderedMap<'_, I, F, T>
where
    I: Iterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    type Item = Result<T, JoinError>;

    fn next(&mut self) -> Option<Self::Item> {
        // Top the window up before blocking, so the pool has `window` tasks (the oldest among
        // them) while this thread waits for the oldest one.
        self.fill();
        let oldest = self.in_flight.pop_front()?;
        Some(oldest.join())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (low, high) = self.input.size_hint();
        let n = self.in_flight.len();
        (low.saturating_add(n), high.and_then(|h| h.checked_add(n)))
    }
}

impl<I, F, T> FusedIterator for OrderedMap<'_, I, F, T>
where
    I: Iterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
}

impl<I, F, T> fmt::Debug for OrderedMap<'_, I, F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderedMap")
            .field("window", &self.window())
            .field("in_flight", &self.in_flight.len())
            .finish_non_exhaustive()
    }
}
