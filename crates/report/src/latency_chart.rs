//! The latency distribution drawn as HdrHistogram plots draw it: latency (linear,
//! milliseconds) against the percentile on a log scale of 1/(1-p), so that 90%,
//! 99%, 99.9% get equal room and the tail is visible. The input is the encoded
//! histogram that report.json carries (V2 + DEFLATE, base64, microseconds); the
//! output is geometry (numbers and tick labels) that the HTML template draws as
//! inline SVG. No markup is produced here.

use base64::Engine as _;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::Deserializer;

/// The SVG's coordinate space; the browser scales it to the page width.
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

/// Percentile curves drawn as far as 99.9999% at most.
const MAX_NINES: u32 = 6;
/// Curves overlaid on one chart: the whole run plus up to this many probes.
pub const MAX_SERIES: usize = 6;

/// Reads an encoded histogram; `None` when it is empty or not a histogram.
pub fn decode(encoded: &str) -> Option<Histogram<u64>> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let histogram: Histogram<u64> = Deserializer::new().deserialize(&mut &bytes[..]).ok()?;
    (!histogram.is_empty()).then_some(histogram)
}

/// One curve: (quantile 0..=1, latency in ms) at HdrHistogram's percentile steps.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub count: u64,
    pub points: Vec<(f64, f64)>,
}

impl Series {
    pub fn from_histogram(label: impl Into<String>, histogram: &Histogram<u64>) -> Self {
        let points = histogram
            .iter_quantiles(5)
            .map(|step| {
                let micros = histogram.highest_equivalent(step.value_iterated_to());
                (step.quantile_iterated_to(), micros as f64 / 1000.0)
            })
            .collect();
        Series {
            label: label.into(),
            count: histogram.len(),
            points,
        }
    }

