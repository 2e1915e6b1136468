//! Tests of the run counters: lost and duplicated ids are found.

use super::Ledger;

#[test]
fn ledger_finds_lost_and_duplicated_ids() {
    let ledger = Ledger::new(4);
    ledger.record(0);
    ledger.record(1);
    ledger.record(1);
    ledger.record(3);
    ledger.record(99); // out of range: ignored, not a panic
    let a = ledger.audit();
    assert_eq!((a.ran_once, a.lost, a.duplicated), (2, 1, 1));
    assert_eq!((a.lost_ids, a.duplicated_ids), (vec![2], vec![1]));
}
