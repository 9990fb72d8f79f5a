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
use crate::text::{Text, text};

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
            None if mix.is_empty() => self.error(
                at,
                "load.probes",
                Text::new(
                    "uji beban memerlukan sedikitnya satu titik uji (bawaannya setiap titik uji GET; skenario ini tidak memilikinya)",
                    "load needs at least one probe (by default every GET probe; this scenario has none)",
                ),
            ),
            Some(Node::Seq(items)) if items.is_empty() => self.error(
                at,
                "load.probes",
                Text::new(
                    "uji beban memerlukan sedikitnya satu titik uji",
                    "load needs at least one probe",
                ),
            ),
            Some(Node::Map(entries)) if entries.is_empty() => self.error(
                at,
                "load.probes",
                Text::new(
                    "uji beban memerlukan sedikitnya satu titik uji",
                    "load needs at least one probe",
                ),
            ),
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
                        {
                            let (value, max) = (&warmup.value, written(MAX_LOAD_WARMUP));
                            text!(
                                "`{value}` lebih lama dari {max}, batas terlama `warmup` yang diterima ujilab",
                                "`{value}` is longer than {max}, the longest `warmup` ujilab accepts"
                            )
                        },
                        {
                            let max = written(MAX_LOAD_WARMUP);
                            Some(text!(
                                "tulis durasi dari 0s sampai {max}",
                                "write a duration from 0s to {max}"
                            ))
                        },
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
                    text!(
                        "`probes` berupa daftar atau map bobot, ditemukan {found}",
                        "`probes` is a list or a map of weights, found {found}",
                        found = other.kind(),
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
                        Text::new(
                            "bobot berupa bilangan bulat positif",
                            "a weight is a positive whole number",
                        ),
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
                    Text::new(
                        "model tertutup tidak memakai laju: penggunanya mengirim permintaan berturut-turut; pakai `concurrency`",
                        "the closed model has no rate: its users send back to back; use `concurrency`",
                    ),
                );
                None
            }
            (Some((name, _)), None) if name == "closed" => Some(LoadModel::Closed),
            (Some((name, at)), _) if name != "open" => {
                self.error_with_help(
                    at,
                    "load.model",
                    text!(
                        "`{name}` bukan model uji beban",
                        "`{name}` is not a load model"
                    ),
                    Some(Text::new(
                        "pakai `open` (laju kedatangan tetap) atau `closed` (jumlah permintaan bersamaan tetap)",
                        "use open (a fixed arrival rate) or closed (fixed concurrency)",
                    )),
                );
                None
            }
            (_, Some(rate)) => {
                let with_range = |text: &str| {
                    parse_rate(text).map_err(|message| {
                        text!(
                            "{message} (laju uji beban paling tinggi {MAX_RATE_PER_SECOND}/s)",
                            "{message} (a load's rate is at most {MAX_RATE_PER_SECOND}/s)",
                            message = message,
                        )
                    })
                };
                let expected =
                    Text::new("laju seperti 50/s atau 120/m", "a rate like 50/s or 120/m");
                let per_second = self.parse_value(rate, "load.rate", with_range, expected)?;
                if per_second > MAX_RATE_PER_SECOND {
                    self.error_with_help(
                        Position::of(rate),
                        "load.rate",
                        {
                            let value = &rate.value;
                            text!(
                                "`{value}` melebihi yang dapat dikirim satu mesin: laju uji beban paling tinggi {MAX_RATE_PER_SECOND}/s",
                                "`{value}` is more than one machine can send: a load's rate is at most {MAX_RATE_PER_SECOND}/s"
                            )
                        },
                        {
                            let per_minute = MAX_RATE_PER_SECOND * 60.0;
                            Some(text!(
                                "tulis laju paling tinggi {MAX_RATE_PER_SECOND}/s (atau {per_minute}/m); untuk laju lebih tinggi, jalankan shard dari beberapa mesin (`--shard`)",
                                "write a rate up to {MAX_RATE_PER_SECOND}/s (or {per_minute}/m); for more, run shards from several machines (`--shard`)"
                            ))
                        },
                    );
                    return None;
                }
                Some(LoadModel::Open { rate: per_second })
            }
            (_, None) => {
                self.error(
                    at,
                    "load.rate",
                    Text::new(
                        "model terbuka memerlukan `rate`, misalnya `rate: 50/s` (atau pakai `model: closed`)",
                        "the open model needs `rate`, e.g. `rate: 50/s` (or use `model: closed`)",
                    ),
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
        let concurrency = match &raw.concurrency {
            Some(node) => Some(self.count(node, "load.concurrency")?),
            None => None,
        };
        match (&concurrency, model) {
            (Some(concurrency), _) if concurrency.value == 0 => {
                self.error(
                    Position::of(concurrency),
                    "load.concurrency",
                    Text::new(
                        "`concurrency` paling sedikit 1",
                        "`concurrency` must be at least 1",
                    ),
                );
                None
            }
            (Some(concurrency), _) if concurrency.value > MAX_CONCURRENCY => {
                self.error_with_help(
                    Position::of(concurrency),
                    "load.concurrency",
                    {
                        let value = concurrency.value;
                        text!(
                            "`concurrency` {value} melebihi batas {MAX_CONCURRENCY} permintaan bersamaan dalam satu uji beban",
                            "a concurrency of {value} is more than the {MAX_CONCURRENCY} requests in flight one load may hold"
                        )
                    },
                    Some(text!(
                        "tulis angka dari 1 sampai {MAX_CONCURRENCY}",
                        "write a number from 1 to {MAX_CONCURRENCY}"
                    )),
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
                    Text::new(
                        "model tertutup memerlukan `concurrency` (jumlah pengguna)",
                        "the closed model needs `concurrency` (the number of users)",
                    ),
                );
                None
            }
        }
    }

    /// `duration` or `requests`: when the load run ends.
    fn load_end(&mut self, raw: &RawLoad, at: Position) -> Option<LoadEnd> {
        let requests = match &raw.requests {
            Some(node) => Some(self.count(node, "load.requests")?),
            None => None,
        };
        match (&raw.duration, &requests) {
            (Some(_), Some(requests)) => {
                self.error(
                    Position::of(requests),
                    "load.requests",
                    Text::new(
                        "isi `duration` atau `requests`, jangan keduanya",
                        "give either `duration` or `requests`, not both",
                    ),
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
                    {
                        let value = requests.value;
                        text!(
                            "{value} permintaan melebihi batas {MAX_LOAD_REQUESTS} permintaan dalam satu uji beban",
                            "{value} requests are more than the {MAX_LOAD_REQUESTS} one load may send"
                        )
                    },
                    Some(text!(
                        "tulis angka dari 1 sampai {MAX_LOAD_REQUESTS}",
                        "write a number from 1 to {MAX_LOAD_REQUESTS}"
                    )),
                );
                None
            }
            (None, Some(requests)) if requests.value > 0 => Some(LoadEnd::Requests(requests.value)),
            _ => {
                self.error(
                    at,
                    "load",
                    Text::new(
                        "uji beban memerlukan `duration` (misalnya 30s) atau `requests` (jumlah permintaan)",
                        "load needs `duration` (e.g. 30s) or `requests` (a count)",
                    ),
                );
                None
            }
        }
    }
}
