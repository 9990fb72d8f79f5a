//! Which probes availability and load repeat: names read to probe indices, and
//! the rule that only safe methods are repeated unless allowed.

use std::collections::HashMap;

use super::Checker;
use crate::diagnostic::did_you_mean;
use crate::scenario::raw::{Position, RawProbe, Spanned, closest};
use crate::text::{Text, text};

/// A probe a phase names: its index, where it is named, and that place's key path.
pub(super) type NamedProbe = (usize, Position, String);

impl Checker<'_> {
    /// The probes named, by index; a name that matches no probe is reported.
    pub(super) fn probe_set(
        &mut self,
        names: impl Iterator<Item = (String, Position, String)>,
        probe_index: &HashMap<String, usize>,
    ) -> Vec<NamedProbe> {
        let mut indices = Vec::new();
        for (name, at, path) in names {
            match probe_index.get(&name) {
                Some(index) => indices.push((*index, at, path)),
                None => {
                    let help = closest(&name, probe_index.keys().map(String::as_str))
                        .as_deref()
                        .map(did_you_mean);
                    self.error_with_help(
                        at,
                        &path,
                        text!(
                            "tidak ada titik uji dengan id `{name}`",
                            "no probe has id `{name}`"
                        ),
                        help,
                    );
                }
            }
        }
        indices
    }

    /// `used`: each probe used, with where it is named and its key path.
    pub(super) fn check_safe_methods(
        &mut self,
        used: &[NamedProbe],
        methods: &[String],
        probe_index: &HashMap<String, usize>,
        allow_unsafe: bool,
    ) {
        if allow_unsafe {
            return;
        }
        for (index, at, path) in used {
            let Some(method) = methods.get(*index) else {
                continue;
            };
            if !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS") {
                let id = probe_index
                    .iter()
                    .find(|(_, i)| *i == index)
                    .map_or_else(|| format!("#{index}"), |(id, _)| format!("`{id}`"));
                self.error_with_help(
                    *at,
                    path,
                    text!(
                        "titik uji {id} memakai {method}; mengulangnya dapat mengubah data pada layanan yang sedang berjalan",
                        "probe {id} uses {method}; repeating it could change data on a live service"
                    ),
                    Some(Text::new(
                        "pakai titik uji `GET`, `HEAD`, atau `OPTIONS` di sini, atau atur `allow_unsafe_methods: true`",
                        "use GET, HEAD or OPTIONS probes here, or set `allow_unsafe_methods: true`",
                    )),
                );
            }
        }
    }
}

/// Each raw probe's method, upper-cased, by index (GET when absent).
pub(super) fn methods_of(probes: &[Spanned<RawProbe>]) -> Vec<String> {
    probes
        .iter()
        .map(|probe| {
            probe.value.request.value.method.as_ref().map_or_else(
                || "GET".to_string(),
                |method| method.value.to_ascii_uppercase(),
            )
        })
        .collect()
}
