//! The unit-bearing strings of the scenario format: durations (`250ms`), ratios
//! (`99.5%`), sizes (`10MiB`) and rates (`50/s`).
//!
//! Every quantity is written with its unit so that a scenario reads unambiguously;
//! a bare number where a unit is expected is an error that says how to write it.

use std::time::Duration;

use crate::text::{Text, text};

/// Parses `250ms`, `2s`, `1.5s`, `1m`, `1h`, `180d`.
pub fn parse_duration(text: &str) -> Result<Duration, Text> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| {
            text!(
                "`{text}` tidak bersatuan: tulis durasi seperti 250ms, 2s, 1m, 1h, atau 180d",
                "`{text}` has no unit: write a duration like 250ms, 2s, 1m, 1h or 180d"
            )
        })?;
    let (number, unit) = text.split_at(split);
    if unit.starts_with(char::is_whitespace) {
        return Err(text!(
            "`{text}` memiliki spasi sebelum satuannya: tulis angka dan satuan tanpa spasi, misalnya {number}s",
            "`{text}` has a space before its unit: write the number and unit together, e.g. {number}s"
        ));
    }
    let value = plain_decimal(number).ok_or_else(|| {
        text!(
            "`{text}` bukan durasi: tulis misalnya 250ms, 2s, atau 1m",
            "`{text}` is not a duration: write e.g. 250ms, 2s or 1m"
        )
    })?;
    let seconds_per_unit = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => {
            return Err(text!(
                "`{unit}` bukan satuan durasi: pakai ms, s, m, h, atau d (seperti `{number}s`)",
                "`{unit}` is not a duration unit: use ms, s, m, h or d (as in `{number}s`)"
            ));
        }
    };
    let seconds = value * seconds_per_unit;
    if !seconds.is_finite() || seconds > 10.0 * 365.0 * 86400.0 {
        return Err(text!(
            "`{text}` adalah durasi yang terlalu panjang",
            "`{text}` is too long a duration"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Parses a percentage string (`1%`, `99.5%`) into a ratio in 0..=1.
pub fn parse_ratio(text: &str) -> Result<f64, Text> {
    let text = text.trim();
    let Some(number) = text.strip_suffix('%') else {
        return Err(text!(
            "`{text}` bukan persentase: rasio ditulis sebagai persentase, tulis 1% untuk satu persen",
            "`{text}` is not a percentage: ratios are percentages, write 1% for one percent"
        ));
    };
    let value = plain_decimal(number).ok_or_else(|| {
        text!(
            "`{text}` bukan persentase seperti 99.5%",
            "`{text}` is not a percentage like 99.5%"
        )
    })?;
    if !(0.0..=100.0).contains(&value) {
        return Err(text!(
            "`{text}` di luar rentang 0%..100%",
            "`{text}` is outside 0%..100%"
        ));
    }
    Ok(value / 100.0)
}

/// Parses a byte size: `512`, `64KiB`, `10MiB`, `1GiB`, `500kB`, `5MB`.
pub(crate) fn parse_size(text: &str) -> Result<u64, Text> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: u64 = number.parse().map_err(|_| {
        text!(
            "`{text}` bukan ukuran: tulis misalnya 512KiB atau 10MiB",
            "`{text}` is not a size: write e.g. 512KiB or 10MiB"
        )
    })?;
    let multiplier: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "kB" | "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        other => {
            return Err(text!(
                "`{other}` bukan satuan ukuran: pakai B, KiB, MiB, GiB, kB, MB, atau GB",
                "`{other}` is not a size unit: use B, KiB, MiB, GiB, kB, MB or GB"
            ));
        }
    };
    value
        .checked_mul(multiplier)
        .ok_or_else(|| text!("`{text}` terlalu besar", "`{text}` is too large"))
}

