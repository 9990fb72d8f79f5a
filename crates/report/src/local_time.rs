//! Times as an Indonesian reader expects them: in the service's own zone (WIB,
//! WITA or WIT), read from the province in its Kemendagri region code. report.json
//! keeps RFC 3339 UTC; only human output is shown in the local zone. This module is
//! the one place that decides the zone.

use input::lang::Lang;
use time::{OffsetDateTime, UtcOffset};

use crate::model::{Report, ScenarioEntry, ScenarioReport};

/// Indonesia's three time zones (Keppres 41/1987).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Waktu Indonesia Barat, UTC+7.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    Wit,
}

impl Zone {
    /// The zone of a region code (`32`, `32.11`, `63.71.01.1001`): its first two
    /// digits are the province. WIB when there is no code or it does not start
    /// with two digits: most services, and the zone of Jakarta.
    pub fn of_region_code(code: Option<&str>) -> Zone {
        let province = code
            .map(str::trim)
            .and_then(|code| code.get(..2))
            .filter(|two| two.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|two| two.parse::<u8>().ok());
        match province {
            // Maluku, Maluku Utara and the Papua provinces.
            Some(81 | 82 | 91..=97) => Zone::Wit,
            // Bali, Nusa Tenggara, Kalimantan Selatan/Timur/Utara, Sulawesi.
            Some(51..=53 | 63..=65 | 71..=76) => Zone::Wita,
            _ => Zone::Wib,
        }
    }

    /// The zone of a scenario's service.
    pub fn of_scenario(scenario: &ScenarioReport) -> Zone {
        Zone::of_region_code(
            scenario
                .service
                .region
                .as_ref()
                .and_then(|region| region.code.as_deref()),
        )
    }

    /// The zone of a whole run (its start and end): the zone its services share,
    /// WIB when they are in several zones or there is none.
    pub fn of_report(report: &Report) -> Zone {
        let mut zones = report.scenarios.iter().filter_map(|entry| match entry {
            ScenarioEntry::Ran(scenario) => Some(Zone::of_scenario(scenario)),
            ScenarioEntry::LoadError(_) => None,
        });
        match zones.next() {
            Some(first) if zones.all(|zone| zone == first) => first,
            _ => Zone::Wib,
        }
    }

    pub fn abbreviation(self) -> &'static str {
        match self {
            Zone::Wib => "WIB",
            Zone::Wita => "WITA",
            Zone::Wit => "WIT",
        }
    }

    fn offset(self) -> UtcOffset {
        let hours = match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        };
        UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
    }
}

/// How much of a time is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// `5 Des 2026 21.14 WIB`: when a run or a test took place.
    Minutes,
    /// `5 Des 2026 21.14.07 WIB`: single samples, seconds apart.
    Seconds,
}

const MONTHS_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn parse(rfc3339: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).ok()
}

/// `5 Des 2026 21.14 WIB` (id) or `5 Dec 2026 21:14 WIB` (en); `None` when the
/// text is not RFC 3339.
pub fn local(rfc3339: &str, zone: Zone, lang: Lang, precision: Precision) -> Option<String> {
    let at = parse(rfc3339)?.to_offset(zone.offset());
    let month = lang.choose(MONTHS_ID, MONTHS_EN)[usize::from(u8::from(at.month())) - 1];
    // Indonesian writes the time with dots (PUEBI: pukul 21.14).
    let separator = lang.pick(".", ":");
    let mut clock = format!("{:02}{separator}{:02}", at.hour(), at.minute());
    if precision == Precision::Seconds {
        clock = format!("{clock}{separator}{:02}", at.second());
    }
    Some(format!(
        "{} {month} {} {clock} {}",
        at.day(),
        at.year(),
        zone.abbreviation()
    ))
}

/// `2026-12-05 14:14:03 UTC`: the same instant as report.json records it, to set
/// beside a local time in the annex; `None` when the text is not RFC 3339.
pub fn utc(rfc3339: &str) -> Option<String> {
    parse(rfc3339).map(|_| crate::wording::time_text(rfc3339))
}

