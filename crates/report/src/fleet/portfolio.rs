//! `ujilab portfolio`: the regional roll-up. Per region (from `service.region`):
//! its services and their indices, the region's index (the mean of its services'
//! indices, exact, rounded half-up to two decimals once) and predicate; then the
//! national targets: the shares of kabupaten and of kota at the good predicate or
//! better (75% and 85% by default) and the mean index of all regions (3.50).
//!
//! Predicates come from the built-in catalogue's bands. A service without an index
//! (not scored, or inconclusive) is listed but counts in no mean; a region without
//! any scored service has no index and counts in no share.
//!
//! A portfolio counts only what was measured in full, on the public service. It
//! refuses (bad input, naming the file) a report whose run or scenario is
//! incomplete (`complete: false`), a partial run (a phase skipped by `--only`,
//! `--no-load` or `--no-availability`) and a run under test conditions
//! (`resolve`, an extra CA file, `insecure`, from the scenario or the command
//! line). `allow_incomplete` and `allow_test_conditions` let such services in,
//! marked with their [`Caveat`]s in every output and counted toward no target: not
//! in their region's index, so not in any share or mean.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use askama::Template;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use input::catalogue::{Catalogue, Scale};
use input::lang::Lang;

use crate::fleet::read::{ReportFile, ran};
use crate::markdown;
use crate::model::{Gate, PhaseState, Predicate, Report, ScenarioReport, Verdict};

/// One service's latest run: its finish time, its entry, and its region
/// (code, name, type) when the report names one.
type LatestRun = (String, ServiceEntry, Option<[Option<String>; 3]>);

const FORMAT: &str = "ujilab-portfolio/1";

/// The national targets a portfolio is held to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Targets {
    /// The mean index of all scored regions must reach this.
    pub index: f64,
    /// Share (0..1) of scored kabupaten at the good predicate or better.
    pub kabupaten: f64,
    /// Share (0..1) of scored kota at the good predicate or better.
    pub kota: f64,
    /// The predicate that counts as good, and the index it starts at.
    pub good: Predicate,
    pub good_min_index: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Portfolio {
    /// Always `ujilab-portfolio/1`.
    pub format: String,
    pub tool: String,
    /// The catalogue whose bands give the predicates: `idsll-core 2026.1`.
    pub bands: String,
    pub sources: Vec<PortfolioSource>,
    pub targets: Targets,
    pub summary: Summary,
    /// Sorted by region code (then name).
    pub regions: Vec<RegionEntry>,
    /// Services whose scenario names no region.
    pub unassigned: Vec<ServiceEntry>,
    /// Services found in more than one report: the latest run is kept.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PortfolioSource {
    pub file: String,
    pub run_id: String,
    pub finished_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    pub regions: u64,
    /// Regions with an index.
    pub scored_regions: u64,
    /// Mean index of the scored regions (rounded half-up to two decimals).
    pub mean_index: Option<f64>,
    /// Services listed with a caveat, counted toward no target.
    #[serde(default)]
    pub not_counted: u64,
    pub mean_index_met: bool,
    pub kabupaten: Share,
    pub kota: Share,
    /// Every target met.
    pub met: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Share {
    pub regions: u64,
    pub scored: u64,
    /// Scored regions at the good predicate or better.
    pub good: u64,
    /// good / scored; null without a scored region.
    pub share: Option<f64>,
    pub target: f64,
    pub met: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RegionEntry {
    pub code: Option<String>,
    pub name: Option<String>,
    /// `provinsi`, `kabupaten`, `kota` (or null when not given).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub index: Option<f64>,
    pub predicate: Option<Predicate>,
    /// At the good predicate or better.
    pub good: bool,
    pub services: Vec<ServiceEntry>,
    /// Services that count in the index.
    pub scored_services: u64,
    /// Services listed with a caveat, not in the index.
    #[serde(default)]
    pub not_counted: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ServiceEntry {
    /// The scenario identity.
    pub id: String,
    pub name: Option<String>,
    pub sector: Option<String>,
    pub index: Option<f64>,
    pub predicate: Option<Predicate>,
    pub verdict: Option<Verdict>,
    pub gate: Gate,
    pub file: String,
    pub run_id: String,
    /// Why the service counts toward no target (empty when it counts).
    #[serde(default)]
    pub caveats: Vec<Caveat>,
    /// What the caveats rest on: the flags that skipped a phase (`--no-load`), the
    /// test conditions (`resolve`, `ca_file`, `insecure`).
    #[serde(default)]
    pub caveat_details: Vec<String>,
}

impl ServiceEntry {
    /// Whether the service counts toward the targets (through its region).
    pub fn counted(&self) -> bool {
        self.caveats.is_empty()
    }
}

/// Why a service is listed but counted toward no target.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Caveat {
    /// The run or the scenario was cut short (`complete: false`).
    Incomplete,
    /// A phase was skipped by `--only`, `--no-load` or `--no-availability`.
    PartialRun,
    /// Measured under test conditions (`resolve`, an extra CA file, `insecure`):
    /// not evidence about the public service.
    TestConditions,
    /// Scored by a catalogue on another scale (`ombudsman-kepatuhan`, 0..100):
    /// its index says nothing about the targets, and no flag counts it.
    OtherScale,
    /// Supporting evidence without an index (`spbe-layanan`): nothing to count.
    EvidenceOnly,
}

#[derive(Debug)]
pub enum PortfolioError {
    UnknownPredicate {
        given: String,
        catalogue: String,
        known: String,
    },
    Refused {
        refusals: Vec<Refusal>,
    },
}

impl PortfolioError {
    /// Why no portfolio is built, in the reader's language.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            PortfolioError::UnknownPredicate {
                given,
                catalogue,
                known,
            } => lang.choose(
                format!("--good {given}: bukan predikat {catalogue}; yang dikenal: {known}"),
                format!("--good {given}: not a predicate of {catalogue}; expected one of: {known}"),
            ),
            PortfolioError::Refused { refusals } => {
                let lines = refusals
                    .iter()
                    .map(|refusal| format!("  {}", refusal.describe(lang)))
                    .collect::<Vec<_>>()
                    .join("\n");
                lang.choose(
                    format!("portofolio hanya menghitung uji lengkap pada layanan publik; ditolak:\n{lines}"),
                    format!("a portfolio counts only complete runs on the public service; refused:\n{lines}"),
                )
            }
        }
    }
}

