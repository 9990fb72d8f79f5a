//! metrics.prom: the report as OpenMetrics text, for Prometheus's node-exporter
//! textfile collector or a Pushgateway. Rendered from the same [`Report`] as every
//! other format; nothing here is measured anew.
//!
//! Every series is labelled `service` (the scenario identity), `region` (the region
//! code, else its name, else empty) and `vantage` (`--vantage`, `default` without
//! one; `all` for figures combined by `ujilab merge` from several vantages, whose
//! per-vantage availability and p95 carry each vantage's name). Families:
//!
//! | family | type | what |
//! |---|---|---|
//! | `ujilab_gate_passed` | gauge | 1 when the scenario passed its gate |
//! | `ujilab_probe_success` | gauge | 1 when the probe passed (label `probe`) |
//! | `ujilab_probe_duration_seconds` | gauge | the functional exchange's latency |
//! | `ujilab_latency_seconds` | histogram | from the HDR histogram: `source="load"` (the load run) or `source="probes"` (functional and availability exchanges) |
//! | `ujilab_availability_ratio` | gauge | up / samples |
//! | `ujilab_error_ratio` | gauge | failed / requests of the load run |
//! | `ujilab_load_rate_sustained` | gauge | open model: 1 when the target rate held, 0 when not |
//! | `ujilab_p95_seconds` | gauge | per vantage after a merge of several |
//! | `ujilab_standards_index` | gauge | the index, 1.00 to 5.00 |
//! | `ujilab_rule_level` | gauge | each levelled rule (labels `rule`, `aspect`) |
//!
//! and first `ujilab_run_info{run_id, version} 1` (a gauge without the scenario
//! labels, as Prometheus's `*_info` series are: promtool's text parser knows no
//! `info` type), so that the file names the run it comes from, as every file of a
//! report set does.

use std::fmt::Write as _;

use observe::latency::LatencyHistogram;

use crate::model::{Gate, Report, ScenarioEntry, ScenarioReport};

/// Bucket bounds in seconds: from 1 ms to 1 min, roughly 1-2.5-5 per decade.
const BUCKETS: [f64; 16] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0,
];

/// One metric family: its name, type, unit, help and samples (already formatted).
struct Family {
    name: &'static str,
    kind: &'static str,
    unit: Option<&'static str>,
    help: &'static str,
    samples: Vec<String>,
}

impl Family {
    fn new(
        name: &'static str,
        kind: &'static str,
        unit: Option<&'static str>,
        help: &'static str,
    ) -> Self {
        Family {
            name,
            kind,
            unit,
            help,
            samples: Vec::new(),
        }
    }

    fn push(&mut self, suffix: &str, labels: &Labels, extra: &[(&str, &str)], value: f64) {
        self.samples.push(format!(
            "{}{suffix}{} {}",
            self.name,
            labels.render(extra),
            number(value)
        ));
    }
}

/// The labels every series of a scenario carries.
struct Labels {
    service: String,
    region: String,
    vantage: String,
}

impl Labels {
    fn render(&self, extra: &[(&str, &str)]) -> String {
        let mut out = String::from("{");
        let base = [
            ("service", self.service.as_str()),
            ("region", self.region.as_str()),
            ("vantage", self.vantage.as_str()),
        ];
        for (at, (name, value)) in base.iter().chain(extra).enumerate() {
            if at > 0 {
                out.push(',');
            }
            let _ = write!(out, "{name}=\"{}\"", escape(value));
        }
        out.push('}');
        out
    }
}

/// OpenMetrics label value escaping: backslash, double quote, line feed.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A number as OpenMetrics writes it; integers without a fraction.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{value}")
    }
}

/// A bucket bound, always with a fraction (`1.0`, `0.005`): the canonical form.
fn bound(value: f64) -> String {
    let text = format!("{value}");
    if text.contains('.') || text.contains('e') {
        text
    } else {
        format!("{text}.0")
    }
}