/// The local time with UTC beside it, `5 Des 2026 21.14 WIB (2026-12-05 14:14:03
/// UTC)`; the text as given when it is not RFC 3339.
pub fn local_and_utc(rfc3339: &str, zone: Zone, lang: Lang, precision: Precision) -> String {
    match (local(rfc3339, zone, lang, precision), utc(rfc3339)) {
        (Some(local), Some(utc)) => format!("{local} ({utc})"),
        _ => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every province code of Kemendagri (Permendagri 58/2021 and the Papua
    /// provinces of 2022) and its zone.
    #[test]
    fn each_province_has_its_zone() {
        let wib = [
            11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 61, 62,
        ];
        let wita = [51, 52, 53, 63, 64, 65, 71, 72, 73, 74, 75, 76];
        let wit = [81, 82, 91, 92, 93, 94, 95, 96, 97];
        for (codes, zone) in [
            (&wib[..], Zone::Wib),
            (&wita[..], Zone::Wita),
            (&wit[..], Zone::Wit),
        ] {
            for code in codes {
                assert_eq!(
                    Zone::of_region_code(Some(&code.to_string())),
                    zone,
                    "province {code}"
                );
            }
        }
    }

    /// The edges of each range, and codes of every length: only the first two
    /// digits count.
    #[test]
    fn the_boundaries_and_the_longer_codes() {
        let cases = [
            ("50", Zone::Wib),
            ("51", Zone::Wita),
            ("53", Zone::Wita),
            ("54", Zone::Wib),
            ("62", Zone::Wib),
            ("63", Zone::Wita),
            ("65", Zone::Wita),
            ("66", Zone::Wib),
            ("70", Zone::Wib),
            ("71", Zone::Wita),
            ("76", Zone::Wita),
            ("77", Zone::Wib),
            ("80", Zone::Wib),
            ("81", Zone::Wit),
            ("82", Zone::Wit),
            ("83", Zone::Wib),
            ("90", Zone::Wib),
            ("91", Zone::Wit),
            ("97", Zone::Wit),
            ("98", Zone::Wib),
            ("99.01", Zone::Wib),
            ("63.71", Zone::Wita),
            ("6371", Zone::Wita),
            ("94.71.01.1001", Zone::Wit),
            (" 81.71", Zone::Wit),
            ("5", Zone::Wib),
            ("", Zone::Wib),
            ("x1", Zone::Wib),
            ("1x", Zone::Wib),
            ("٨١", Zone::Wib),
        ];
        for (code, zone) in cases {
            assert_eq!(Zone::of_region_code(Some(code)), zone, "code {code:?}");
        }
        assert_eq!(Zone::of_region_code(None), Zone::Wib);
    }

    #[test]
    fn times_in_each_zone_and_language() {
        let at = "2026-12-05T14:14:03.123Z";
        assert_eq!(
            local(at, Zone::Wib, Lang::Id, Precision::Minutes).as_deref(),
            Some("5 Des 2026 21.14 WIB")
        );
        assert_eq!(
            local(at, Zone::Wib, Lang::En, Precision::Minutes).as_deref(),
            Some("5 Dec 2026 21:14 WIB")
        );
        assert_eq!(
            local(at, Zone::Wita, Lang::Id, Precision::Seconds).as_deref(),
            Some("5 Des 2026 22.14.03 WITA")
        );
        // Past midnight in WIT: the local date is the next day.
        assert_eq!(
            local(at, Zone::Wit, Lang::En, Precision::Minutes).as_deref(),
            Some("5 Dec 2026 23:14 WIT")
        );
        assert_eq!(
            local(
                "2026-08-31T15:30:00Z",
                Zone::Wit,
                Lang::Id,
                Precision::Minutes
            )
            .as_deref(),
            Some("1 Sep 2026 00.30 WIT")
        );
        assert_eq!(
            local(
                "2026-08-01T00:00:00+07:00",
                Zone::Wib,
                Lang::Id,
                Precision::Minutes
            )
            .as_deref(),
            Some("1 Agu 2026 00.00 WIB")
        );
        assert_eq!(utc(at).as_deref(), Some("2026-12-05 14:14:03 UTC"));
        assert_eq!(
            local_and_utc(at, Zone::Wita, Lang::Id, Precision::Minutes),
            "5 Des 2026 22.14 WITA (2026-12-05 14:14:03 UTC)"
        );
        assert_eq!(
            local("yesterday", Zone::Wib, Lang::Id, Precision::Minutes),
            None
        );
        assert_eq!(
            local_and_utc("yesterday", Zone::Wib, Lang::En, Precision::Minutes),
            "yesterday"
        );
    }
}