impl std::fmt::Display for PortfolioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

impl std::error::Error for PortfolioError {}

/// One service of one report that a portfolio may not count.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub file: String,
    pub service: String,
    pub caveat: Caveat,
    pub details: Vec<String>,
}

impl Refusal {
    /// Why this service is refused and which flag, if any, would list it.
    pub fn describe(&self, lang: Lang) -> String {
        let details = self.details.join(", ");
        let (file, service) = (&self.file, &self.service);
        let (what, flag) = match self.caveat {
            Caveat::Incomplete => (
                lang.choose(
                    "tidak lengkap: uji dihentikan sebelum selesai (complete: false)".to_string(),
                    "incomplete: the run was cut short (complete: false)".to_string(),
                ),
                Some("--allow-incomplete"),
            ),
            Caveat::PartialRun => (
                lang.choose(
                    format!("uji parsial ({details}): ada tahap yang dilewati"),
                    format!("a partial run ({details}): a phase was skipped"),
                ),
                Some("--allow-incomplete"),
            ),
            Caveat::TestConditions => (
                lang.choose(
                    format!("diukur dalam kondisi uji ({details}), bukan pada layanan publik"),
                    format!(
                        "measured under test conditions ({details}), not on the public service"
                    ),
                ),
                Some("--allow-test-conditions"),
            ),
            Caveat::OtherScale => (
                lang.choose(
                    format!("dinilai dengan katalog berskala lain ({details})"),
                    format!("scored by a catalogue on another scale ({details})"),
                ),
                None,
            ),
            Caveat::EvidenceOnly => (
                lang.choose(
                    format!("berisi bukti pendukung tanpa indeks ({details})"),
                    format!("holds supporting evidence without an index ({details})"),
                ),
                None,
            ),
        };
        match flag {
            Some(flag) => lang.choose(
                format!("{file}: {service}: {what}; {flag} menampilkannya dengan tanda, tanpa dihitung ke target mana pun"),
                format!("{file}: {service}: {what}; {flag} lists it, marked, counted toward no target"),
            ),
            None => lang.choose(
                format!("{file}: {service}: {what}; indeksnya tidak sebanding dengan target portofolio, jadi tidak dapat dicantumkan"),
                format!("{file}: {service}: {what}; its index is not comparable with the portfolio's targets, so it cannot be listed"),
            ),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

/// The caveats of one scenario of one report, with what each rests on.
fn caveats(report: &Report, scenario: &ScenarioReport, scale: Scale) -> Vec<(Caveat, Vec<String>)> {
    let mut found = Vec::new();
    if let Some(standards) = &scenario.standards
        && standards.verdict == Verdict::EvidenceOnly
    {
        found.push((
            Caveat::EvidenceOnly,
            vec![format!("{} {}", standards.catalogue, standards.version)],
        ));
    } else if let Some(standards) = &scenario.standards
        && standards.scale != scale
    {
        found.push((
            Caveat::OtherScale,
            vec![format!(
                "{} {}, {}",
                standards.catalogue,
                standards.version,
                standards.scale.index_text()
            )],
        ));
    }
    if !report.run.complete || !scenario.complete {
        found.push((Caveat::Incomplete, Vec::new()));
    }
    let mut flags: Vec<String> = Vec::new();
    let phases = &scenario.phases;
    for phase in [&phases.functional, &phases.availability, &phases.load] {
        let Some(reason) = phase.reason.as_deref() else {
            continue;
        };
        if phase.status != PhaseState::Skipped {
            continue;
        }
        for flag in ["--only", "--no-load", "--no-availability"] {
            if reason.starts_with(flag) && !flags.iter().any(|known| known == flag) {
                flags.push(flag.to_string());
            }
        }
    }
    let partial_verdict = scenario.standards.as_ref().is_some_and(|standards| {
        standards.verdict_reasons.iter().any(|reason| {
            reason == "partial_run" || reason.get("code").is_some_and(|code| code == "partial_run")
        })
    });
    if partial_verdict && flags.is_empty() {
        flags.push("partial_run".to_string());
    }
    if !flags.is_empty() {
        found.push((Caveat::PartialRun, flags));
    }
    let conditions = test_conditions(scenario);
    if !conditions.is_empty() {
        found.push((Caveat::TestConditions, conditions));
    }
    found
}

/// `resolve`, `ca_file`, `insecure`: from the command line (`overrides`), the
/// verdict's `conditions`, or the scenario as run (`effective`), which records
/// them also for a scenario without standards.
fn test_conditions(scenario: &ScenarioReport) -> Vec<String> {
    let overrides = &scenario.overrides;
    let effective = &scenario.effective;
    let non_empty = |pointer: &str| {
        effective.pointer(pointer).is_some_and(|value| match value {
            serde_json::Value::Null | serde_json::Value::Bool(false) => false,
            serde_json::Value::Object(map) => !map.is_empty(),
            serde_json::Value::Array(items) => !items.is_empty(),
            serde_json::Value::String(text) => !text.is_empty(),
            _ => true,
        })
    };
    let from_standards = |name: &str| {
        scenario
            .standards
            .as_ref()
            .is_some_and(|standards| standards.conditions.iter().any(|c| c == name))
    };
    let mut conditions = Vec::new();
    if !overrides.resolve.is_empty() || from_standards("resolve") || non_empty("/defaults/resolve")
    {
        conditions.push("resolve".to_string());
    }
    if !overrides.ca_file.is_empty()
        || from_standards("ca_file")
        || non_empty("/defaults/tls/ca_file")
    {
        conditions.push("ca_file".to_string());
    }
    if overrides.insecure || from_standards("insecure") || non_empty("/defaults/tls/insecure") {
        conditions.push("insecure".to_string());
    }
    conditions
}

/// Hundredths of an index, exactly (reports round indices to two decimals).
fn hundredths(index: f64) -> i64 {
    (index * 100.0).round() as i64
}

/// The mean of indices given in hundredths, rounded half-up to two decimals.
fn mean_index(values: &[i64]) -> Option<f64> {
    let n = values.len() as i64;
    if n == 0 {
        return None;
    }
    let sum: i64 = values.iter().sum();
    // floor((2 * sum + n) / (2 n)) is sum / n rounded half-up (indices are >= 0).
    Some(((2 * sum + n).div_euclid(2 * n)) as f64 / 100.0)
}

fn predicate_of(catalogue: &Catalogue, index: f64) -> Option<Predicate> {
    catalogue.band(index).map(|band| Predicate {
        id: band.name.id.clone(),
        en: band.name.en.clone(),
    })
}

pub struct Settings {
    pub index: f64,
    pub kabupaten: f64,
    pub kota: f64,
    /// A band name, in either language.
    pub good: String,
    /// List incomplete and partial runs (marked, not counted) instead of refusing.
    pub allow_incomplete: bool,
    /// List runs under test conditions (marked, not counted) instead of refusing.
    pub allow_test_conditions: bool,
}

pub fn build(
    inputs: &[ReportFile],
    settings: &Settings,
    catalogue: &Catalogue,
) -> Result<Portfolio, PortfolioError> {
    let good_band = catalogue
        .bands
        .iter()
        .find(|band| {
            band.name.id.eq_ignore_ascii_case(&settings.good)
                || band.name.en.eq_ignore_ascii_case(&settings.good)
        })
        .ok_or_else(|| PortfolioError::UnknownPredicate {
            given: settings.good.clone(),
            catalogue: format!("{} {}", catalogue.name, catalogue.version),
            known: catalogue
                .bands
                .iter()
                .map(|band| band.name.id.clone())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let is_good = |index: f64| index >= good_band.min - 1e-9;

    // What may not be counted is refused, every case of it at once, unless allowed.
    let mut refusals = Vec::new();
    for input in inputs {
        for (identity, scenario) in ran(&input.report) {
            for (caveat, details) in caveats(&input.report, scenario, catalogue.scale) {
                let allowed = match caveat {
                    Caveat::Incomplete | Caveat::PartialRun => settings.allow_incomplete,
                    Caveat::TestConditions => settings.allow_test_conditions,
                    Caveat::OtherScale | Caveat::EvidenceOnly => false,
                };
                if !allowed {
                    refusals.push(Refusal {
                        file: input.file.clone(),
                        service: identity.clone(),
                        caveat,
                        details,
                    });
                }
            }
        }
    }
    if !refusals.is_empty() {
        return Err(PortfolioError::Refused { refusals });
    }

    // The latest run of each service wins.
    let mut services: BTreeMap<String, LatestRun> = BTreeMap::new();
    let mut notes = Vec::new();
    for input in inputs {
        for (identity, scenario) in ran(&input.report) {
            let (caveats, details): (Vec<Caveat>, Vec<Vec<String>>) =
                caveats(&input.report, scenario, catalogue.scale)
                    .into_iter()
                    .unzip();
            let standards = scenario.standards.as_ref();
            let index = standards.and_then(|s| s.index);
            let entry = ServiceEntry {
                id: identity.clone(),
                name: scenario.service.name.clone(),
                sector: scenario.service.sector.clone(),
                index,
                predicate: index.and_then(|index| predicate_of(catalogue, index)),
                verdict: standards.map(|s| s.verdict),
                gate: scenario.gate,
                file: input.file.clone(),
                run_id: input.report.run.id.clone(),
                caveats,
                caveat_details: details.concat(),
            };
            let region = scenario
                .service
                .region
                .as_ref()
                .map(|r| [r.code.clone(), r.name.clone(), r.kind.clone()]);
            let finished = scenario.finished_at.clone();
            match services.get(&identity) {
                Some((earlier, kept, _)) => {
                    notes.push(format!(
                        "{identity} is in {} and {}: the later run is kept",
                        kept.file, input.file
                    ));
                    if finished > *earlier {
                        services.insert(identity, (finished, entry, region));
                    }
                }
                None => {
                    services.insert(identity, (finished, entry, region));
                }
            }
        }
    }

    let mut regions: BTreeMap<(String, String), RegionEntry> = BTreeMap::new();
    let mut unassigned = Vec::new();
    for (_, entry, region) in services.into_values() {
        let Some([code, name, kind]) = region else {
            unassigned.push(entry);
            continue;
        };
        let key = (
            code.clone().unwrap_or_default(),
            name.clone().unwrap_or_default(),
        );
        regions
            .entry(key)
            .or_insert_with(|| RegionEntry {
                code,
                name,
                kind,
                index: None,
                predicate: None,
                good: false,
                services: Vec::new(),
                scored_services: 0,
                not_counted: 0,
            })
            .services
            .push(entry);
    }
    let mut regions: Vec<RegionEntry> = regions.into_values().collect();
    for region in &mut regions {
        let scored: Vec<i64> = region
            .services
            .iter()
            .filter(|s| s.counted())
            .filter_map(|s| s.index.map(hundredths))
            .collect();
        region.scored_services = scored.len() as u64;
        region.not_counted = region.services.iter().filter(|s| !s.counted()).count() as u64;
        region.index = mean_index(&scored);
        region.predicate = region.index.and_then(|i| predicate_of(catalogue, i));
        region.good = region.index.is_some_and(is_good);
    }

    let share = |kind: &str, target: f64| {
        let of_kind: Vec<&RegionEntry> = regions
            .iter()
            .filter(|r| r.kind.as_deref() == Some(kind))
            .collect();
        let scored = of_kind.iter().filter(|r| r.index.is_some()).count() as u64;
        let good = of_kind.iter().filter(|r| r.good).count() as u64;
        let share = (scored > 0).then(|| good as f64 / scored as f64);
        Share {
            regions: of_kind.len() as u64,
            scored,
            good,
            share,
            target,
            met: share.is_some_and(|s| s >= target - 1e-12),
        }
    };
    let kabupaten = share("kabupaten", settings.kabupaten);
    let kota = share("kota", settings.kota);
    let scored: Vec<i64> = regions
        .iter()
        .filter_map(|r| r.index.map(hundredths))
        .collect();
    let mean = mean_index(&scored);
    let mean_index_met = mean.is_some_and(|m| m >= settings.index - 1e-9);
    let not_counted = regions
        .iter()
        .flat_map(|r| &r.services)
        .chain(&unassigned)
        .filter(|s| !s.counted())
        .count() as u64;
    let summary = Summary {
        regions: regions.len() as u64,
        scored_regions: scored.len() as u64,
        mean_index: mean,
        not_counted,
        mean_index_met,
        met: mean_index_met
            && (kabupaten.regions == 0 || kabupaten.met)
            && (kota.regions == 0 || kota.met),
        kabupaten,
        kota,
    };
    Ok(Portfolio {
        format: FORMAT.into(),
        tool: format!("ujilab {}", env!("CARGO_PKG_VERSION")),
        bands: format!("{} {}", catalogue.name, catalogue.version),
        sources: inputs
            .iter()
            .map(|input| PortfolioSource {
                file: input.file.clone(),
                run_id: input.report.run.id.clone(),
                finished_at: input.report.run.finished_at.clone(),
            })
            .collect(),
        targets: Targets {
            index: settings.index,
            kabupaten: settings.kabupaten,
            kota: settings.kota,
            good: Predicate {
                id: good_band.name.id.clone(),
                en: good_band.name.en.clone(),
            },
            good_min_index: good_band.min,
        },
        summary,
        regions,
        unassigned,
        notes,
    })
}

fn index_text(index: Option<f64>) -> String {
    index.map_or_else(|| "-".to_string(), |i| format!("{i:.2}"))
}

fn share_text(share: Option<f64>) -> String {
    share.map_or_else(|| "-".to_string(), |s| format!("{:.1}%", s * 100.0))
}

fn predicate_text(predicate: Option<&Predicate>, lang: Lang) -> String {
    predicate.map_or_else(
        || "-".to_string(),
        |p| match lang {
            Lang::Id => p.id.clone(),
            Lang::En => p.en.clone(),
        },
    )
}

fn met_word(met: bool, lang: Lang) -> &'static str {
    match (met, lang) {
        (true, Lang::Id) => "tercapai",
        (false, Lang::Id) => "belum tercapai",
        (true, Lang::En) => "met",
        (false, Lang::En) => "not met",
    }
}

/// Why a service counts toward no target, in words: `not counted: partial run
/// (--no-load)`; empty for a service that counts.
fn caveat_text(service: &ServiceEntry, lang: Lang) -> String {
    if service.counted() {
        return String::new();
    }
    let details = |wanted: &[&str]| -> String {
        let found: Vec<&str> = service
            .caveat_details
            .iter()
            .map(String::as_str)
            .filter(|detail| wanted.contains(detail))
            .collect();
        if found.is_empty() {
            String::new()
        } else {
            format!(" ({})", found.join(", "))
        }
    };
    let words: Vec<String> = service
        .caveats
        .iter()
        .map(|caveat| match caveat {
            Caveat::Incomplete => lang
                .pick(
                    "tidak lengkap, uji dihentikan sebelum selesai",
                    "incomplete, the run was cut short",
                )
                .to_string(),
            Caveat::PartialRun => format!(
                "{}{}",
                lang.pick("uji parsial", "partial run"),
                details(&["--only", "--no-load", "--no-availability", "partial_run"])
            ),
            Caveat::TestConditions => format!(
                "{}{}",
                lang.pick("kondisi uji", "test conditions"),
                details(&["resolve", "ca_file", "insecure"])
            ),
            Caveat::OtherScale => lang
                .pick("skala katalog lain", "another catalogue's scale")
                .to_string(),
            Caveat::EvidenceOnly => lang
                .pick("bukti pendukung tanpa indeks", "evidence without an index")
                .to_string(),
        })
        .collect();
    format!(
        "{}: {}",
        lang.pick("tidak dihitung", "not counted"),
        words.join("; ")
    )
}

/// Said under the targets when services were listed without counting.
fn not_counted_note(portfolio: &Portfolio, lang: Lang) -> Option<String> {
    let count = portfolio.summary.not_counted;
    (count > 0).then(|| match lang {
        Lang::Id => format!(
            "{count} layanan dicantumkan tetapi tidak dihitung untuk target mana pun \
             (tidak lengkap, uji parsial atau kondisi uji)"
        ),
        Lang::En => format!(
            "{count} service(s) listed but counted toward no target \
             (incomplete, partial run or test conditions)"
        ),
    })
}

fn region_label(region: &RegionEntry) -> String {
    match (&region.code, &region.name) {
        (Some(code), Some(name)) => format!("{code} {name}"),
        (Some(code), None) => code.clone(),
        (None, Some(name)) => name.clone(),
        (None, None) => "?".into(),
    }
}

/// One target line of the summary, as displayed.
struct TargetView {
    what: String,
    actual: String,
    target: String,
    met: bool,
    met_word: &'static str,
}

fn no_data_word(lang: Lang) -> &'static str {
    lang.pick("tidak ada data", "no data")
}

fn target_views(portfolio: &Portfolio, lang: Lang) -> Vec<TargetView> {
    let summary = &portfolio.summary;
    let good = predicate_text(Some(&portfolio.targets.good), lang);
    let share_view = |kind: &str, share: &Share| TargetView {
        what: match lang {
            Lang::Id => format!(
                "{kind} berpredikat {good} atau lebih ({} dari {} dinilai)",
                share.good, share.scored
            ),
            Lang::En => format!(
                "{kind} rated {good} or better ({} of {} scored)",
                share.good, share.scored
            ),
        },
        actual: share_text(share.share),
        target: format!(">= {:.0}%", share.target * 100.0),
        met: share.met,
        met_word: if share.scored == 0 {
            no_data_word(lang)
        } else {
            met_word(share.met, lang)
        },
    };
    vec![
        TargetView {
            what: match lang {
                Lang::Id => format!(
                    "Indeks rata-rata ({} wilayah dinilai)",
                    summary.scored_regions
                ),
                Lang::En => format!("Mean index ({} regions scored)", summary.scored_regions),
            },
            actual: index_text(summary.mean_index),
            target: format!(">= {:.2}", portfolio.targets.index),
            met: summary.mean_index_met,
            met_word: met_word(summary.mean_index_met, lang),
        },
        share_view("Kabupaten", &summary.kabupaten),
        share_view("Kota", &summary.kota),
    ]
}

/// Markdown: the targets, then one table row per region, then its services.
pub fn render_markdown(portfolio: &Portfolio, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## {}\n",
        lang.pick("Portofolio wilayah", "Regional portfolio")
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | |",
        lang.pick("Ukuran", "Measure"),
        lang.pick("Capaian", "Actual"),
        lang.pick("Target", "Target")
    );
    let _ = writeln!(out, "|---|---|---|---|");
    for view in target_views(portfolio, lang) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} {} |",
            markdown::text(&view.what),
            view.actual,
            view.target,
            if view.met {
                "✅"
            } else if view.met_word == no_data_word(lang) {
                "➖"
            } else {
                "❌"
            },
            view.met_word
        );
    }
    if let Some(note) = not_counted_note(portfolio, lang) {
        let _ = writeln!(out, "\n⚠ {}.", markdown::text(&note));
    }
    let _ = writeln!(
        out,
        "\n| {} | {} | {} | {} | {} |",
        lang.pick("Wilayah", "Region"),
        lang.pick("Jenis", "Type"),
        lang.pick("Indeks", "Index"),
        lang.pick("Predikat", "Predicate"),
        lang.pick("Layanan (indeks)", "Services (index)")
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for region in &portfolio.regions {
        let services: Vec<String> = region
            .services
            .iter()
            .map(|s| service_md(s, lang))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            markdown::text(&region_label(region)),
            markdown::text(region.kind.as_deref().unwrap_or("-")),
            index_text(region.index),
            markdown::text(&predicate_text(region.predicate.as_ref(), lang)),
            services.join(", ")
        );
    }
    if !portfolio.unassigned.is_empty() {
        let ids: Vec<String> = portfolio
            .unassigned
            .iter()
            .map(|s| service_md(s, lang))
            .collect();
        let _ = writeln!(
            out,
            "\n{}: {}",
            lang.pick("Layanan tanpa wilayah", "Services without a region"),
            ids.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "\n<sub>{} {}.</sub>",
        lang.pick("Predikat menurut", "Predicates from"),
        markdown::text(&portfolio.bands)
    );
    out
}

