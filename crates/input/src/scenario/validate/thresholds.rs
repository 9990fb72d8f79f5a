//! `thresholds`: metric limits, and `metric: rule` thresholds checked against
//! the scenario's catalogue.

use std::collections::HashMap;

use super::{Checker, child};
use crate::diagnostic::{backticked, did_you_mean};
use crate::quantity::{parse_duration, parse_rate, parse_ratio};
use crate::scenario::interpolate::CaptureUse;
use crate::scenario::model::{Bound, LatencyPhase, Metric, MetricSource, Standards, Threshold};
use crate::scenario::raw::{Node, Position, RawThreshold, Spanned, closest};
use crate::text::{Text, text};

impl Checker<'_> {
    /// `metric: rule` thresholds name a rule of the scenario's catalogue.
    pub(super) fn threshold_rules(&mut self, raw: &[Spanned<RawThreshold>], standards: &Standards) {
        for (index, spanned) in raw.iter().enumerate() {
            let Some(rule) = &spanned.value.rule else {
                continue;
            };
            let code = rule.value.trim();
            if standards.catalogue.rule(code).is_none() {
                let codes = standards.catalogue.codes();
                let help = closest(code, codes.iter().map(String::as_str))
                    .as_deref()
                    .map(did_you_mean);
                let catalogue = &standards.catalogue.name;
                self.error_with_help(
                    Position::of(rule),
                    &format!("thresholds[{index}].rule"),
                    text!(
                        "tidak ada kriteria `{code}` dalam katalog {catalogue}",
                        "no rule `{code}` in the catalogue {catalogue}"
                    ),
                    help,
                );
            }
        }
    }

    pub(super) fn thresholds(
        &mut self,
        raw: &[Spanned<RawThreshold>],
        probe_index: &HashMap<String, usize>,
        has_standards: bool,
    ) -> Vec<Threshold> {
        raw.iter()
            .enumerate()
            .filter_map(|(index, spanned)| {
                self.threshold(spanned, index, probe_index, has_standards)
            })
            .collect()
    }

    fn threshold(
        &mut self,
        spanned: &Spanned<RawThreshold>,
        index: usize,
        probe_index: &HashMap<String, usize>,
        has_standards: bool,
    ) -> Option<Threshold> {
        let path = format!("thresholds[{index}]");
        let at = Position::of(spanned);
        let raw = &spanned.value;
        let metric = self.metric(raw, at, &path)?;
        if raw.rule.is_some() && !matches!(metric, Metric::Rule(_)) {
            self.error(
                at,
                &child(&path, "rule"),
                Text::new(
                    "`rule:` hanya dipakai bersama `metric: rule`",
                    "`rule:` only goes with `metric: rule`",
                ),
            );
        }
        if matches!(metric, Metric::Score | Metric::Rule(_)) && !has_standards {
            self.error_with_help(
                Position::of(&raw.metric),
                &child(&path, "metric"),
                {
                    let name = metric.name();
                    text!(
                        "`{name}` hanya diukur bila skenario memiliki `standards:`",
                        "`{name}` is measured only when the scenario has `standards:`"
                    )
                },
                Some(Text::new(
                    "tambahkan bagian `standards:` atau hapus ambang batas ini",
                    "add a `standards:` section or remove this threshold",
                )),
            );
            return None;
        }
        let probe = raw.probe.as_ref().map(|probe| {
            let name = self.text(probe, &child(&path, "probe"));
            if !probe_index.contains_key(&name) {
                let help = closest(&name, probe_index.keys().map(String::as_str))
                    .as_deref()
                    .map(did_you_mean);
                self.error_with_help(
                    Position::of(probe),
                    &child(&path, "probe"),
                    text!(
                        "tidak ada titik uji dengan id `{name}`",
                        "no probe has id `{name}`"
                    ),
                    help,
                );
            }
            name
        });
        if probe.is_some() && matches!(metric, Metric::Score | Metric::Rule(_)) {
            self.error(
                at,
                &child(&path, "probe"),
                Text::new(
                    "`probe:` tidak berlaku untuk ambang batas `score` atau `rule`",
                    "`probe:` does not apply to score or rule thresholds",
                ),
            );
        }
        let source = raw
            .source
            .as_ref()
            .and_then(|source| self.metric_source(source, &path));
        let bound = match (&raw.max, &raw.min) {
            (Some(max), None) => self
                .limit(&metric, max, &child(&path, "max"))
                .map(Bound::Max),
            (None, Some(min)) => self
                .limit(&metric, min, &child(&path, "min"))
                .map(Bound::Min),
            _ => {
                self.error(
                    at,
                    &path,
                    Text::new(
                        "ambang batas memiliki tepat satu dari `max` dan `min`",
                        "a threshold has exactly one of `max` and `min`",
                    ),
                );
                None
            }
        };
        Some(Threshold {
            metric,
            probe,
            bound: bound?,
            source,
        })
    }

    /// `metric:` (with `rule:` for rule thresholds); `None` when unknown (reported).
    fn metric(&mut self, raw: &RawThreshold, at: Position, path: &str) -> Option<Metric> {
        let metric_name = self.text(&raw.metric, &child(path, "metric"));
        let rule_code = raw
            .rule
            .as_ref()
            .map(|rule| self.text(rule, &child(path, "rule")));
        let metric = Metric::from_name(&metric_name, rule_code.as_deref());
        if metric.is_some() {
            return metric;
        }
        if metric_name == "rule" {
            self.error(
                at,
                path,
                Text::new(
                    "`metric: rule` memerlukan `rule: KODE`, misalnya `rule: SC-04`",
                    "`metric: rule` needs `rule: CODE`, e.g. `rule: SC-04`",
                ),
            );
        } else {
            let names = [
                "latency.p95",
                "latency.p99",
                "latency.mean",
                "latency.min",
                "latency.max",
                "latency.ttfb.p95",
                "latency.connect.p99",
                "error_rate",
                "availability",
                "throughput",
                "score",
                "rule",
            ];
            let others = names[2..].join(", ");
            let listed = backticked(names[2..].iter().copied());
            let phases = backticked(LatencyPhase::ALL.iter().map(|phase| phase.code()));
            let help = closest(&metric_name, names)
                .as_deref()
                .map(did_you_mean)
                .unwrap_or_else(|| {
                    text!(
                        "metrik yang dikenal: `latency.pNN` (misalnya `latency.p99.9`), \
                         `latency.FASE.pNN` (fase: {phases}), {listed}",
                        "metrics are latency.pNN (e.g. latency.p99.9), latency.PHASE.pNN \
                         (phases: {phases}), {others}"
                    )
                });
            self.error_with_help(
                Position::of(&raw.metric),
                &child(path, "metric"),
                text!(
                    "metrik `{metric_name}` tidak dikenal",
                    "unknown metric `{metric_name}`"
                ),
                Some(help),
            );
        }
        None
    }

    fn metric_source(&mut self, source: &Spanned<String>, path: &str) -> Option<MetricSource> {
        match self.text(source, &child(path, "source")).as_str() {
            "load" => Some(MetricSource::Load),
            "probes" => Some(MetricSource::Probes),
            other => {
                let other = other.to_string();
                self.error_with_help(
                    Position::of(source),
                    &child(path, "source"),
                    text!(
                        "`{other}` bukan sumber yang dikenal",
                        "`{other}` is not a source"
                    ),
                    Some(Text::new(
                        "pakai `load` atau `probes`",
                        "use load or probes",
                    )),
                );
                None
            }
        }
    }

    /// A threshold limit in the metric's base unit.
    fn limit(&mut self, metric: &Metric, node: &Spanned<Node>, path: &str) -> Option<f64> {
        let at = Position::of(node);
        let text = match &node.value {
            Node::Str(text) => self
                .template_at(text, at, path, CaptureUse::Forbidden)
                .as_literal()
                .unwrap_or_default(),
            other => other.scalar_text().unwrap_or_default(),
        };
        let number = || match &node.value {
            Node::Int(value) => Some(*value as f64),
            Node::Float(value) => Some(*value),
            _ => None,
        };
        let result = if metric.is_latency() {
            parse_duration(&text).map(|d| d.as_secs_f64())
        } else {
            match metric {
                Metric::ErrorRate | Metric::Availability => parse_ratio(&text),
                Metric::Throughput => parse_rate(&text).or_else(|e| number().ok_or(e)),
                Metric::Score => number()
                    .filter(|score| (1.0..=5.0).contains(score))
                    .ok_or_else(|| {
                        Text::new(
                            "batas `score` berupa indeks antara 1.00 dan 5.00",
                            "a score limit is an index between 1.00 and 5.00",
                        )
                    }),
                Metric::Rule(_) => number()
                    .filter(|level| level.fract() == 0.0 && (1.0..=5.0).contains(level))
                    .ok_or_else(|| {
                        Text::new(
                            "batas `rule` berupa tingkat dari 1 sampai 5",
                            "a rule limit is a level from 1 to 5",
                        )
                    }),
                _ => Err(Text::new("metrik tidak didukung", "unsupported metric")),
            }
        };
        result.map_err(|message| self.error(at, path, message)).ok()
    }
}
