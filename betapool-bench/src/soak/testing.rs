//! Helpers shared by the soak's tests: resizes and their tally.

use super::tally::{Resize, Tally};

/// A resize at `t_s` seconds from `before` to `after` threads.
pub(crate) fn resize(t_s: f64, before: usize, after: usize) -> Resize {
    Resize { t_s, before, after }
}

/// The tally of `resizes` over a load of `load_s` seconds.
pub(crate) fn tally(resizes: &[Resize], load_s: f64) -> Tally {
    let mut t = Tally::new(1);
    for &r in resizes {
        t.add(r, load_s);
    }
    t
}