/// `id (3.81)`, or `id (3.81, ⚠ not counted: incomplete, ...)`.
fn service_md(service: &ServiceEntry, lang: Lang) -> String {
    let index = index_text(service.index);
    if service.counted() {
        format!("{} ({index})", markdown::text(&service.id))
    } else {
        format!(
            "{} ({index}, ⚠ {})",
            markdown::text(&service.id),
            markdown::text(&caveat_text(service, lang))
        )
    }
}

#[derive(Template)]
#[template(path = "portfolio.html")]
struct Page<'a> {
    lang: Lang,
    tool: &'a str,
    bands: &'a str,
    targets: Vec<TargetView>,
    regions: Vec<RegionView>,
    unassigned: Vec<ServiceView>,
    notes: &'a [String],
    not_counted: Option<String>,
}

impl Page<'_> {
    fn l(&self, id: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(id, en)
    }
}

struct RegionView {
    label: String,
    kind: String,
    index: String,
    predicate: String,
    good: bool,
    services: Vec<ServiceView>,
}

struct ServiceView {
    id: String,
    name: String,
    index: String,
    predicate: String,
    verdict: String,
    gate_pass: bool,
    /// Empty when the service counts.
    caveat: String,
}

fn service_view(service: &ServiceEntry, lang: Lang) -> ServiceView {
    ServiceView {
        id: service.id.clone(),
        name: service.name.clone().unwrap_or_default(),
        index: index_text(service.index),
        predicate: predicate_text(service.predicate.as_ref(), lang),
        verdict: service
            .verdict
            .map_or_else(|| "-".into(), |verdict| verdict.to_string()),
        gate_pass: service.gate == Gate::Pass,
        caveat: caveat_text(service, lang),
    }
}

