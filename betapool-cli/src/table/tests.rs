//! Unit tests of table layout.

use super::{Align, Table};

#[test]
fn smoke_aligns_columns() {
    let mut t = Table::new(&[("pool", Align::Left), ("tasks/s", Align::Right)]);
    t.push(vec!["static-2".into(), "950".into()]);
    t.push(vec!["static-128".into(), "12000".into()]);
    assert_eq!(
        t.render(),
        "pool        tasks/s\n\
         ----------  -------\n\
         static-2        950\n\
         static-128    12000\n"
    );
}

#[test]
fn short_rows_are_padded_and_long_rows_cut() {
    let mut t = Table::new(&[("a", Align::Right), ("b", Align::Left)]);
    t.push(vec!["1".into()]);
    t.push(vec!["2".into(), "x".into(), "dropped".into()]);
    assert_eq!(t.render(), "a  b\n-  -\n1\n2  x\n");
}

#[test]
fn width_counts_characters() {
    let mut t = Table::new(&[("µs", Align::Right)]);
    t.push(vec!["5".into()]);
    assert_eq!(t.render(), "µs\n--\n 5\n");
}