    fn max_ms(&self) -> f64 {
        self.points.iter().map(|(_, ms)| *ms).fold(0.0, f64::max)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Position along the axis, in SVG units.
    pub at: f64,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Curve {
    pub label: String,
    pub count: u64,
    /// An SVG path (`M x,y L x,y ...`): numbers only.
    pub path: String,
    /// Index into the template's palette.
    pub colour: usize,
}

/// A horizontal line for a latency threshold.
#[derive(Debug, Clone)]
pub struct LimitLine {
    pub y: f64,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub curves: Vec<Curve>,
    pub limits: Vec<LimitLine>,
}

/// Lays out the curves (the first is the whole run) and the threshold lines
/// `(label, ms)` that fall within the drawn range. `None` with nothing to draw.
pub fn lay_out(series: &[Series], limits: &[(String, f64)]) -> Option<Chart> {
    let series: Vec<&Series> = series
        .iter()
        .filter(|s| !s.points.is_empty())
        .take(MAX_SERIES)
        .collect();
    let largest = series.iter().map(|s| s.count).max()?;
    // Beyond 1/count the curve is flat at the maximum: show one decade past it.
    let nines = (largest.max(1) as f64)
        .log10()
        .ceil()
        .clamp(2.0, f64::from(MAX_NINES));
    let data_max = series.iter().map(|s| s.max_ms()).fold(0.0, f64::max);
    // A limit line widens the range only when it stays readable next to the data.
    let limits: Vec<&(String, f64)> = limits
        .iter()
        .filter(|(_, ms)| ms.is_finite() && *ms > 0.0 && *ms <= data_max.max(0.001) * 3.0)
        .collect();
    let top_ms = limits.iter().map(|(_, ms)| *ms).fold(data_max, f64::max);
    let (y_max, y_step) = nice_axis(top_ms * 1.05);

    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x_of = |quantile: f64| {
        let decades = if quantile >= 1.0 {
            nines
        } else {
            (1.0 / (1.0 - quantile)).log10().min(nines)
        };
        LEFT + plot_w * decades / nines
    };
    let y_of = |ms: f64| TOP + plot_h * (1.0 - (ms / y_max).clamp(0.0, 1.0));

    let x_ticks = (0..=nines as u32)
        .map(|decade| Tick {
            at: LEFT + plot_w * f64::from(decade) / nines,
            label: nines_label(decade),
        })
        .collect();
    let steps = (y_max / y_step).round() as u32;
    let y_ticks = (0..=steps)
        .map(|step| {
            let ms = f64::from(step) * y_step;
            Tick {
                at: y_of(ms),
                label: axis_ms(ms, y_step),
            }
        })
        .collect();
    let curves = series
        .iter()
        .enumerate()
        .map(|(colour, s)| {
            let mut path = String::new();
            let mut last: Option<(f64, f64)> = None;
            for &(quantile, ms) in &s.points {
                let point = (round1(x_of(quantile)), round1(y_of(ms)));
                if last == Some(point) {
                    continue;
                }
                let verb = if last.is_none() { 'M' } else { 'L' };
                path.push_str(&format!("{verb}{},{} ", point.0, point.1));
                last = Some(point);
            }
            Curve {
                label: s.label.clone(),
                count: s.count,
                path: path.trim_end().to_string(),
                colour,
            }
        })
        .collect();
    let limits = limits
        .iter()
        .map(|(label, ms)| LimitLine {
            y: round1(y_of(*ms)),
            label: label.clone(),
        })
        .collect();
    Some(Chart {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: WIDTH - RIGHT,
        top: TOP,
        bottom: HEIGHT - BOTTOM,
        x_ticks,
        y_ticks,
        curves,
        limits,
    })
}

/// `0%`, `90%`, `99%`, `99.9%`... for 0, 1, 2, 3... decades of 1/(1-p).
fn nines_label(decade: u32) -> String {
    match decade {
        0 => "0%".to_string(),
        1 => "90%".to_string(),
        n => format!("99.{}%", "9".repeat(n as usize - 2)).replace(".%", "%"),
    }
}

/// A round axis maximum at or above `value`, and a step giving 4 to 6 intervals.
fn nice_axis(value: f64) -> (f64, f64) {
    let value = if value.is_finite() && value > 0.0 {
        value
    } else {
        1.0
    };
    let rough = value / 5.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|step| value / step <= 6.0)
        .unwrap_or(10.0 * magnitude);
    ((value / step).ceil() * step, step)
}

fn axis_ms(ms: f64, step: f64) -> String {
    if step >= 1000.0 {
        format!("{} s", trim(ms / 1000.0))
    } else {
        format!("{} ms", trim(ms))
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use observe::latency::LatencyHistogram;
    use std::time::Duration;

    fn histogram(values_ms: impl IntoIterator<Item = u64>) -> Histogram<u64> {
        let mut latency = LatencyHistogram::new();
        for ms in values_ms {
            latency.record(Duration::from_millis(ms));
        }
        decode(&latency.encode()).expect("decodes what the run encodes")
    }

    #[test]
    fn decodes_the_encoded_histogram() {
        let decoded = histogram(1..=100);
        assert_eq!(decoded.len(), 100);
        assert_eq!(decoded.value_at_quantile(0.95) / 1000, 95);
        assert!(decode("").is_none());
        assert!(decode("not base64!").is_none());
        assert!(decode(&LatencyHistogram::new().encode()).is_none());
    }

    #[test]
    fn x_axis_is_logarithmic_in_nines() {
        let series = Series::from_histogram("all", &histogram(1..=1500));
        let chart = lay_out(&[series], &[]).expect("a chart");
        let labels: Vec<&str> = chart.x_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0%", "90%", "99%", "99.9%", "99.99%"]);
        // Equal room per decade.
        let gaps: Vec<f64> = chart
            .x_ticks
            .windows(2)
            .map(|pair| pair[1].at - pair[0].at)
            .collect();
        assert!(
            gaps.windows(2).all(|g| (g[0] - g[1]).abs() < 1e-9),
            "{gaps:?}"
        );
    }

    #[test]
    fn curve_rises_to_the_maximum_at_the_right_edge() {
        let series = Series::from_histogram("all", &histogram((1..=99).chain([900])));
        let chart = lay_out(&[series], &[]).expect("a chart");
        let path = &chart.curves[0].path;
        assert!(path.starts_with('M'), "{path}");
        let last = path.rsplit(' ').next().expect("a point");
        let (x, y) = last
            .trim_start_matches(['M', 'L'])
            .split_once(',')
            .expect("x,y");
        let (x, y): (f64, f64) = (x.parse().expect("x"), y.parse().expect("y"));
        assert!((x - (WIDTH - RIGHT)).abs() < 0.11, "{x}");
        // 900 ms on an axis that ends at 1000 ms.
        let top = y_for(&chart, 1000.0);
        assert!(y < chart.bottom && y > top, "{y}");
        assert_eq!(
            chart.y_ticks.last().map(|t| t.label.as_str()),
            Some("1000 ms")
        );
        // Only numbers and path verbs: nothing the template would have to escape.
        assert!(
            path.chars()
                .all(|c| c.is_ascii_digit() || " .,ML".contains(c)),
            "{path}"
        );
    }

    fn y_for(chart: &Chart, ms: f64) -> f64 {
        let max: f64 = 1000.0;
        chart.top + (chart.bottom - chart.top) * (1.0 - ms / max)
    }

    #[test]
    fn limit_lines_are_drawn_only_near_the_data() {
        let series = Series::from_histogram("all", &histogram(1..=100));
        let chart = lay_out(
            &[series],
            &[
                ("p95 <= 150 ms".into(), 150.0),
                ("p95 <= 5 s".into(), 5000.0),
            ],
        )
        .expect("a chart");
        assert_eq!(chart.limits.len(), 1);
        assert_eq!(chart.limits[0].label, "p95 <= 150 ms");
    }

    #[test]
    fn nice_axes() {
        assert_eq!(nice_axis(0.93), (1.0, 0.2));
        assert_eq!(nice_axis(105.0), (120.0, 20.0));
        assert_eq!(nice_axis(1054.0), (1200.0, 200.0));
        assert_eq!(nice_axis(0.0), (1.0, 0.2));
        assert_eq!(nines_label(2), "99%");
        assert_eq!(nines_label(4), "99.99%");
    }
}
