//! The checker's readers of scalar values: interpolated text, durations, sizes,
//! and numbers written in a form that reads as something else.

use std::time::Duration;

use super::Checker;
use crate::diagnostic::{Problem, did_you_mean};
use crate::quantity::{parse_duration, parse_size};
use crate::scenario::interpolate::{CaptureUse, Template};
use crate::scenario::limits::written;
use crate::scenario::raw::{Node, Position, Spanned};
use crate::text::{Text, text};

/// What a duration looks like, for a message about a value not shown.
pub(super) fn duration_expected() -> Text {
    Text::new(
        "durasi seperti 250ms, 2s, atau 1m",
        "a duration like 250ms, 2s or 1m",
    )
}

/// The help of a message about an interpolated value that is not shown.
pub(super) fn hidden_value_help() -> Text {
    Text::new(
        "nilainya tidak ditampilkan karena mungkin memuat secret; periksa vars, secrets, dan variabel lingkungan yang dipakainya",
        "the value is not shown, since it may hold a secret; check the vars, secrets and environment variables it uses",
    )
}

/// Whether a string as written uses interpolation (`${...}`; `$${` is a literal).
pub(super) fn interpolates(text: &str) -> bool {
    text.replace("$${", "").contains("${")
}

/// How a value is quoted in a message: as resolved when it was written as is,
/// as written (`${token}`) when interpolation gave it, since it may hold a secret.
pub(super) fn shown(value: &Spanned<String>, resolved: &str) -> String {
    if interpolates(&value.value) {
        value.value.clone()
    } else {
        resolved.to_string()
    }
}