/// Parses an arrival rate (`50/s`, `0.5/s`, `120/m`) into arrivals per second.
pub(crate) fn parse_rate(text: &str) -> Result<f64, Text> {
    let text = text.trim();
    let Some((number, per)) = text.split_once('/') else {
        return Err(text!(
            "`{text}` bukan laju: tulis jumlah kedatangan per detik atau per menit, misalnya 50/s atau 120/m",
            "`{text}` is not a rate: write arrivals per second or minute, e.g. 50/s or 120/m"
        ));
    };
    let value = plain_decimal(number).ok_or_else(|| {
        text!(
            "`{text}` bukan laju seperti 50/s: tulis angkanya dengan digit, tanpa spasi sebelum `/`",
            "`{text}` is not a rate like 50/s: write the number in digits, with no space before `/`"
        )
    })?;
    let per_second = match per {
        "s" => value,
        "m" => value / 60.0,
        other => {
            return Err(text!(
                "`/{other}` bukan satuan laju: pakai /s atau /m",
                "`/{other}` is not a rate unit: use /s or /m"
            ));
        }
    };
    if !(per_second.is_finite() && per_second > 0.0) {
        return Err(text!(
            "`{text}` harus berupa laju positif",
            "`{text}` must be a positive rate"
        ));
    }
    Ok(per_second)
}

/// The value of a number written in plain digits, with an optional fraction
/// (`50`, `99.5`): what the scenario schema's patterns accept, so `1e3`, `.5`,
/// `inf` and ` 5` are not numbers here.
fn plain_decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|fraction| !digits(fraction)) {
        return None;
    }
    text.parse().ok()
}

/// Writes a duration the way a person reads it: `850 ms`, `1.25 s`.
pub fn format_duration(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{} ms", trim_float(ms))
    } else {
        format!("{} s", trim_float(ms / 1000.0))
    }
}

/// Writes a ratio as a percentage with at most two decimals: `99.5%`.
pub fn format_ratio(ratio: f64) -> String {
    format!("{}%", trim_float(ratio * 100.0))
}

fn trim_float(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("180d"), Ok(Duration::from_secs(180 * 86400)));
        assert!(parse_duration("250").unwrap_err().en.contains("no unit"));
        assert!(
            parse_duration("250")
                .unwrap_err()
                .id
                .contains("tidak bersatuan")
        );
        assert!(parse_duration("5 sec").is_err());
        assert!(
            parse_duration("5sec")
                .unwrap_err()
                .en
                .contains("not a duration unit")
        );
    }

    #[test]
    fn ratios_are_percentages_only() {
        assert_eq!(parse_ratio("99.5%"), Ok(0.995));
        assert_eq!(parse_ratio("1%"), Ok(0.01));
        assert!(
            parse_ratio("0.01")
                .unwrap_err()
                .en
                .contains("write 1% for one percent")
        );
        assert!(parse_ratio("101%").is_err());
    }

    #[test]
    fn sizes_and_rates() {
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("512"), Ok(512));
        assert!(parse_size("10mb").is_err());
        assert_eq!(parse_rate("50/s"), Ok(50.0));
        assert_eq!(parse_rate("120/m"), Ok(2.0));
        assert!(parse_rate("50").is_err());
        assert!(parse_rate("0/s").is_err());
        for written in ["1e300/s", "inf/s", "5 /s", ".5/s", "5./s"] {
            assert!(parse_rate(written).is_err(), "{written}");
        }
        assert!(parse_duration(".5s").is_err());
        assert!(parse_duration("1e3ms").is_err());
        assert!(parse_ratio("1e1%").is_err());
        assert!(parse_ratio("99.5 %").is_err());
    }

    #[test]
    fn formatting_is_readable() {
        assert_eq!(format_duration(Duration::from_millis(850)), "850 ms");
        assert_eq!(format_duration(Duration::from_millis(1250)), "1.25 s");
        assert_eq!(format_ratio(0.995), "99.5%");
        assert_eq!(format_ratio(1.0), "100%");
    }
}
