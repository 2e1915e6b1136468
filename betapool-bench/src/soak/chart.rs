//! `soak.svg`: worker threads over time above resident memory over time.

use betapool_harness::svg::{Chart, HLine, Series, line_chart};

use super::arrivals::SECONDS_PER_MINUTE;
use super::memory::{Drift, RSS_DRIFT_LIMIT_PCT};
use super::report::Report;
use super::window::Window;
use crate::units::MIB;

/// The width of one `line_chart` panel, in pixels.
const PANEL_WIDTH: f64 = 800.0;

/// The height of one `line_chart` panel: the stacked chart places its panels this far apart.
const PANEL_HEIGHT: f64 = 450.0;

/// Two panels, one above the other: worker threads over time, and RSS over time.
pub(crate) fn chart(r: &Report) -> String {
    let load_s = r.summary.load_s;
    let x_label = "seconds since the load started".to_string();
    let threads = line_chart(
        &Chart {
            title: format!("soak: pool threads (load until {load_s:.0} s)"),
            x_label: x_label.clone(),
            y_label: "threads".into(),
            x_log2: false,
        },
        &[
            Series {
                name: "most in the second".into(),
                points: r
                    .samples
                    .iter()
                    .map(|s| (s.at_s, s.pool_threads_max as f64))
                    .collect(),
            },
            Series {
                name: "live at the sample".into(),
                points: r
                    .samples
                    .iter()
                    .map(|s| (s.at_s, s.pool_threads as f64))
                    .collect(),
            },
        ],
        &[HLine {
            name: format!("min ({})", r.config.min_threads),
            y: r.config.min_threads as f64,
        }],
    );
    let limits = match &r.summary.drift {
        Drift::Measured {
            first_end_bytes, ..
        } => {
            let first = *first_end_bytes as f64 / MIB;
            vec![
                HLine {
                    name: "end of minute 1".into(),
                    y: first,
                },
                HLine {
                    name: format!("+{RSS_DRIFT_LIMIT_PCT} % limit"),
                    y: first * (1.0 + RSS_DRIFT_LIMIT_PCT / 100.0),
                },
            ]
        }
        Drift::TooShort | Drift::Unmeasured => Vec::new(),
    };
    let rss = line_chart(
        &Chart {
            title: "soak: resident memory (VmRSS)".into(),
            x_label,
            y_label: "MiB".into(),
            x_log2: false,
        },
        &[
            Series {
                name: "RSS, every second".into(),
                points: r
                    .samples
                    .iter()
                    .filter_map(|s| Some((s.at_s, s.rss_bytes? as f64 / MIB)))
                    .collect(),
            },
            Series {
                name: "at rest, end of minute".into(),
                points: r
                    .windows
                    .iter()
                    .filter_map(|w| {
                        let end_s = match w.window {
                            Window::Minute(n) => (n as f64 * SECONDS_PER_MINUTE).min(load_s),
                            Window::AfterLoad => return None,
                        };
                        Some((end_s, w.rest?.rss_bytes as f64 / MIB))
                    })
                    .collect(),
            },
        ],
        &limits,
    );
    stack(&[threads, rss])
}

/// One SVG document with `panels` (each a `line_chart` document) one above the other, as
/// nested `<svg>` elements.
fn stack(panels: &[String]) -> String {
    let height = PANEL_HEIGHT * panels.len() as f64;
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{PANEL_WIDTH}" height="{height}" viewBox="0 0 {PANEL_WIDTH} {height}">"#
    );
    out.push('\n');
    for (i, panel) in panels.iter().enumerate() {
        let y = PANEL_HEIGHT * i as f64;
        out.push_str(&panel.replacen("<svg ", &format!(r#"<svg y="{y}" "#), 1));
        out.push('\n');
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests;