pub(crate) fn render(report: &Report) -> String {
    let mut gate = Family::new(
        "ujilab_gate_passed",
        "gauge",
        None,
        "1 when the scenario passed its gate (expectations, thresholds, verdict).",
    );
    let mut probe_success = Family::new(
        "ujilab_probe_success",
        "gauge",
        None,
        "1 when the probe's expectations held.",
    );
    let mut probe_duration = Family::new(
        "ujilab_probe_duration_seconds",
        "gauge",
        Some("seconds"),
        "Latency of the probe's functional exchange, redirects included.",
    );
    let mut latency = Family::new(
        "ujilab_latency_seconds",
        "histogram",
        Some("seconds"),
        "Latency of complete responses: source=load (the load run) or source=probes (functional and availability exchanges).",
    );
    let mut availability = Family::new(
        "ujilab_availability_ratio",
        "gauge",
        Some("ratio"),
        "Availability: samples up / samples.",
    );
    let mut errors = Family::new(
        "ujilab_error_ratio",
        "gauge",
        Some("ratio"),
        "Failed / scheduled requests of the load run after warmup.",
    );
    let mut p95 = Family::new(
        "ujilab_p95_seconds",
        "gauge",
        Some("seconds"),
        "p95 latency per vantage of a merged report (load run, else probes).",
    );
    let mut index = Family::new(
        "ujilab_standards_index",
        "gauge",
        None,
        "Standards index on its catalogue's range (1.00 to 5.00 for idsll-core, 0 to 100 for ombudsman-kepatuhan).",
    );
    let mut rules = Family::new(
        "ujilab_rule_level",
        "gauge",
        None,
        "Capability level of each levelled standards rule, on its catalogue's scale (1-5 for idsll-core, 0-3 for ombudsman-kepatuhan).",
    );
    let mut sustained = Family::new(
        "ujilab_load_rate_sustained",
        "gauge",
        None,
        "Open model: 1 when the load run sent at its target rate, 0 when the target rate was not sustained.",
    );
    let mut run = Family::new(
        "ujilab_run_info",
        "gauge",
        None,
        "The run these figures come from (always 1).",
    );
    run.samples.push(format!(
        "ujilab_run_info{{run_id=\"{}\",version=\"{}\"}} 1",
        escape(&report.run.id),
        escape(&report.tool.version)
    ));
    let run_vantage = report.run.vantage.as_deref().unwrap_or("default");
    for entry in &report.scenarios {
        let ScenarioEntry::Ran(scenario) = entry else {
            continue;
        };
        let labels = Labels {
            service: crate::fleet::read::identity(scenario),
            region: region(scenario),
            vantage: if scenario.vantages.is_empty() {
                run_vantage.to_string()
            } else {
                "all".to_string()
            },
        };
        gate.push(
            "",
            &labels,
            &[],
            f64::from(u8::from(scenario.gate == Gate::Pass)),
        );
        for probe in &scenario.probes {
            let extra = [("probe", probe.id.as_str())];
            probe_success.push("", &labels, &extra, f64::from(u8::from(probe.passed)));
            if let Some(ms) = probe.latency_ms {
                probe_duration.push("", &labels, &extra, ms / 1000.0);
            }
        }
        let histograms = [
            ("load", scenario.load.as_ref().map(|l| l.histogram.as_str())),
            ("probes", scenario.probe_latency_histogram.as_deref()),
        ];
        for (source, encoded) in histograms {
            let Some(histogram) = encoded.and_then(|text| LatencyHistogram::decode(text).ok())
            else {
                continue;
            };
            if histogram.count() == 0 {
                continue;
            }
            for le in BUCKETS {
                let count = histogram.count_at_most((le * 1e6) as u64);
                let le = bound(le);
                latency.push(
                    "_bucket",
                    &labels,
                    &[("source", source), ("le", &le)],
                    count as f64,
                );
            }
            let count = histogram.count() as f64;
            latency.push(
                "_bucket",
                &labels,
                &[("source", source), ("le", "+Inf")],
                count,
            );
            latency.push("_count", &labels, &[("source", source)], count);
            latency.push(
                "_sum",
                &labels,
                &[("source", source)],
                histogram.sum_seconds(),
            );
        }
        if let Some(ratio) = scenario.availability.as_ref().and_then(|a| a.ratio) {
            availability.push("", &labels, &[], ratio);
        }
        if let Some(load) = scenario.load.as_ref().filter(|l| l.requests > 0) {
            errors.push("", &labels, &[], load.error_rate);
        }
        if let Some(held) = scenario.load.as_ref().and_then(|l| l.rate_sustained) {
            sustained.push("", &labels, &[], f64::from(u8::from(held)));
        }
        for vantage in &scenario.vantages {
            let labels = Labels {
                service: labels.service.clone(),
                region: labels.region.clone(),
                vantage: vantage.vantage.clone(),
            };
            if let Some(ratio) = vantage.availability {
                availability.push("", &labels, &[], ratio);
            }
            if let Some(ms) = vantage.p95_ms {
                p95.push("", &labels, &[], ms / 1000.0);
            }
        }
        if let Some(standards) = &scenario.standards {
            if let Some(value) = standards.index {
                index.push("", &labels, &[], value);
            }
            for rule in &standards.rules {
                if let Some(level) = rule.level {
                    rules.push(
                        "",
                        &labels,
                        &[("rule", &rule.code), ("aspect", &rule.aspect)],
                        f64::from(level),
                    );
                }
            }
        }
    }
    let mut out = String::new();
    for family in [
        run,
        gate,
        probe_success,
        probe_duration,
        latency,
        availability,
        errors,
        sustained,
        p95,
        index,
        rules,
    ] {
        let _ = writeln!(out, "# TYPE {} {}", family.name, family.kind);
        if let Some(unit) = family.unit {
            let _ = writeln!(out, "# UNIT {} {unit}", family.name);
        }
        let _ = writeln!(out, "# HELP {} {}", family.name, family.help);
        for sample in &family.samples {
            out.push_str(sample);
            out.push('\n');
        }
    }
    out.push_str("# EOF\n");
    out
}

