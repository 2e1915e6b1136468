//! The progress bar of a sequence of runs (indicatif, on stderr), hidden when stderr is not a
//! terminal so that logs, pipes and tests get clean output.

use std::cell::Cell;
use std::io::IsTerminal;
use std::sync::Arc;

use betapool_harness::ProgressFn;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What the bar shows: time so far, the bar, tasks finished over all runs, the current run.
const TEMPLATE: &str = "{elapsed_precise} [{bar:30}] {pos}/{len} tasks  {msg}";

/// One bar over all the runs of a subcommand, counting tasks: each run's finished tasks are
/// added to those of the runs before it.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: ProgressBar,
    /// Tasks of the runs already over. Only the main thread touches it; the callbacks handed
    /// to the harness get a copy.
    done: Cell<u64>,
}

impl Progress {
    /// A bar for `total` tasks over all runs. indicatif's stderr target already draws nothing
    /// when stderr is not a terminal; choosing the hidden target then says so outright.
    pub(crate) fn new(total: u64) -> Progress {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        // The template is a constant; should indicatif ever reject it, its default style is
        // still a progress bar.
        if let Ok(style) = ProgressStyle::with_template(TEMPLATE) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress {
            bar,
            done: Cell::new(0),
        }
    }

    /// Shows `label` as the current run, and returns the callback the harness calls (from its
    /// sampler thread) with that run's finished and total tasks.
    pub(crate) fn start_run(&self, label: String) -> ProgressFn {
        self.bar.set_message(label);
        let (bar, before) = (self.bar.clone(), self.done.get());
        Arc::new(move |finished, _total| bar.set_position(before + finished))
    }

    /// Counts a run of `tasks` tasks as over.
    pub(crate) fn end_run(&self, tasks: u64) {
        self.done.set(self.done.get() + tasks);
        self.bar.set_position(self.done.get());
    }
}

impl Drop for Progress {
    /// Removes the bar, whether the runs ended or an error cut them short, so that the report
    /// or the error line is not printed after a stale bar.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
