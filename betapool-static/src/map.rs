//! `OrderedMap`: the seed's `map`, results in input order with a bounded number of tasks in flight.

use std::collections::VecDeque;
use std::fmt;
use std::iter::{Fuse, FusedIterator};
use std::sync::Arc;

use betapool_core::{JoinError, JoinHandle};

use crate::StaticThreadPoolExecutor;

/// How many tasks [`StaticThreadPoolExecutor::map`] keeps in flight per worker.
///
/// Two per worker lets each worker find its next task already queued when it finishes one, so
/// workers do not idle while the consumer takes results, yet bounds the results that pile up
/// (and the input that is pulled early) when the consumer is slower than the pool.
///
/// ```
/// use betapool_static::{MAP_WINDOW_PER_WORKER, StaticThreadPoolExecutor};
///
/// let executor = StaticThreadPoolExecutor::new(3)?;
/// let mut results = executor.map(|x: u32| x + 1, 0..100);
/// assert_eq!(results.next().unwrap().unwrap(), 1);
/// // The hint counts the results in flight plus the input not yet pulled.
/// let (at_least, _) = results.size_hint();
/// assert_eq!(at_least, 99);
/// assert_eq!(MAP_WINDOW_PER_WORKER * executor.workers(), 6);
/// # Ok::<(), betapool_static::BuildError>(())
/// ```
pub const MAP_WINDOW_PER_WORKER: usize = 2;

/// An iterator over `f(item)` for each input item, computed on the pool, yielded in input order.
///
/// Made by [`StaticThreadPoolExecutor::map`] and
/// [`map_with_window`](StaticThreadPoolExecutor::map_with_window). It pulls from the input
/// lazily: nothing is submitted before the first call to `next`, and then only enough items to
/// keep `window` tasks in flight. A result is yielded once its task and every earlier one have
/// finished; a task that panicked yields `Err` (with [`JoinError::is_panic`]) for its item only.
///
/// Dropping the iterator early detaches the tasks in flight: they still run, and their results
/// are dropped.
///
/// ```
/// let executor = betapool_static::StaticThreadPoolExecutor::new(4)?;
/// let mut squares = executor.map(|x: u64| x * x, 1..=3);
/// assert_eq!(squares.next().unwrap()?, 1);
/// let rest: Vec<u64> = squares.map(Result::unwrap).collect();
/// assert_eq!(rest, [4, 9]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct OrderedMap<'a, I, F, T> {
    executor: &'a StaticThreadPoolExecutor,
    input: Fuse<I>,
    f: Arc<F>,
    /// Handles of the tasks in flight, oldest input first.
    in_flight: VecDeque<JoinHandle<T>>,
    window: usize,
}

impl<'a, I, F, T> OrderedMap<'a, I, F, T>
where
    I: Iterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    /// `window` is at least 1 here; the caller clamps it.
    pub(crate) fn new(
        executor: &'a StaticThreadPoolExecutor,
        f: F,
        input: I,
        window: usize,
    ) -> OrderedMap<'a, I, F, T> {
        OrderedMap {
            executor,
            input: input.fuse(),
            f: Arc::new(f),
            in_flight: VecDeque::with_capacity(window),
            window,
        }
    }

    /// Submits input items until `window` tasks are in flight or the input is exhausted.
    fn fill(&mut self) {
        while self.in_flight.len() < self.window {
            let Some(item) = self.input.next() else { break };
            let f = Arc::clone(&self.f);
            self.in_flight
                .push_back(self.executor.submit(move || f(item)));
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
            .field("window", &self.window)
            .field("in_flight", &self.in_flight.len())
            .finish_non_exhaustive()
    }
}