fn region(scenario: &ScenarioReport) -> String {
    scenario
        .service
        .region
        .as_ref()
        .and_then(|r| r.code.clone().or_else(|| r.name.clone()))
        .unwrap_or_default()
}

/// The grammar of the OpenMetrics text this module writes, checked line by line:
/// metadata before samples, each family's samples together, names and labels
/// well formed, escaped values, cumulative buckets ending in `+Inf` equal to
/// `_count`, and `# EOF` last. Used by the tests on every rendering.
pub fn check_grammar(text: &str) -> Result<(), String> {
    let name_ok = |name: &str| {
        let mut chars = name.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.last() != Some(&"") || lines.len() < 2 || lines[lines.len() - 2] != "# EOF" {
        return Err("the text must end with `# EOF` and a line feed".into());
    }
    let mut families: std::collections::BTreeMap<String, String> = Default::default();
    let mut current: Option<String> = None;
    let mut closed: std::collections::BTreeSet<String> = Default::default();
    // Per histogram series (labels without le): the last bucket count, and +Inf.
    let mut buckets: std::collections::BTreeMap<String, (f64, Option<f64>)> = Default::default();
    let mut counts: std::collections::BTreeMap<String, f64> = Default::default();
    for (at, line) in lines[..lines.len() - 2].iter().enumerate() {
        let n = at + 1;
        if let Some(meta) = line.strip_prefix("# ") {
            let mut parts = meta.splitn(3, ' ');
            let (keyword, name, rest) = (parts.next(), parts.next(), parts.next());
            let (Some(keyword), Some(name), Some(rest)) = (keyword, name, rest) else {
                return Err(format!("line {n}: incomplete metadata `{line}`"));
            };
            if !name_ok(name) {
                return Err(format!("line {n}: bad metric name `{name}`"));
            }
            if current.as_deref() != Some(name) {
                if let Some(previous) = current.take() {
                    closed.insert(previous);
                }
                if closed.contains(name) {
                    return Err(format!("line {n}: family `{name}` is split"));
                }
                current = Some(name.to_string());
            }
            match keyword {
                "TYPE" => {
                    let valid = [
                        "counter",
                        "gauge",
                        "histogram",
                        "summary",
                        "info",
                        "unknown",
                    ];
                    if !valid.contains(&rest) {
                        return Err(format!("line {n}: unknown type `{rest}`"));
                    }
                    families.insert(name.to_string(), rest.to_string());
                }
                "UNIT" => {
                    if !name.ends_with(&format!("_{rest}")) {
                        return Err(format!(
                            "line {n}: `{name}` must end with its unit `{rest}`"
                        ));
                    }
                }
                "HELP" => {}
                other => return Err(format!("line {n}: unknown metadata `{other}`")),
            }
            continue;
        }
        // A sample: name{labels} value
        let (series, value) = line
            .rsplit_once(' ')
            .ok_or_else(|| format!("line {n}: no value in `{line}`"))?;
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            other => other
                .parse()
                .map_err(|_| format!("line {n}: `{other}` is not a number"))?,
        };
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let labels = rest
                    .strip_suffix('}')
                    .ok_or_else(|| format!("line {n}: unclosed labels"))?;
                (
                    name,
                    parse_labels(labels).map_err(|e| format!("line {n}: {e}"))?,
                )
            }
            None => (series, Vec::new()),
        };
        let family = current
            .as_deref()
            .ok_or_else(|| format!("line {n}: sample before any TYPE"))?;
        let kind = families
            .get(family)
            .map(String::as_str)
            .unwrap_or("unknown");
        let suffix = name
            .strip_prefix(family)
            .ok_or_else(|| format!("line {n}: `{name}` is not in family `{family}`"))?;
        let allowed: &[&str] = match kind {
            "histogram" => &["_bucket", "_count", "_sum", "_created"],
            "counter" => &["_total", "_created"],
            _ => &[""],
        };
        if !allowed.contains(&suffix) {
            return Err(format!("line {n}: `{name}` is not a sample of a {kind}"));
        }
        if kind == "histogram" {
            let key: Vec<String> = labels
                .iter()
                .filter(|(label, _)| label != "le")
                .map(|(label, v)| format!("{label}={v}"))
                .collect();
            let key = key.join(",");
            match suffix {
                "_bucket" => {
                    let le = labels
                        .iter()
                        .find(|(label, _)| label == "le")
                        .ok_or_else(|| format!("line {n}: bucket without le"))?;
                    let entry = buckets.entry(key).or_insert((0.0, None));
                    if value < entry.0 {
                        return Err(format!("line {n}: buckets are not cumulative"));
                    }
                    entry.0 = value;
                    if le.1 == "+Inf" {
                        entry.1 = Some(value);
                    } else if !le.1.contains('.') && !le.1.contains('e') {
                        return Err(format!("line {n}: le `{}` is not canonical", le.1));
                    }
                }
                "_count" => {
                    counts.insert(key, value);
                }
                _ => {}
            }
        }
    }
    for (series, (_, infinity)) in &buckets {
        let infinity = infinity.ok_or_else(|| format!("{series}: no +Inf bucket"))?;
        if counts.get(series) != Some(&infinity) {
            return Err(format!("{series}: _count differs from the +Inf bucket"));
        }
    }
    Ok(())
}

