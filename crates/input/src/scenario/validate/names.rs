//! `vars`, `secrets` and capture names: one namespace, defined in that order.

use super::{Checker, child};
use crate::diagnostic::Problem;
use crate::scenario::interpolate::CaptureUse;
use crate::scenario::raw::{Node, Position, RawProbe, Spanned};
use crate::text::{Text, text};

impl Checker<'_> {
    /// Defines the `vars:` (a `--set` value over the file's) and returns their
    /// names, which are what `--set` may name.
    pub(super) fn vars(&mut self, vars: Option<&Spanned<Node>>) -> Vec<String> {
        let mut names = Vec::new();
        let Some(vars) = vars else { return names };
        let Node::Map(entries) = &vars.value else {
            self.error(
                Position::of(vars),
                "vars",
                text!(
                    "`vars` harus berupa map dari nama ke teks, ditemukan {found}",
                    "`vars` must be a map of names to strings, found {found}",
                    found = vars.value.kind(),
                ),
            );
            return names;
        };
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let path = child("vars", &name);
            if !is_name(&name) {
                self.error(
                    Position::of(key),
                    &path,
                    text!(
                        "`{name}` tidak dapat dipakai sebagai nama: pakai huruf, angka, dan _",
                        "`{name}` is not a valid name: use letters, digits and _"
                    ),
                );
                continue;
            }
            self.check_number_text(value, &path);
            let overridden = self
                .settings
                .set
                .iter()
                .rev()
                .find(|(set_name, _)| *set_name == name)
                .map(|(_, value)| value.clone());
            let text = match (&value.value, overridden) {
                (_, Some(set_value)) => set_value,
                (Node::Str(text), None) => text.clone(),
                (Node::Null | Node::Seq(_) | Node::Map(_), None) => {
                    self.error(
                        Position::of(value),
                        &path,
                        text!(
                            "var berupa teks, ditemukan {found}",
                            "a var is a string, found {found}",
                            found = value.value.kind(),
                        ),
                    );
                    continue;
                }
                (scalar, None) => scalar.scalar_text().unwrap_or_default(),
            };
            let resolved = self
                .template_at(&text, Position::of(value), &path, CaptureUse::Forbidden)
                .as_literal()
                .unwrap_or_default();
            self.interpolator.define(&name, resolved);
            names.push(name);
        }
        names
    }

    pub(super) fn secrets(&mut self, secrets: Option<&Spanned<Node>>) -> Vec<String> {
        let Some(secrets) = secrets else {
            return Vec::new();
        };
        let Node::Map(entries) = &secrets.value else {
            self.error(
                Position::of(secrets),
                "secrets",
                Text::new(
                    "`secrets` memetakan nama ke variabel lingkungan yang menyimpan nilainya",
                    "`secrets` maps a name to the environment variable that holds the value",
                ),
            );
            return Vec::new();
        };
        let mut values = Vec::new();
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let path = child("secrets", &name);
            if self.interpolator.is_defined(&name) {
                self.error(
                    Position::of(key),
                    &path,
                    text!(
                        "`{name}` sudah dipakai sebagai var; nama harus unik di antara vars, secrets, dan capture",
                        "`{name}` is already a var; names are unique across vars, secrets and captures"
                    ),
                );
                continue;
            }
            let Node::Str(variable) = &value.value else {
                self.error(
                    Position::of(value),
                    &path,
                    Text::new(
                        "secret menyebut variabel lingkungan yang menyimpannya, misalnya `token: DUKCAPIL_TOKEN`",
                        "a secret names the environment variable that holds it, e.g. `token: DUKCAPIL_TOKEN`",
                    ),
                );
                continue;
            };
            match self.settings.env.get(variable) {
                Some(secret) if secret.chars().count() < 4 => self.error(
                    Position::of(value),
                    &path,
                    text!(
                        "secret `{name}` (dari ${variable}) kurang dari 4 karakter; nilai sependek itu tidak dapat disamarkan dengan aman",
                        "secret `{name}` (from ${variable}) is shorter than 4 characters; so short a value cannot be redacted safely"
                    ),
                ),
                Some(secret) => {
                    values.push(secret.to_string());
                    self.interpolator.define(&name, secret.to_string());
                }
                None => {
                    let problem = Problem::error(
                        Position::of(value),
                        &path,
                        text!(
                            "variabel lingkungan `{variable}` untuk secret `{name}` belum diatur",
                            "environment variable `{variable}` for secret `{name}` is not set"
                        ),
                    );
                    self.problems.push(if self.settings.require_env {
                        problem
                    } else {
                        problem.warning()
                    });
                    self.interpolator.define(&name, String::new());
                }
            }
        }
        values
    }

    pub(super) fn declare_captures(&mut self, probes: &[Spanned<RawProbe>]) {
        for (index, probe) in probes.iter().enumerate() {
            let Some(capture) = &probe.value.capture else {
                continue;
            };
            let Node::Map(entries) = &capture.value else {
                continue;
            };
            for (key, _) in entries {
                let name = key.value.scalar_text().unwrap_or_default();
                let path = format!("probes[{index}].capture.{name}");
                if self.interpolator.is_defined(&name) {
                    self.error(
                        Position::of(key),
                        &path,
                        text!(
                            "`{name}` sudah dipakai sebagai var atau secret; nama harus unik di antara vars, secrets, dan capture",
                            "`{name}` is already a var or secret; names are unique across vars, secrets and captures"
                        ),
                    );
                } else if self.interpolator.captures().contains_key(&name) {
                    self.error(
                        Position::of(key),
                        &path,
                        text!(
                            "capture `{name}` sudah diambil oleh titik uji sebelumnya",
                            "capture `{name}` is already captured by an earlier probe"
                        ),
                    );
                } else {
                    self.interpolator.declare_capture(&name, index);
                }
            }
        }
    }
}

pub(super) fn is_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
