//! What one client saw: the latency of every successful answer in the measurement, and every
//! error, counted by kind and never dropped.

use std::io;
use std::time::Instant;

use super::client::{self, Response};
use super::latency::Endpoint;
use super::results::Errors;
use super::window::Window;

/// One client's answers and errors.
#[derive(Debug, Default)]
pub(crate) struct ClientLog {
    pub(crate) answers: Vec<Answer>,
    pub(crate) errors: Errors,
    pub(crate) connections: u64,
    pub(crate) retries: u64,
}

/// A successful answer to a request sent during the measurement.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answer {
    pub(crate) endpoint: Endpoint,
    pub(crate) latency_us: u64,
    /// Whether it came before the measurement ended.
    pub(crate) in_window: bool,
}

impl ClientLog {
    /// Records the outcome of a request sent at `sent` and settled at `settled`: in the
    /// warm-up only its errors are counted (apart); in the measurement, a 2xx answer's
    /// latency, or the error.
    pub(crate) fn record(
        &mut self,
        endpoint: Endpoint,
        outcome: &io::Result<Response>,
        sent: Instant,
        settled: Instant,
        window: Window,
    ) {
        let measured = sent >= window.start;
        match outcome {
            Ok(response) if response.is_success() => {
                if measured {
                    self.answers.push(Answer {
                        endpoint,
                        latency_us: u64::try_from(settled.duration_since(sent).as_micros())
                            .unwrap_or(u64::MAX),
                        in_window: settled <= window.end,
                    });
                }
            }
            Ok(_) | Err(_) if !measured => self.errors.warmup += 1,
            Ok(response) => {
                self.errors.total += 1;
                *self.errors.by_status.entry(response.status).or_default() += 1;
            }
            Err(e) => {
                self.errors.total += 1;
                *self
                    .errors
                    .by_io_kind
                    .entry(client::error_kind(e).into())
                    .or_default() += 1;
            }
        }
        if let Err(e) = outcome {
            self.errors
                .first_io_error
                .get_or_insert_with(|| e.to_string());
        }
    }

    /// All clients' logs as one.
    pub(crate) fn merge(logs: Vec<ClientLog>) -> ClientLog {
        let mut all = ClientLog::default();
        for log in logs {
            all.answers.extend(log.answers);
            let e = log.errors;
            all.errors.total += e.total;
            all.errors.warmup += e.warmup;
            for (status, n) in e.by_status {
                *all.errors.by_status.entry(status).or_default() += n;
            }
            for (kind, n) in e.by_io_kind {
                *all.errors.by_io_kind.entry(kind).or_default() += n;
            }
            if all.errors.first_io_error.is_none() {
                all.errors.first_io_error = e.first_io_error;
            }
            all.connections += log.connections;
            all.retries += log.retries;
        }
        all
    }
}

#[cfg(test)]
mod tests;
