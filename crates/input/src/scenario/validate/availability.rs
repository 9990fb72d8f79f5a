//! `availability`: which probes are sampled, how often and for how long.

use std::collections::HashMap;
use std::time::Duration;

use super::Checker;
use crate::scenario::limits::{
    MAX_AVAILABILITY_EVERY, MAX_AVAILABILITY_SAMPLES, MAX_AVAILABILITY_WINDOW,
};
use crate::scenario::model::Availability;
use crate::scenario::raw::{Position, RawAvailability, Spanned};
use crate::text::{Text, text};

impl Checker<'_> {
    pub(super) fn availability(
        &mut self,
        raw: &Spanned<RawAvailability>,
        methods: &[String],
        probe_index: &HashMap<String, usize>,
    ) -> Option<Availability> {
        let at = Position::of(raw);
        let raw = &raw.value;
        let used = match &raw.probes {
            Some(list) => self.probe_set(
                list.value.iter().enumerate().map(|(i, name)| {
                    (
                        name.value.clone(),
                        Position::of(name),
                        format!("availability.probes[{i}]"),
                    )
                }),
                probe_index,
            ),
            None => (0..methods.len())
                .filter(|index| methods[*index] == "GET")
                .map(|index| (index, at, "availability.probes".to_string()))
                .collect(),
        };
        let probes: Vec<usize> = used.iter().map(|(index, _, _)| *index).collect();
        // Names that match no probe are reported where they are written.
        match &raw.probes {
            None if probes.is_empty() => self.error(
                at,
                "availability.probes",
                Text::new(
                    "uji ketersediaan memerlukan sedikitnya satu titik uji (bawaannya setiap titik uji GET; skenario ini tidak memilikinya)",
                    "availability needs at least one probe (by default every GET probe; this scenario has none)",
                ),
            ),
            Some(list) if list.value.is_empty() => self.error(
                Position::of(list),
                "availability.probes",
                Text::new(
                    "uji ketersediaan memerlukan sedikitnya satu titik uji",
                    "availability needs at least one probe",
                ),
            ),
            _ => {}
        }
        let allow_unsafe = raw
            .allow_unsafe_methods
            .as_ref()
            .is_some_and(|flag| flag.value);
        self.check_safe_methods(&used, methods, probe_index, allow_unsafe);
        let every =
            self.duration_within(&raw.every, "availability.every", MAX_AVAILABILITY_EVERY)?;
        let rounds = self.availability_rounds(raw, every, at)?;
        if rounds == 0 {
            self.error(
                at,
                "availability",
                Text::new(
                    "uji ketersediaan tidak akan mengambil satu sampel pun",
                    "availability would take no samples",
                ),
            );
            return None;
        }
        Some(Availability {
            probes,
            every,
            rounds,
        })
    }

    /// How many rounds: `samples: N`, or `for: DURATION` divided by `every`.
    fn availability_rounds(
        &mut self,
        raw: &RawAvailability,
        every: Duration,
        at: Position,
    ) -> Option<u64> {
        let samples = match &raw.samples {
            Some(node) => Some(self.count(node, "availability.samples")?),
            None => None,
        };
        match (&samples, &raw.window) {
            (Some(_), Some(window)) => {
                self.error(
                    Position::of(window),
                    "availability.for",
                    Text::new(
                        "isi `samples` atau `for`, jangan keduanya",
                        "give either `samples` or `for`, not both",
                    ),
                );
                None
            }
            (Some(samples), None) if samples.value > MAX_AVAILABILITY_SAMPLES => {
                self.error_with_help(
                    Position::of(samples),
                    "availability.samples",
                    {
                        let samples = samples.value;
                        text!(
                            "{samples} sampel melebihi batas {MAX_AVAILABILITY_SAMPLES} sampel untuk satu uji ketersediaan",
                            "{samples} samples are more than the {MAX_AVAILABILITY_SAMPLES} an availability run may take"
                        )
                    },
                    Some(text!(
                        "tulis angka dari 1 sampai {MAX_AVAILABILITY_SAMPLES}",
                        "write a number from 1 to {MAX_AVAILABILITY_SAMPLES}"
                    )),
                );
                None
            }
            (Some(samples), None) => Some(samples.value),
            (None, Some(written_window)) => {
                let window = self.duration_within(
                    written_window,
                    "availability.for",
                    MAX_AVAILABILITY_WINDOW,
                )?;
                let rounds = (window.as_secs_f64() / every.as_secs_f64()).floor() as u64;
                if rounds > MAX_AVAILABILITY_SAMPLES {
                    self.error_with_help(
                        Position::of(written_window),
                        "availability.for",
                        text!(
                            "`for` / `every` menghasilkan {rounds} putaran, melebihi batas {MAX_AVAILABILITY_SAMPLES} untuk satu uji ketersediaan",
                            "`for` / `every` makes {rounds} rounds, more than the {MAX_AVAILABILITY_SAMPLES} an availability run may take"
                        ),
                        Some(Text::new(
                            "ambil sampel lebih jarang (`every` lebih lama) atau dalam waktu lebih singkat",
                            "sample less often (a longer `every`) or for less time",
                        )),
                    );
                    return None;
                }
                Some(rounds)
            }
            (None, None) => {
                self.error(
                    at,
                    "availability",
                    Text::new(
                        "uji ketersediaan memerlukan `samples: N` atau `for: DURATION`",
                        "availability needs `samples: N` or `for: DURATION`",
                    ),
                );
                None
            }
        }
    }
}
