//! Unit tests of the SVG charts and their axis arithmetic.

use super::scale::{Axis, format_tick, nice_step};
use super::*;

fn chart(log: bool) -> Chart {
    Chart {
        title: "Throughput <by> pool & size".into(),
        x_label: "threads".into(),
        y_label: "tasks/s".into(),
        x_log2: log,
    }
}

fn sweep() -> Vec<Series> {
    vec![
        Series {
            name: "io <static>".into(),
            points: vec![
                (1.0, 900.0),
                (2.0, 1800.0),
                (64.0, 52_000.0),
                (512.0, 61_000.0),
            ],
        },
        Series {
            name: "cpu & more".into(),
            points: vec![(1.0, 9000.0), (2.0, 17_000.0), (64.0, 12_000.0)],
        },
    ]
}

/// Every `<` opens a tag and every `&` starts an entity: the parse-light check that the
/// document is well-formed enough to open.
fn assert_well_formed(svg: &str) {
    assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    assert!(svg.ends_with("</svg>"));
    assert_eq!(svg.matches("<svg").count(), 1);
    for (i, _) in svg.match_indices('<') {
        let next = svg[i + 1..].chars().next().unwrap();
        assert!(next.is_ascii_alphabetic() || next == '/', "stray < at {i}");
    }
    for (i, _) in svg.match_indices('&') {
        let rest = &svg[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "bare & at {i}"
        );
    }
    let opened = svg.matches("<g ").count();
    assert_eq!(opened, svg.matches("</g>").count());
}

#[test]
fn chart_is_well_formed_with_names_escaped() {
    let hlines = [HLine {
        name: "adaptive \"auto\"".into(),
        y: 58_000.0,
    }];
    let svg = line_chart(&chart(true), &sweep(), &hlines);
    assert_well_formed(&svg);
    assert!(svg.contains("io &lt;static&gt;"));
    assert!(svg.contains("cpu &amp; more"));
    assert!(svg.contains("adaptive &quot;auto&quot;"));
    assert!(svg.contains("Throughput &lt;by&gt; pool &amp; size"));
    assert!(svg.contains("stroke-dasharray"));
    assert_eq!(svg.matches("<polyline").count(), 2);
}

#[test]
fn series_get_distinct_colours() {
    let many: Vec<Series> = (0..10)
        .map(|i| Series {
            name: format!("s{i}"),
            points: vec![(0.0, f64::from(i)), (1.0, f64::from(i + 1))],
        })
        .collect();
    let svg = line_chart(&chart(false), &many, &[]);
    for colour in PALETTE {
        assert!(svg.contains(&format!(r#"stroke="{colour}" fill="{colour}""#)));
    }
}

#[test]
fn empty_and_odd_inputs_still_draw_axes() {
    for series in [
        vec![],
        vec![Series {
            name: "nan".into(),
            points: vec![(f64::NAN, 1.0), (1.0, f64::INFINITY)],
        }],
        vec![Series {
            name: "one".into(),
            points: vec![(3.0, 3.0)],
        }],
        vec![Series {
            name: "non-positive x on a log axis".into(),
            points: vec![(0.0, 1.0), (-2.0, 1.0)],
        }],
    ] {
        for log in [false, true] {
            let svg = line_chart(&chart(log), &series, &[]);
            assert_well_formed(&svg);
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }
}

#[test]
fn log_axis_ticks_are_powers_of_two() {
    let axis = Axis::log2(0.0, 9.0);
    assert_eq!(axis.labels.first().map(String::as_str), Some("1"));
    assert_eq!(axis.labels.last().map(String::as_str), Some("512"));
    assert_eq!(axis.ticks.len(), 10);
    let wide = Axis::log2(0.0, 40.0);
    assert!(wide.ticks.len() <= 13, "{:?}", wide.ticks);
}

#[test]
fn linear_axis_covers_the_data_with_nice_ticks() {
    let axis = Axis::linear(0.0, 61_000.0);
    assert!(axis.lo <= 0.0 && axis.hi >= 61_000.0);
    assert_eq!(axis.labels.first().map(String::as_str), Some("0"));
    assert!(
        axis.labels.iter().all(|l| l.ends_with('k') || l == "0"),
        "{:?}",
        axis.labels
    );
    let flat = Axis::linear(5.0, 5.0);
    assert!(flat.hi > flat.lo);
}

#[test]
fn nice_steps() {
    assert_eq!(nice_step(0.7), 1.0);
    assert_eq!(nice_step(1.5), 2.0);
    assert_eq!(nice_step(3.0), 5.0);
    assert_eq!(nice_step(7.0), 10.0);
    assert_eq!(nice_step(1200.0), 2000.0);
    assert_eq!(nice_step(0.0), 1.0);
}

#[test]
fn tick_labels() {
    assert_eq!(format_tick(0.0, 0.2), "0");
    assert_eq!(format_tick(0.4, 0.2), "0.4");
    assert_eq!(format_tick(2500.0, 500.0), "2500");
    assert_eq!(format_tick(20_000.0, 10_000.0), "20k");
    assert_eq!(format_tick(10_500.0, 500.0), "10.5k");
    assert_eq!(format_tick(30_000_000.0, 10_000_000.0), "30M");
    assert_eq!(format_tick(-0.000_000_000_1, 0.5), "0");
}
