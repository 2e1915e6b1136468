//! The futures a caller holds: [`Infer`] for one request and [`InferMany`] for several in order.
//! Plain `std::future::Future`s, so any async runtime can await them; `wait` blocks instead.
//! Dropping an `Infer` before a batch takes its request cancels the request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::InferError;
use crate::block_on::block_on;
use crate::loom::std_only::Arc;
use crate::queue::CancelSlot;
use crate::slot::{QUEUED, Slot};

/// One request's output, to `.await` (from any runtime) or to [`wait`](Infer::wait) for.
///
/// Dropping it while its request is still queued cancels the request: no batch will carry it,
/// and the runtime's stats count it once as cancelled. Once a batch has taken the request,
/// dropping the future only discards the output.
#[must_use = "a request whose future is dropped while queued is cancelled"]
pub struct Infer<O> {
    inner: Inner<O>,
}

enum Inner<O> {
    /// Refused at once; the error is handed out on the first poll.
    Ready(Option<InferError>),
    Queued {
        slot: Arc<Slot<O>>,
        queue: Arc<dyn CancelSlot<O>>,
        weight: u32,
        done: bool,
    },
}

impl<O> Infer<O> {
    pub(crate) fn refused(error: InferError) -> Self {
        Self {
            inner: Inner::Ready(Some(error)),
        }
    }

    pub(crate) fn queued(slot: Arc<Slot<O>>, queue: Arc<dyn CancelSlot<O>>, weight: u32) -> Self {
        Self {
            inner: Inner::Queued {
                slot,
                queue,
                weight,
                done: false,
            },
        }
    }

    /// Blocks the calling thread until the output (or the error) is ready.
    ///
    /// Do not call this from a thread that an async runtime drives: `.await` the future there.
    pub fn wait(self) -> Result<O, InferError> {
        block_on(self)
    }
}

// Neither future pins anything it holds: outputs are moved, never borrowed across polls.
impl<O> Unpin for Infer<O> {}
impl<O> Unpin for InferMany<O> {}

impl<O> Future for Infer<O> {
    type Output = Result<O, InferError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `Infer` holds no self-references, so it is `Unpin` and can be reached through the pin.
        match &mut self.get_mut().inner {
            Inner::Ready(error) => match error.take() {
                Some(e) => Poll::Ready(Err(e)),
                None => panic!("`Infer` polled after it completed"),
            },
            Inner::Queued { slot, done, .. } => {
                let out = slot.poll(cx);
                if out.is_ready() {
                    *done = true;
                }
                out
            }
        }
    }
}

impl<O> Drop for Infer<O> {
    fn drop(&mut self) {
        if let Inner::Queued {
            slot,
            queue,
            weight,
            done: false,
        } = &self.inner
        {
            // The state read is a hint that spares the lock when a batch has taken the request;
            // `cancel_slot` decides under the lock.
            if slot.state() == QUEUED {
                queue.cancel_slot(slot, *weight);
            }
        }
    }
}

impl<O> fmt::Debug for Infer<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.inner {
            Inner::Ready(_) => "refused",
            Inner::Queued { done: true, .. } => "done",
            Inner::Queued { .. } => "accepted",
        };
        f.debug_struct("Infer").field("state", &state).finish()
    }
}

/// Several requests' outputs, in the order of their inputs: each is its own `Result`, since
/// one request can be refused or fail while the others succeed.
#[must_use = "requests whose futures are dropped while queued are cancelled"]
pub struct InferMany<O> {
    parts: Vec<Infer<O>>,
    out: Vec<Option<Result<O, InferError>>>,
    left: usize,
}

impl<O> InferMany<O> {
    pub(crate) fn new(parts: Vec<Infer<O>>) -> Self {
        let n = parts.len();
        Self {
            parts,
            out: (0..n).map(|_| None).collect(),
            left: n,
        }
    }

    /// Blocks the calling thread until every output is ready.
    pub fn wait(self) -> Vec<Result<O, InferError>> {
        block_on(self)
    }
}

impl<O> Future for InferMany<O> {
    type Output = Vec<Result<O, InferError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        for (part, out) in this.parts.iter_mut().zip(this.out.iter_mut()) {
            if out.is_none()
                && let Poll::Ready(r) = Pin::new(part).poll(cx)
            {
                *out = Some(r);
                this.left -= 1;
            }
        }
        if this.left > 0 {
            return Poll::Pending;
        }
        Poll::Ready(
            std::mem::take(&mut this.out)
                .into_iter()
                .map(|r| r.expect("every part is ready"))
                .collect(),
        )
    }
}

impl<O> fmt::Debug for InferMany<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InferMany")
            .field("requests", &self.parts.len())
            .field("pending", &self.left)
            .finish()
    }
}
