//! The checker's readers of scalar values: interpolated text, durations, sizes,
//! and numbers written in a form that reads as something else.

use std::time::Duration;

use super::Checker;
use crate::diagnostic::Problem;
use crate::quantity::{parse_duration, parse_size};
use crate::scenario::interpolate::{CaptureUse, Template};
use crate::scenario::raw::{Node, Position, Spanned};

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
                    .with_help(problem.suggestion.map(|s| format!("did you mean `{s}`?")));
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

    pub(super) fn duration(&mut self, value: &Spanned<String>, path: &str) -> Option<Duration> {
        let text = self.resolved_text(value, path)?;
        parse_duration(&text)
            .map_err(|message| self.error(Position::of(value), path, message))
            .ok()
    }

    pub(super) fn size(&mut self, value: &Spanned<String>, path: &str) -> Option<u64> {
        let text = self.resolved_text(value, path)?;
        parse_size(&text)
            .map_err(|message| self.error(Position::of(value), path, message))
            .ok()
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
                format!(
                    "`{text}` reads as the number {number}, which is probably not what you meant"
                ),
                Some(format!(
                    "write \"{text}\" for text or {number} for a number"
                )),
            );
        }
    }
}
