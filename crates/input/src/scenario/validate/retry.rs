//! `retry:` of a functional probe: how many tries, the pause between them, and
//! which failures call for another (`on:`).

use std::time::Duration;

use super::{Checker, child};
use crate::diagnostic::did_you_mean;
use crate::scenario::model::{Retry, RetryOn, StatusPattern};
use crate::scenario::raw::{Position, RawRetry, Spanned, closest};
use crate::text::{Text, text};

/// The pause before each new try when `delay:` is not given.
const DEFAULT_DELAY: Duration = Duration::from_secs(1);
/// The longest pause accepted: a probe that needs longer is not flaky, it is down.
const MAX_DELAY: Duration = Duration::from_secs(60);
/// Every try, the first included.
const MAX_ATTEMPTS: u64 = 10;

impl Checker<'_> {
    pub(super) fn retry(&mut self, raw: &Spanned<RawRetry>, path: &str) -> Option<Retry> {
        let attempts = self.whole_number(
            &raw.value.attempts,
            &child(path, "attempts"),
            2..=MAX_ATTEMPTS,
        );
        let delay = match &raw.value.delay {
            Some(delay) => self.duration_within(delay, &child(path, "delay"), MAX_DELAY)?,
            None => DEFAULT_DELAY,
        };
        let on = match &raw.value.on {
            None => RetryOn::defaults(),
            Some(list) => {
                if list.value.is_empty() {
                    self.error(
                        Position::of(list),
                        &child(path, "on"),
                        Text::new(
                            "`on` kosong: tidak ada kegagalan yang diulang",
                            "`on` is empty: no failure would be retried",
                        ),
                    );
                }
                let on_path = child(path, "on");
                let read: Vec<Option<RetryOn>> = list
                    .value
                    .iter()
                    .enumerate()
                    .map(|(at, item)| self.retry_on(item, &format!("{on_path}[{at}]")))
                    .collect();
                read.into_iter().collect::<Option<Vec<_>>>()?
            }
        };
        Some(Retry {
            attempts: u32::try_from(attempts?).ok()?,
            delay,
            on,
        })
    }

    /// One entry of `on:`: a transport kind, a status class (`5xx`) or a status.
    fn retry_on(&mut self, item: &Spanned<String>, path: &str) -> Option<RetryOn> {
        let written = self.text(item, path);
        if let Some(kind) = RetryOn::TRANSPORT_KINDS
            .into_iter()
            .find(|kind| *kind == written)
        {
            return Some(RetryOn::Transport(kind));
        }
        let bytes = written.as_bytes();
        if written.len() == 3 && written.ends_with("xx") && (b'1'..=b'5').contains(&bytes[0]) {
            return Some(RetryOn::Status(StatusPattern::Class(u16::from(
                bytes[0] - b'0',
            ))));
        }
        if let Ok(code) = written.parse::<u16>()
            && (100..=599).contains(&code)
        {
            return Some(RetryOn::Status(StatusPattern::Code(code)));
        }
        let kinds = RetryOn::TRANSPORT_KINDS.join(", ");
        let help = closest(&written, RetryOn::TRANSPORT_KINDS)
            .as_deref()
            .map(did_you_mean)
            .unwrap_or_else(|| {
                text!(
                    "pakai jenis kegagalan ({kinds}), kelas status (`5xx`) atau kode status (`503`)",
                    "use a failure kind ({kinds}), a status class (5xx) or a status (503)"
                )
            });
        self.error_with_help(
            Position::of(item),
            path,
            text!(
                "`{written}` bukan kegagalan yang dapat diulang",
                "`{written}` is not a failure a probe can be retried on"
            ),
            Some(help),
        );
        None
    }
}
