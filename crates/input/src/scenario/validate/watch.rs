//! `watch`: how `ujilab watch` probes the scenario continuously (its interval,
//! timeout and when the service counts as down or up again).

use super::Checker;
use crate::scenario::limits::{MAX_AVAILABILITY_EVERY, MAX_TIMEOUT, MAX_WATCH_STREAK};
use crate::scenario::model::Watch;
use crate::scenario::raw::{Position, RawWatch, Spanned};
use crate::text::text;

impl Checker<'_> {
    pub(super) fn watch(&mut self, raw: &Spanned<RawWatch>) -> Watch {
        let raw = &raw.value;
        let every = raw
            .every
            .as_ref()
            .and_then(|value| self.duration_within(value, "watch.every", MAX_AVAILABILITY_EVERY));
        let timeout = raw
            .timeout
            .as_ref()
            .and_then(|value| self.duration_within(value, "watch.timeout", MAX_TIMEOUT));
        let down_after = self.streak(raw.down_after.as_ref(), "watch.down_after");
        let up_after = self.streak(raw.up_after.as_ref(), "watch.up_after");
        Watch {
            every,
            timeout,
            down_after: down_after.unwrap_or(Watch::DEFAULT_DOWN_AFTER),
            up_after: up_after.unwrap_or(Watch::DEFAULT_UP_AFTER),
        }
    }

    /// A count of rounds in a row, 1 to [`MAX_WATCH_STREAK`].
    fn streak(&mut self, value: Option<&Spanned<u32>>, path: &str) -> Option<u32> {
        let value = value?;
        let count = value.value;
        if (1..=MAX_WATCH_STREAK).contains(&count) {
            return Some(count);
        }
        let key = path.rsplit('.').next().unwrap_or(path);
        self.error(
            Position::of(value),
            path,
            text!(
                "`{key}: {count}`: tulis jumlah putaran berturut-turut dari 1 sampai {MAX_WATCH_STREAK}",
                "`{key}: {count}`: write a number of rounds in a row from 1 to {MAX_WATCH_STREAK}"
            ),
        );
        None
    }
}
