//! Unit tests of the text tables.

use super::*;

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

#[test]
fn numbers_right_text_left() {
    let text = render(
        &["pool", "throughput", "p99"],
        &[
            row(&["static:1", "950.5", "12 ms"]),
            row(&["adaptive", "41000", "-"]),
        ],
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "pool      throughput    p99");
    assert_eq!(lines[1], "--------  ----------  -----");
    assert_eq!(lines[2], "static:1       950.5  12 ms");
    assert_eq!(lines[3], "adaptive       41000      -");
}

#[test]
fn every_line_has_the_same_column_starts() {
    let text = render(
        &["a", "b", "c"],
        &[row(&["xxxxxx", "1", "y"]), row(&["x", "123456", "yyyy"])],
    );
    let starts: Vec<usize> = text
        .lines()
        .map(|l| l.find(|c: char| c != ' ' && c != '-').unwrap_or(0))
        .collect();
    assert!(starts.iter().all(|&s| s == 0), "{text}");
    // The third column starts at the same place on every line.
    let third: Vec<usize> = text
        .lines()
        .skip(2)
        .map(|l| {
            l.char_indices()
                .filter(|(_, c)| *c == 'y')
                .map(|(i, _)| i)
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(third[0], third[1]);
}

#[test]
fn mixed_columns_are_left_aligned() {
    let text = render(&["x"], &[row(&["12"]), row(&["twelve"])]);
    assert_eq!(text, "x\n------\n12\ntwelve\n");
}

#[test]
fn widths_count_characters() {
    let text = render(&["unit", "n"], &[row(&["µs", "1"])]);
    assert_eq!(text, "unit  n\n----  -\nµs    1\n");
}

#[test]
fn ragged_rows() {
    let text = render(&["a", "b"], &[row(&["1"]), row(&["2", "3", "extra"])]);
    assert_eq!(text, "a  b\n-  -  -----\n1\n2  3  extra\n");
}

#[test]
fn numeric_cells() {
    for yes in [
        "0", "-3", "+2", ".5", "-.5", "95%", "1.2x", "3.4 ms", "1,234",
    ] {
        assert!(is_numeric(yes), "{yes}");
    }
    for no in ["static:4", "x1", "-", "", "ms"] {
        assert!(!is_numeric(no), "{no}");
    }
}
