//! Tests of the resize tally: grows, shrinks and turns land in their windows.

use super::Moves;
use crate::soak::testing::{resize, tally};
use crate::soak::window::Window;

#[test]
fn direction_changes_count_turns_only() {
    let r = [
        resize(1.0, 4, 8),
        resize(2.0, 8, 16),
        resize(3.0, 16, 16), // refused: no direction
        resize(61.0, 16, 4), // a turn, in minute 2
        resize(62.0, 4, 4),
        resize(63.0, 4, 3),
        resize(121.0, 3, 9), // a turn, after a 2-minute load
    ];
    let t = tally(&r, 120.0);
    assert_eq!(t.resizes, 7);
    let moves = |grows, shrinks, direction_changes| Moves {
        grows,
        shrinks,
        direction_changes,
    };
    assert_eq!(t.moves(Window::Minute(1)), moves(2, 0, 0));
    assert_eq!(t.moves(Window::Minute(2)), moves(0, 2, 1));
    assert_eq!(t.moves(Window::AfterLoad), moves(1, 0, 1));
    assert_eq!(t.moves(Window::Minute(9)), Moves::default());
    assert_eq!(t.direction_changes(), 2);
    assert_eq!(tally(&[], 60.0).direction_changes(), 0);
}