impl Checker<'_> {
    /// Resolves env, vars and secrets in a string where captures are not allowed.
    pub(super) fn text(&mut self, value: &Spanned<String>, path: &str) -> String {
        self.template_at(
            &value.value,
            Position::of(value),
            path,
            CaptureUse::Forbidden,
        )
        .as_literal()
        .unwrap_or_default()
    }

    pub(super) fn template_at(
        &mut self,
        text: &str,
        at: Position,
        path: &str,
        capture_use: CaptureUse,
    ) -> Template {
        match self.interpolator.resolve(text, capture_use) {
            Ok(template) => template,
            Err((problem, partial)) => {
                let mut reported = Problem::error(at, path, problem.message)
                    .with_help(problem.suggestion.as_deref().map(did_you_mean));
                if problem.missing_env && !self.settings.require_env {
                    reported = reported.warning();
                }
                self.problems.push(reported);
                partial
            }
        }
    }

    /// Like [`Self::text`], but `None` when resolving the value was an error (already
    /// reported), so an unresolved value is not reported again as malformed.
    pub(super) fn resolved_text(&mut self, value: &Spanned<String>, path: &str) -> Option<String> {
        let errors_before = self.problems.iter().filter(|p| p.is_error()).count();
        let text = self.text(value, path);
        let errors_after = self.problems.iter().filter(|p| p.is_error()).count();
        (errors_after == errors_before).then_some(text)
    }

    /// Parses a resolved string value with `parse`. An error about a value that
    /// interpolation gave quotes the value as written (`${token}`) and says what
    /// was `expected`, never the value nor a piece of it: it may hold a secret.
    pub(super) fn parse_value<T>(
        &mut self,
        value: &Spanned<String>,
        path: &str,
        parse: impl FnOnce(&str) -> Result<T, Text>,
        expected: Text,
    ) -> Option<T> {
        let text = self.resolved_text(value, path)?;
        parse(&text)
            .map_err(|message| {
                let at = Position::of(value);
                if interpolates(&value.value) {
                    let (written, id, en) = (&value.value, &expected.id, &expected.en);
                    self.error_with_help(
                        at,
                        path,
                        text!(
                            "`{written}` tidak menghasilkan {id} setelah diinterpolasi",
                            "`{written}` does not give {en} once interpolated"
                        ),
                        Some(hidden_value_help()),
                    );
                } else {
                    self.error(at, path, message);
                }
            })
            .ok()
    }

    pub(super) fn duration(&mut self, value: &Spanned<String>, path: &str) -> Option<Duration> {
        self.parse_value(value, path, parse_duration, duration_expected())
    }

    /// A duration longer than zero and at most `max` (the documented range of
    /// the key at `path`).
    pub(super) fn duration_within(
        &mut self,
        value: &Spanned<String>,
        path: &str,
        max: Duration,
    ) -> Option<Duration> {
        let duration = self.duration(value, path)?;
        let max_duration = max;
        let key = path.rsplit('.').next().unwrap_or(path);
        let shown = shown(value, &value.value);
        let max = written(max);
        let range = text!(
            "tulis durasi dari 1ms sampai {max}",
            "write a duration from 1ms to {max}"
        );
        if duration.is_zero() {
            self.error_with_help(
                Position::of(value),
                path,
                text!(
                    "`{shown}` sama dengan nol: `{key}` harus lebih dari 0",
                    "`{shown}` is no time at all: `{key}` must be longer than 0"
                ),
                Some(range),
            );
            return None;
        }
        if duration > max_duration {
            self.error_with_help(
                Position::of(value),
                path,
                text!(
                    "`{shown}` lebih lama dari {max}, batas terlama `{key}` yang diterima ujilab",
                    "`{shown}` is longer than {max}, the longest `{key}` ujilab accepts"
                ),
                Some(range),
            );
            return None;
        }
        Some(duration)
    }

    pub(super) fn size(&mut self, value: &Spanned<String>, path: &str) -> Option<u64> {
        let expected = Text::new(
            "ukuran seperti 512KiB atau 10MiB",
            "a size like 512KiB or 10MiB",
        );
        self.parse_value(value, path, parse_size, expected)
    }

    /// A whole number within `range` (see [`Self::count`] for how it is written).
    pub(super) fn whole_number(
        &mut self,
        node: &Spanned<Node>,
        path: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Option<u64> {
        let number = self.count(node, path)?;
        if range.contains(&number.value) {
            return Some(number.value);
        }
        let (low, high) = (*range.start(), *range.end());
        let written = node
            .value
            .scalar_text()
            .unwrap_or_else(|| node.value.kind().en);
        self.error(
            Position::of(node),
            path,
            text!(
                "`{written}` bukan bilangan bulat dari {low} sampai {high}",
                "`{written}` is not a whole number from {low} to {high}"
            ),
        );
        None
    }

    /// A whole number written as a number (`3`) or as a string that interpolates
    /// to one (`${env:RETRIES:-3}`), so CI can change it without editing the file;
    /// at the position of the value as written, for the range checks that follow.
    /// A problem quotes the value as written, never an interpolated result (it may
    /// be a secret).
    pub(super) fn count(&mut self, node: &Spanned<Node>, path: &str) -> Option<Spanned<u64>> {
        let at = Position::of(node);
        let number = match &node.value {
            Node::Int(value) => u64::try_from(*value).ok(),
            Node::Str(written) => {
                let spanned = Spanned {
                    value: written.clone(),
                    referenced: node.referenced,
                    defined: node.defined,
                };
                let resolved = self.resolved_text(&spanned, path)?;
                match resolved.trim().parse::<u64>() {
                    Ok(value) => Some(value),
                    Err(_) if interpolates(written) => {
                        self.error_with_help(
                            at,
                            path,
                            text!(
                                "`{written}` tidak menghasilkan bilangan bulat setelah diinterpolasi",
                                "`{written}` does not give a whole number once interpolated"
                            ),
                            Some(hidden_value_help()),
                        );
                        return None;
                    }
                    Err(_) => None,
                }
            }
            _ => None,
        };
        match number {
            Some(value) => Some(Spanned {
                value,
                referenced: node.referenced,
                defined: node.defined,
            }),
            None => {
                let written = node
                    .value
                    .scalar_text()
                    .unwrap_or_else(|| node.value.kind().en);
                self.error(
                    at,
                    path,
                    text!(
                        "`{written}` bukan bilangan bulat",
                        "`{written}` is not a whole number"
                    ),
                );
                None
            }
        }
    }

    /// A number scalar whose text is not that number's canonical form (`1.10`,
    /// `0123`, `+5`) is ambiguous: the user likely meant text.
    pub(super) fn check_number_text(&mut self, node: &Spanned<Node>, path: &str) {
        if !matches!(node.value, Node::Int(_) | Node::Float(_)) {
            return;
        }
        let at = Position::of(node);
        let Some((start, end)) = at.bytes else {
            return;
        };
        let Some(text) = self.source.get(start..end) else {
            return;
        };
        let text = text.trim();
        let digits = text.trim_start_matches('-');
        let leading_zero = digits.len() > 1
            && digits.starts_with('0')
            && digits.as_bytes().get(1).is_some_and(u8::is_ascii_digit);
        let trailing_zero = digits
            .split_once('.')
            .is_some_and(|(_, fraction)| fraction.len() > 1 && fraction.ends_with('0'));
        if text.starts_with('+') || leading_zero || trailing_zero {
            let number = node.value.scalar_text().unwrap_or_default();
            self.error_with_help(
                at,
                path,
                text!(
                    "`{text}` terbaca sebagai angka {number}, yang kemungkinan bukan maksud Anda",
                    "`{text}` reads as the number {number}, which is probably not what you meant"
                ),
                Some(text!(
                    "tulis \"{text}\" untuk teks atau {number} untuk angka",
                    "write \"{text}\" for text or {number} for a number"
                )),
            );
        }
    }
}