fn parse_labels(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut labels = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (name, after) = rest
            .split_once("=\"")
            .ok_or_else(|| format!("bad label in `{text}`"))?;
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!("bad label name `{name}`"));
        }
        let mut value = String::new();
        let mut chars = after.char_indices();
        let mut end = None;
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    _ => return Err("bad escape in a label value".into()),
                },
                '"' => {
                    end = Some(at);
                    break;
                }
                '\n' => return Err("raw line feed in a label value".into()),
                c => value.push(c),
            }
        }
        let end = end.ok_or_else(|| "unterminated label value".to_string())?;
        if labels.iter().any(|(other, _)| other == name) {
            return Err(format!("label `{name}` given twice"));
        }
        labels.push((name.to_string(), value));
        rest = &after[end + 1..];
        rest = match rest.strip_prefix(',') {
            Some(more) => more,
            None if rest.is_empty() => rest,
            None => return Err(format!("expected `,` in `{text}`")),
        };
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_check_catches_what_it_should() {
        assert!(check_grammar("# TYPE a gauge\n# HELP a x\na{l=\"v\"} 1\n# EOF\n").is_ok());
        for bad in [
            "# TYPE a gauge\na 1\n",
            "a 1\n# EOF\n",
            "# TYPE a gauge\na{l=\"v} 1\n# EOF\n",
            "# TYPE a gauge\na{l=\"a\"b\"} 1\n# EOF\n",
            "# TYPE a gauge\na x\n# EOF\n",
            "# TYPE a histogram\na_bucket{le=\"1.0\"} 2\na_bucket{le=\"+Inf\"} 1\na_count 1\n# EOF\n",
            "# TYPE a histogram\na_bucket{le=\"1\"} 1\na_bucket{le=\"+Inf\"} 1\na_count 1\n# EOF\n",
            "# TYPE a_seconds gauge\n# UNIT a_seconds ratio\n# EOF\n",
            "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n# EOF\n",
        ] {
            assert!(check_grammar(bad).is_err(), "accepted: {bad}");
        }
    }

    /// The run id in an info family, and whether the target rate held.
    #[test]
    fn the_run_and_an_unsustained_rate_are_in_the_metrics() {
        use crate::fleet::testing::{histogram, load, report, run};
        let mut scenario = run();
        scenario["phases"]["load"]["status"] = serde_json::json!("ran");
        scenario["load"] = load(20, 2, &histogram(10, 19), 1.0);
        scenario["load"]["rate_sustained"] = serde_json::json!(false);
        let text = render(&report("jakarta", scenario).report);
        check_grammar(&text).unwrap_or_else(|error| panic!("{error}\n{text}"));
        assert!(
            text.contains("# TYPE ujilab_run_info gauge\n")
                && text.contains("ujilab_run_info{run_id=\"run-jakarta\",version=\"0.1.0\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "ujilab_load_rate_sustained{service=\"dukcapil\",region=\"\",vantage=\"jakarta\"} 0\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn labels_are_escaped_and_numbers_canonical() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(bound(1.0), "1.0");
        assert_eq!(bound(0.0025), "0.0025");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(f64::INFINITY), "+Inf");
        let labels = Labels {
            service: "x\"}".into(),
            region: "".into(),
            vantage: "v".into(),
        };
        let rendered = labels.render(&[("probe", "p\n")]);
        assert_eq!(
            parse_labels(rendered.trim_start_matches('{').trim_end_matches('}')),
            Ok(vec![
                ("service".to_string(), "x\"}".to_string()),
                ("region".to_string(), String::new()),
                ("vantage".to_string(), "v".to_string()),
                ("probe".to_string(), "p\n".to_string()),
            ])
        );
    }
}
