//! Times as the history keeps them (milliseconds since the Unix epoch, UTC) and
//! as people and reports read them (RFC 3339), and the `--from`/`--to` of a
//! report over a period.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub fn rfc3339_ms(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|time| time.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "`{0}` is neither an RFC 3339 time (2026-11-01T00:00:00+07:00) nor a span back from now (30d, 12h, 90m)"
)]
pub struct TimeError(pub String);

/// `T`: an RFC 3339 time, or a span back from `now` (ms) such as `30d`.
pub fn parse_point(text: &str, now: i64) -> Result<i64, TimeError> {
    let text = text.trim();
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(i64::try_from(time.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX));
    }
    if text == "now" {
        return Ok(now);
    }
    let error = || TimeError(text.to_string());
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(error)?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| error())?;
    let unit_ms: i64 = match unit {
        "d" => 86_400_000,
        "h" => 3_600_000,
        "m" => 60_000,
        "s" => 1_000,
        _ => return Err(error()),
    };
    number
        .checked_mul(unit_ms)
        .and_then(|back| now.checked_sub(back))
        .ok_or_else(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_rfc3339_or_spans_back_from_now() {
        let now = 100 * 86_400_000;
        assert_eq!(parse_point("30d", now), Ok(70 * 86_400_000));
        assert_eq!(parse_point("90m", now), Ok(now - 90 * 60_000));
        assert_eq!(parse_point("now", now), Ok(now));
        assert_eq!(
            parse_point("1970-01-02T07:00:00+07:00", now),
            Ok(86_400_000)
        );
        assert!(parse_point("30 days", now).is_err());
        assert!(parse_point("d", now).is_err());
        assert_eq!(rfc3339_ms(86_400_000), "1970-01-02T00:00:00Z");
    }
}
