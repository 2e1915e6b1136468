//! The controller's resizes, read from its decision history and counted per window as they
//! are read (grows, shrinks and direction changes), so that nothing grows with the run.

use serde::Serialize;

use super::window::Window;

/// One resize from the controller's decision history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Resize {
    /// Seconds since the pool started, a few milliseconds before the load did.
    pub(crate) t_s: f64,
    pub(crate) before: usize,
    pub(crate) after: usize,
}

/// Which way a resize went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Grow,
    Shrink,
}

impl Resize {
    /// `None` for a resize that did not change the target (a refused one).
    fn direction(&self) -> Option<Direction> {
        match self.after.cmp(&self.before) {
            std::cmp::Ordering::Greater => Some(Direction::Grow),
            std::cmp::Ordering::Less => Some(Direction::Shrink),
            std::cmp::Ordering::Equal => None,
        }
    }
}

/// The resizes of one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Moves {
    pub(crate) grows: usize,
    pub(crate) shrinks: usize,
    /// Resizes that went the other way from the previous one (grow → shrink or shrink → grow),
    /// counted in the window of the later one.
    pub(crate) direction_changes: usize,
}

/// Resizes counted per window as they are read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    /// Index `n − 1` holds minute `n`.
    minutes: Vec<Moves>,
    after_load: Moves,
    /// The direction of the latest resize that changed the target.
    last: Option<Direction>,
    /// Every resize read, refused ones included.
    pub(crate) resizes: usize,
}

impl Tally {
    /// A tally with room for `minutes` minutes, so that it does not grow during the run.
    pub(crate) fn new(minutes: usize) -> Tally {
        Tally {
            minutes: vec![Moves::default(); minutes],
            ..Tally::default()
        }
    }

    pub(crate) fn add(&mut self, r: Resize, load_s: f64) {
        self.resizes += 1;
        let Some(d) = r.direction() else { return };
        let turned = self.last.is_some_and(|l| l != d);
        self.last = Some(d);
        let moves = match Window::of(r.t_s, load_s) {
            Window::AfterLoad => &mut self.after_load,
            Window::Minute(n) => {
                if self.minutes.len() < n {
                    self.minutes.resize(n, Moves::default());
                }
                &mut self.minutes[n - 1]
            }
        };
        match d {
            Direction::Grow => moves.grows += 1,
            Direction::Shrink => moves.shrinks += 1,
        }
        moves.direction_changes += usize::from(turned);
    }

    pub(crate) fn moves(&self, window: Window) -> Moves {
        match window {
            Window::AfterLoad => self.after_load,
            Window::Minute(n) => n
                .checked_sub(1)
                .and_then(|i| self.minutes.get(i))
                .copied()
                .unwrap_or_default(),
        }
    }

    pub(crate) fn direction_changes(&self) -> usize {
        self.minutes
            .iter()
            .chain([&self.after_load])
            .map(|m| m.direction_changes)
            .sum()
    }
}

#[cfg(test)]
mod tests;
