//! Hand-written SVG line charts, with no plotting dependency: axes with ticks, a legend,
//! distinct colours, and dashed horizontal lines for pools that size themselves.
//!
//! ```
//! use betapool_harness::svg::{Chart, HLine, Series, line_chart};
//!
//! let chart = Chart {
//!     title: "io: throughput by pool size".into(),
//!     x_label: "threads".into(),
//!     y_label: "tasks/s".into(),
//!     x_log2: true,
//! };
//! let sweep = Series { name: "static".into(), points: vec![(1.0, 900.0), (8.0, 7000.0), (64.0, 41000.0)] };
//! let adaptive = HLine { name: "adaptive".into(), y: 39000.0 };
//! let svg = line_chart(&chart, &[sweep], &[adaptive]);
//! assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
//! ```

use std::fmt::Write as _;

use self::scale::Axis;

mod scale;

/// Chart width in pixels.
const WIDTH: f64 = 800.0;
/// Chart height in pixels.
const HEIGHT: f64 = 450.0;
/// Room left of the plot for the y tick labels and the y label.
const MARGIN_LEFT: f64 = 80.0;
/// Room right of the plot for the legend (names of about 25 characters).
const MARGIN_RIGHT: f64 = 200.0;
/// Room above the plot for the title.
const MARGIN_TOP: f64 = 45.0;
/// Room below the plot for the x tick labels and the x label.
const MARGIN_BOTTOM: f64 = 60.0;
/// Vertical distance between legend entries.
const LEGEND_ROW: f64 = 20.0;

/// Tableau 10: ten colours chosen to stay distinct from each other, also for the common forms
/// of colour blindness. Series take them in order, then horizontal lines; past ten they repeat.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// One line of the chart: named points, drawn in the order given.
///
/// # Examples
///
/// ```
/// let s = betapool_harness::svg::Series { name: "static".into(), points: vec![(1.0, 2.0), (2.0, 3.5)] };
/// assert_eq!(s.points.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The name in the legend.
    pub name: String,
    /// `(x, y)` points; non-finite ones (and, on a log₂ axis, those with `x <= 0`) are left out.
    pub points: Vec<(f64, f64)>,
}

/// A dashed horizontal line across the chart: the result of a pool that sized itself, drawn
/// over a sweep of fixed sizes.
///
/// # Examples
///
/// ```
/// let line = betapool_harness::svg::HLine { name: "adaptive".into(), y: 1234.0 };
/// assert_eq!(line.y, 1234.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct HLine {
    /// The name in the legend.
    pub name: String,
    /// Where the line is drawn; a non-finite value is left out.
    pub y: f64,
}

/// The chart's title, axis labels and x scale.
///
/// # Examples
///
/// ```
/// let chart = betapool_harness::svg::Chart {
///     title: "threads over time".into(),
///     x_label: "seconds".into(),
///     y_label: "threads".into(),
///     x_log2: false,
/// };
/// assert!(!chart.x_log2);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chart {
    /// Shown above the plot.
    pub title: String,
    /// Shown under the x axis.
    pub x_label: String,
    /// Shown beside the y axis.
    pub y_label: String,
    /// Whether the x axis is log₂ (for pool-size sweeps 1, 2, 4 … 512), ticked at powers of two.
    pub x_log2: bool,
}