/// One self-contained page (inline CSS, no script, nothing fetched); every string
/// is HTML-escaped by the template.
pub fn render_html(portfolio: &Portfolio, lang: Lang) -> Result<String, askama::Error> {
    Page {
        lang,
        tool: &portfolio.tool,
        bands: &portfolio.bands,
        targets: target_views(portfolio, lang),
        regions: portfolio
            .regions
            .iter()
            .map(|region| RegionView {
                label: region_label(region),
                kind: region.kind.clone().unwrap_or_else(|| "-".into()),
                index: index_text(region.index),
                predicate: predicate_text(region.predicate.as_ref(), lang),
                good: region.good,
                services: region
                    .services
                    .iter()
                    .map(|s| service_view(s, lang))
                    .collect(),
            })
            .collect(),
        unassigned: portfolio
            .unassigned
            .iter()
            .map(|s| service_view(s, lang))
            .collect(),
        notes: &portfolio.notes,
        not_counted: not_counted_note(portfolio, lang),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fleet::testing::{report, run};

    fn caveats_of(scenario: serde_json::Value) -> Vec<(Caveat, Vec<String>)> {
        let file = report("default", scenario);
        let (_, scenario) = ran(&file.report).next().expect("a scenario");
        caveats(&file.report, scenario, Scale::ONE_TO_FIVE)
    }

    /// A scenario scored by the Ombudsman simulation: index 90 of 0..100, which
    /// would clear a 3.50 target of 1..5 by far if it were counted.
    fn scored_on_zero_to_a_hundred() -> serde_json::Value {
        let mut scenario = run();
        scenario["standards"] = json!({
            "catalogue": "ombudsman-kepatuhan", "version": "2026.2", "index": 90.0,
            "predicate": null, "coverage": 1.0, "verdict": "certified",
            "verdict_reasons": [], "conditions": [], "waived_critical": [],
            "aspects": [], "rules": [],
            "scale": { "lowest": 0, "highest": 3, "index_lowest": 0.0, "index_highest": 100.0 }
        });
        scenario
    }

    #[test]
    fn a_score_on_another_scale_is_refused_whatever_the_flags() {
        assert_eq!(
            caveats_of(scored_on_zero_to_a_hundred()),
            [(
                Caveat::OtherScale,
                vec!["ombudsman-kepatuhan 2026.2, 0–100".to_string()]
            )]
        );
        let catalogue = input::catalogue::built_in().expect("built in");
        let settings = Settings {
            index: 3.5,
            kabupaten: 0.75,
            kota: 0.85,
            good: "Baik".into(),
            allow_incomplete: true,
            allow_test_conditions: true,
        };
        let refused = build(
            &[report("default", scored_on_zero_to_a_hundred())],
            &settings,
            &catalogue,
        );
        let Err(PortfolioError::Refused { refusals }) = refused else {
            panic!("an index of 90 on 0..100 must not count toward a 1..5 target");
        };
        assert!(refusals[0].describe(Lang::En).contains("cannot be listed"));
        assert!(
            refusals[0]
                .describe(Lang::Id)
                .contains("tidak dapat dicantumkan")
        );
    }

    /// An evidence report has no index to count, whatever its scale says.
    #[test]
    fn supporting_evidence_is_refused_whatever_the_flags() {
        let mut scenario = scored_on_zero_to_a_hundred();
        scenario["standards"]["catalogue"] = json!("spbe-layanan");
        scenario["standards"]["index"] = json!(null);
        scenario["standards"]["verdict"] = json!("evidence_only");
        // Even on idsll-core's own 1..5 scale.
        scenario["standards"]["scale"] =
            json!({ "lowest": 1, "highest": 5, "index_lowest": 1.0, "index_highest": 5.0 });
        assert_eq!(
            caveats_of(scenario),
            [(
                Caveat::EvidenceOnly,
                vec!["spbe-layanan 2026.2".to_string()]
            )]
        );
    }

    #[test]
    fn caveats_say_what_may_not_be_counted_and_why() {
        assert_eq!(caveats_of(run()), []);
        let mut cut = run();
        cut["complete"] = json!(false);
        assert_eq!(caveats_of(cut), [(Caveat::Incomplete, vec![])]);
        // A phase skipped by a flag is a partial run; the flag given is named.
        let mut partial = run();
        partial["overrides"]["only"] = json!("health");
        partial["phases"]["functional"] =
            json!({ "status": "skipped", "reason": "--only: some probes were not sent" });
        partial["phases"]["availability"] = json!({ "status": "skipped", "reason": "--only" });
        assert_eq!(
            caveats_of(partial),
            [(Caveat::PartialRun, vec!["--only".to_string()])]
        );
        // `--only` naming the scenario itself, or a flag for a phase it does not
        // have, skips nothing.
        let mut whole = run();
        whole["overrides"]["only"] = json!("dukcapil");
        whole["overrides"]["no_load"] = json!(true);
        assert_eq!(caveats_of(whole), []);
        // Test conditions, from the command line or the scenario as run.
        let mut insecure = run();
        insecure["overrides"]["insecure"] = json!(true);
        insecure["effective"] = json!({ "defaults": { "resolve": { "a.go.id": "127.0.0.1" } } });
        assert_eq!(
            caveats_of(insecure),
            [(
                Caveat::TestConditions,
                vec!["resolve".to_string(), "insecure".to_string()]
            )]
        );
        let mut ca = run();
        ca["effective"] = json!({ "defaults": { "tls": { "ca_file": "ca.pem" } } });
        assert_eq!(
            caveats_of(ca),
            [(Caveat::TestConditions, vec!["ca_file".to_string()])]
        );
    }

    #[test]
    fn the_mean_index_is_exact_and_rounded_half_up_once() {
        assert_eq!(mean_index(&[]), None);
        assert_eq!(mean_index(&[350, 351]), Some(3.51), "3.505 rounds up");
        assert_eq!(mean_index(&[100, 101, 101]), Some(1.01));
        assert_eq!(mean_index(&[262, 263]), Some(2.63));
        assert_eq!(hundredths(2.68), 268);
        assert_eq!(hundredths(3.51), 351);
    }
}
