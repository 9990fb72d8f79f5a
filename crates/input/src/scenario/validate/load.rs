//! `load`: the probe mix, the load model (open or closed), concurrency and when
//! the run ends.

use std::collections::HashMap;
use std::time::Duration;

use super::repeated_probes::NamedProbe;
use super::{Checker, child};
use crate::quantity::parse_rate;
use crate::scenario::limits::{
    MAX_CONCURRENCY, MAX_LOAD_DURATION, MAX_LOAD_REQUESTS, MAX_LOAD_WARMUP, MAX_RATE_PER_SECOND,
    written,
};
use crate::scenario::model::{Load, LoadEnd, LoadModel};
use crate::scenario::raw::{Node, Position, RawLoad, Spanned};

const DEFAULT_OPEN_CONCURRENCY: u64 = 256;

impl Checker<'_> {
    pub(super) fn load(
        &mut self,
        raw: &Spanned<RawLoad>,
        methods: &[String],
        probe_index: &HashMap<String, usize>,
    ) -> Option<Load> {
        let at = Position::of(raw);
        let raw = &raw.value;
        let (mix, used) = self.load_mix(raw.probes.as_ref(), methods, probe_index);
        // Names that match no probe, and a `probes:` of the wrong shape, are
        // reported where they are written.
        match raw.probes.as_ref().map(|node| &node.value) {
            None if mix.is_empty() => self.error(at, "load.probes", "load needs at least one probe (by default every GET probe; this scenario has none)"),
            Some(Node::Seq(items)) if items.is_empty() => {
                self.error(at, "load.probes", "load needs at least one probe")
            }
            Some(Node::Map(entries)) if entries.is_empty() => {
                self.error(at, "load.probes", "load needs at least one probe")
            }
            _ => {}
        }
        let allow_unsafe = raw
            .allow_unsafe_methods
            .as_ref()
            .is_some_and(|flag| flag.value);
        self.check_safe_methods(&used, methods, probe_index, allow_unsafe);

        // Each part is checked even when another is wrong, so that every
        // problem is listed at once.
        let model = self.load_model(raw, at);
        let concurrency = self.load_concurrency(raw, model, at);
        let end = self.load_end(raw, at);
        let warmup = match &raw.warmup {
            Some(warmup) => {
                let duration = self.duration(warmup, "load.warmup")?;
                if duration > MAX_LOAD_WARMUP {
                    self.error_with_help(
                        Position::of(warmup),
                        "load.warmup",
                        format!(
                            "`{}` is longer than {}, the longest `warmup` ujilab accepts",
                            warmup.value,
                            written(MAX_LOAD_WARMUP)
                        ),
                        Some(format!(
                            "write a duration from 0s to {}",
                            written(MAX_LOAD_WARMUP)
                        )),
                    );
                    return None;
                }
                duration
            }
            None => Duration::ZERO,
        };
        Some(Load {
            mix,
            model: model?,
            concurrency: concurrency?,
            end: end?,
            warmup,
        })
    }

    /// `probes:` as a list (equal weights) or a map of weights; by default every
    /// GET probe. Also returns the probes named, with where, for the safe-method
    /// check (the default is safe).
    fn load_mix(
        &mut self,
        probes: Option<&Spanned<Node>>,
        methods: &[String],
        probe_index: &HashMap<String, usize>,
    ) -> (Vec<(usize, u32)>, Vec<NamedProbe>) {
        let mut used: Vec<NamedProbe> = Vec::new();
        let mix: Vec<(usize, u32)> = match probes.map(|node| (&node.value, node)) {
            None => (0..methods.len())
                .filter(|i| methods[*i] == "GET")
                .map(|i| (i, 1))
                .collect(),
            Some((Node::Seq(items), _)) => {
                let names = items.iter().enumerate().map(|(i, item)| {
                    (
                        item.value.scalar_text().unwrap_or_default(),
                        Position::of(item),
                        format!("load.probes[{i}]"),
                    )
                });
                used = self.probe_set(names, probe_index);
                used.iter().map(|(i, _, _)| (*i, 1)).collect()
            }
            Some((Node::Map(entries), _)) => self.weighted_mix(entries, probe_index, &mut used),
            Some((other, node)) => {
                self.error(
                    Position::of(node),
                    "load.probes",
                    format!(
                        "`probes` is a list or a map of weights, found {}",
                        other.kind()
                    ),
                );
                Vec::new()
            }
        };
        (mix, used)
    }

    /// `probes: { id: weight, ... }`.
    fn weighted_mix(
        &mut self,
        entries: &[(Spanned<Node>, Spanned<Node>)],
        probe_index: &HashMap<String, usize>,
        used: &mut Vec<NamedProbe>,
    ) -> Vec<(usize, u32)> {
        let mut mix = Vec::new();
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let path = child("load.probes", &name);
            let weight = match value.value {
                Node::Int(weight) if weight > 0 && weight <= i64::from(u32::MAX) => weight as u32,
                _ => {
                    self.error(
                        Position::of(value),
                        &path,
                        "a weight is a positive whole number",
                    );
                    continue;
                }
            };
            if let Some((index, at, path)) = self
                .probe_set(
                    std::iter::once((name, Position::of(key), path)),
                    probe_index,
                )
                .into_iter()
                .next()
            {
                mix.push((index, weight));
                used.push((index, at, path));
            }
        }
        mix
    }

    /// `model` and `rate`: open (a fixed arrival rate) by default, or closed.
    fn load_model(&mut self, raw: &RawLoad, at: Position) -> Option<LoadModel> {
        let model_name = raw
            .model
            .as_ref()
            .map(|model| (self.text(model, "load.model"), Position::of(model)));
        match (model_name, &raw.rate) {
            (Some((name, _)), Some(rate)) if name == "closed" => {
                self.error(
                    Position::of(rate),
                    "load.rate",
                    "the closed model has no rate: its users send back to back; use `concurrency`",
                );
                None
            }
            (Some((name, _)), None) if name == "closed" => Some(LoadModel::Closed),
            (Some((name, at)), _) if name != "open" => {
                self.error_with_help(
                    at,
                    "load.model",
                    format!("`{name}` is not a load model"),
                    Some("use open (a fixed arrival rate) or closed (fixed concurrency)".into()),
                );
                None
            }
            (_, Some(rate)) => {
                let with_range = |text: &str| {
                    parse_rate(text).map_err(|message| {
                        format!("{message} (a load's rate is at most {MAX_RATE_PER_SECOND}/s)")
                    })
                };
                let per_second =
                    self.parse_value(rate, "load.rate", with_range, "a rate like 50/s or 120/m")?;
                if per_second > MAX_RATE_PER_SECOND {
                    self.error_with_help(
                        Position::of(rate),
                        "load.rate",
                        format!(
                            "`{}` is more than one machine can send: a load's rate is at most {MAX_RATE_PER_SECOND}/s",
                            rate.value
                        ),
                        Some(format!(
                            "write a rate up to {MAX_RATE_PER_SECOND}/s (or {}/m); for more, run shards from several machines (`--shard`)",
                            MAX_RATE_PER_SECOND * 60.0
                        )),
                    );
                    return None;
                }
                Some(LoadModel::Open { rate: per_second })
            }
            (_, None) => {
                self.error(
                    at,
                    "load.rate",
                    "the open model needs `rate`, e.g. `rate: 50/s` (or use `model: closed`)",
                );
                None
            }
        }
    }

    /// `concurrency`: required by the closed model, capped by default for the open one.
    fn load_concurrency(
        &mut self,
        raw: &RawLoad,
        model: Option<LoadModel>,
        at: Position,
    ) -> Option<u64> {
        match (&raw.concurrency, model) {
            (Some(concurrency), _) if concurrency.value == 0 => {
                self.error(
                    Position::of(concurrency),
                    "load.concurrency",
                    "`concurrency` must be at least 1",
                );
                None
            }
            (Some(concurrency), _) if concurrency.value > MAX_CONCURRENCY => {
                self.error_with_help(
                    Position::of(concurrency),
                    "load.concurrency",
                    format!(
                        "a concurrency of {} is more than the {MAX_CONCURRENCY} requests in flight one load may hold",
                        concurrency.value
                    ),
                    Some(format!("write a number from 1 to {MAX_CONCURRENCY}")),
                );
                None
            }
            (Some(concurrency), _) => Some(concurrency.value),
            (None, Some(LoadModel::Open { .. })) => Some(DEFAULT_OPEN_CONCURRENCY),
            (None, None) => None,
            (None, Some(LoadModel::Closed)) => {
                self.error(
                    at,
                    "load.concurrency",
                    "the closed model needs `concurrency` (the number of users)",
                );
                None
            }
        }
    }

    /// `duration` or `requests`: when the load run ends.
    fn load_end(&mut self, raw: &RawLoad, at: Position) -> Option<LoadEnd> {
        match (&raw.duration, &raw.requests) {
            (Some(_), Some(requests)) => {
                self.error(
                    Position::of(requests),
                    "load.requests",
                    "give either `duration` or `requests`, not both",
                );
                None
            }
            (Some(duration), None) => self
                .duration_within(duration, "load.duration", MAX_LOAD_DURATION)
                .map(LoadEnd::Duration),
            (None, Some(requests)) if requests.value > MAX_LOAD_REQUESTS => {
                self.error_with_help(
                    Position::of(requests),
                    "load.requests",
                    format!(
                        "{} requests are more than the {MAX_LOAD_REQUESTS} one load may send",
                        requests.value
                    ),
                    Some(format!("write a number from 1 to {MAX_LOAD_REQUESTS}")),
                );
                None
            }
            (None, Some(requests)) if requests.value > 0 => Some(LoadEnd::Requests(requests.value)),
            _ => {
                self.error(
                    at,
                    "load",
                    "load needs `duration` (e.g. 30s) or `requests` (a count)",
                );
                None
            }
        }
    }
}
