//! Tests of the soak's chart: the panels are stacked one per row.

use super::stack;

#[test]
fn stacked_chart_nests_one_panel_per_row() {
    let svg = stack(&["<svg a>1</svg>".into(), "<svg b>2</svg>".into()]);
    assert!(svg.starts_with("<svg xmlns="));
    assert!(svg.contains(r#"height="900""#));
    assert!(svg.contains(r#"<svg y="0" a>1</svg>"#));
    assert!(svg.contains(r#"<svg y="450" b>2</svg>"#));
    assert!(svg.ends_with("</svg>"));
}