/// A standalone SVG document of `series` as lines with markers and `hlines` as dashed
/// horizontal lines, with axes, ticks, grid and a legend.
///
/// The y axis always includes zero, so heights compare honestly. Text is escaped, so names may
/// contain `<`, `&` and quotes. With no drawable points the axes are still drawn.
///
/// # Examples
///
/// ```
/// use betapool_harness::svg::{Chart, Series, line_chart};
///
/// let chart = Chart { title: "a < b & c".into(), ..Chart::default() };
/// let svg = line_chart(&chart, &[Series { name: "t".into(), points: vec![(0.0, 1.0), (1.0, 3.0)] }], &[]);
/// assert!(svg.contains("a &lt; b &amp; c"));
/// assert!(svg.contains("<polyline"));
/// ```
pub fn line_chart(chart: &Chart, series: &[Series], hlines: &[HLine]) -> String {
    let x_of = |x: f64| if chart.x_log2 { x.log2() } else { x };
    let drawable: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| {
            s.points
                .iter()
                .filter(|(x, _)| !(chart.x_log2 && *x <= 0.0))
                .map(|&(x, y)| (x_of(x), y))
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .collect()
        })
        .collect();
    let lines: Vec<&HLine> = hlines.iter().filter(|h| h.y.is_finite()).collect();

    let xs = || drawable.iter().flatten().map(|p| p.0);
    let ys = drawable
        .iter()
        .flatten()
        .map(|p| p.1)
        .chain(lines.iter().map(|h| h.y));
    let (x_min, x_max) = bounds(xs()).unwrap_or((0.0, if chart.x_log2 { 3.0 } else { 1.0 }));
    let (y_min, y_max) = bounds(ys).unwrap_or((0.0, 1.0));
    let x_axis = if chart.x_log2 {
        Axis::log2(x_min, x_max)
    } else {
        Axis::linear(x_min, x_max)
    };
    let y_axis = Axis::linear(y_min.min(0.0), y_max.max(0.0));

    let (left, right) = (MARGIN_LEFT, WIDTH - MARGIN_RIGHT);
    let (top, bottom) = (MARGIN_TOP, HEIGHT - MARGIN_BOTTOM);
    let px = |x: f64| x_axis.map(x, left, right);
    let py = |y: f64| y_axis.map(y, bottom, top);

    let mut out = String::new();
    // `write!` into a `String` cannot fail.
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&chart.title));
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="26" text-anchor="middle" font-size="16" font-weight="bold">{}</text>"#,
        (left + right) / 2.0,
        escape(&chart.title)
    );

    // Grid and tick labels.
    let _ = writeln!(out, r##"<g stroke="#e0e0e0" stroke-width="1">"##);
    for &t in &x_axis.ticks {
        let x = px(t);
        let _ = writeln!(
            out,
            r#"<line x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{bottom:.1}"/>"#
        );
    }
    for &t in &y_axis.ticks {
        let y = py(t);
        let _ = writeln!(
            out,
            r#"<line x1="{left:.1}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}"/>"#
        );
    }
    let _ = writeln!(out, "</g>");
    let _ = writeln!(out, r##"<g fill="#333">"##);
    for (&t, label) in x_axis.ticks.iter().zip(&x_axis.labels) {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            px(t),
            bottom + 18.0,
            escape(label)
        );
    }
    for (&t, label) in y_axis.ticks.iter().zip(&y_axis.labels) {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            py(t) + 4.0,
            escape(label)
        );
    }
    let _ = writeln!(out, "</g>");

    // Axes and their labels.
    let _ = writeln!(
        out,
        r##"<path d="M{left:.1},{top:.1} V{bottom:.1} H{right:.1}" fill="none" stroke="#333" stroke-width="1.5"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        (left + right) / 2.0,
        HEIGHT - 16.0,
        escape(&chart.x_label)
    );
    let y_mid = (top + bottom) / 2.0;
    let _ = writeln!(
        out,
        r#"<text x="20" y="{y_mid:.1}" text-anchor="middle" transform="rotate(-90 20 {y_mid:.1})">{}</text>"#,
        escape(&chart.y_label)
    );

    // Data.
    for (i, points) in drawable.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let _ = writeln!(out, r#"<g stroke="{colour}" fill="{colour}">"#);
        if points.len() > 1 {
            let path: Vec<String> = points
                .iter()
                .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
                .collect();
            let _ = writeln!(
                out,
                r#"<polyline fill="none" stroke-width="2" points="{}"/>"#,
                path.join(" ")
            );
        }
        for &(x, y) in points {
            let _ = writeln!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3"/>"#,
                px(x),
                py(y)
            );
        }
        let _ = writeln!(out, "</g>");
    }
    for (i, line) in lines.iter().enumerate() {
        let colour = PALETTE[(series.len() + i) % PALETTE.len()];
        let y = py(line.y);
        let _ = writeln!(
            out,
            r#"<line x1="{left:.1}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="6 4"/>"#
        );
    }

    // Legend.
    let legend_x = right + 20.0;
    let entries = series
        .iter()
        .map(|s| (s.name.as_str(), false))
        .chain(lines.iter().map(|h| (h.name.as_str(), true)));
    for (i, (name, dashed)) in entries.enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let y = top + 10.0 + i as f64 * LEGEND_ROW;
        let dash = if dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            out,
            r#"<line x1="{legend_x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2"{dash}/>"#,
            legend_x + 24.0
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            legend_x + 30.0,
            y + 4.0,
            escape(name)
        );
    }
    out.push_str("</svg>");
    out
}

/// The smallest and largest of `values`, or `None` if there are none.
fn bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// `text` with the five XML special characters escaped, safe in element text and in
/// double-quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
