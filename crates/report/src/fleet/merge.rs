//! `ujilab merge`: the reports of the shards (and vantages) of one run become one
//! report, as if one machine had run everything.
//!
//! What it checks first (any failure is bad input, exit 2, and nothing is written):
//! every report is `ujilab-report/1` with a plan, all plans are the same, and each
//! vantage brings every shard `1..=N` of one count N exactly once (a missing shard
//! is allowed with `--allow-partial`, which marks the result incomplete). Every
//! histogram must decode, and every scenario's figures must agree with each other
//! ([`consistency`](crate::fleet::consistency): counts against histograms, failed
//! at most requests, phases against sections).
//!
//! Then, per scenario: the runs of the same scenario from several vantages are
//! combined. Counts add up; latency histograms merge exactly (HdrHistogram) and
//! every percentile is read again from the merged histogram; thresholds are
//! re-judged by [`thresholds::judge`] on the combined figures, and the gate follows. A
//! scenario run from one vantage comes out with the figures it went in with (they
//! are recomputed, and must agree).
//!
//! Standards: the score function needs the scenario and its observations, which a
//! report does not carry, so a scenario's standards block is taken whole from one
//! vantage: the worst (verdict first, then index). `vantages` shows every vantage's
//! index and verdict beside it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use input::lang::Lang;
use input::scenario::Metric;
use judge::gate::{self, GateInputs, ProbeFinding};
use judge::thresholds;
use judge::thresholds::{FigureInputs, Measured, ThresholdSpec};
use observe::latency::{DecodeError, LatencyHistogram};
use observe::timing::PhaseHistograms;

use crate::fleet::consistency;
use crate::fleet::read::{ReportFile, identity};
use crate::model::*;

/// The vantage name of runs made without `--vantage`.
const DEFAULT_VANTAGE: &str = "default";

#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Merge even when shards are missing (the result is incomplete).
    pub allow_partial: bool,
    /// Language of the human formats (default: the first report's).
    pub lang: Option<String>,
    /// The command line, redacted, for `run.args`.
    pub args: Vec<String>,
}

/// Why reports cannot be merged: bad input, every one naming its file(s).
#[derive(Debug)]
pub enum MergeError {
    Empty,
    NoPlan {
        file: String,
    },
    PlanMismatch {
        file: String,
        digest: String,
        entries: u64,
        first_file: String,
        first_digest: String,
        first_entries: u64,
    },
    BadShard {
        file: String,
        shard: String,
    },
    ShardCountMismatch {
        vantage: String,
        file: String,
        shard: String,
        other_file: String,
        other_shard: String,
    },
    DuplicateShard {
        vantage: String,
        shard: String,
        first_file: String,
        file: String,
    },
    MissingShards {
        vantage: String,
        missing: String,
        have: String,
    },
    DuplicateScenario {
        vantage: String,
        identity: String,
        first_file: String,
        file: String,
    },
    Inconsistent {
        file: String,
        identity: String,
        what: String,
    },
    Histogram {
        file: String,
        identity: String,
        what: String,
        source: DecodeError,
    },
}

impl MergeError {
    /// Why the reports cannot be merged, in the reader's language.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            MergeError::Empty => lang
                .pick(
                    "tidak ada yang digabungkan: tidak ada laporan yang diberikan",
                    "nothing to merge: no report given",
                )
                .to_string(),
            MergeError::NoPlan { file } => lang.choose(
                format!("{file}: tidak memiliki rencana uji (ditulis ujilab tanpa dukungan `--shard`); tidak dapat diketahui termasuk uji yang mana"),
                format!("{file}: has no plan (written by a ujilab without `--shard` support); cannot tell which run it belongs to"),
            ),
            MergeError::PlanMismatch {
                file,
                digest,
                entries,
                first_file,
                first_digest,
                first_entries,
            } => lang.choose(
                format!("{file}: termasuk rencana lain ({digest:.12}… atas {entries} entri) daripada {first_file} ({first_digest:.12}… atas {first_entries} entri): bukan shard dari himpunan skenario yang sama"),
                format!("{file}: belongs to another plan ({digest:.12}… over {entries} entries) than {first_file} ({first_digest:.12}… over {first_entries} entries): not shards of the same scenario set"),
            ),
            MergeError::BadShard { file, shard } => lang.choose(
                format!("{file}: shard `{shard}` tidak berbentuk K/N"),
                format!("{file}: shard `{shard}` is not K/N"),
            ),
            MergeError::ShardCountMismatch {
                vantage,
                file,
                shard,
                other_file,
                other_shard,
            } => lang.choose(
                format!("vantage {vantage}: {file} adalah shard {shard}, tetapi {other_file} adalah shard {other_shard}: satu uji dibagi dengan satu cara"),
                format!("vantage {vantage}: {file} is shard {shard} but {other_file} is shard {other_shard}: one run is split one way"),
            ),
            MergeError::DuplicateShard {
                vantage,
                shard,
                first_file,
                file,
            } => lang.choose(
                format!("vantage {vantage}: shard {shard} diberikan dua kali: {first_file} dan {file}"),
                format!("vantage {vantage}: shard {shard} is given twice: {first_file} and {file}"),
            ),
            MergeError::MissingShards {
                vantage,
                missing,
                have,
            } => lang.choose(
                format!("vantage {vantage}: shard {missing} belum ada (tersedia {have}); jalankan shard itu, atau gabungkan dengan --allow-partial"),
                format!("vantage {vantage}: missing shard(s) {missing} (have {have}); run them, or merge with --allow-partial"),
            ),
            MergeError::DuplicateScenario {
                vantage,
                identity,
                first_file,
                file,
            } => lang.choose(
                format!("vantage {vantage}: skenario {identity} ada di {first_file} dan juga di {file}"),
                format!("vantage {vantage}: scenario {identity} is in both {first_file} and {file}"),
            ),
            MergeError::Inconsistent {
                file,
                identity,
                what,
            } => lang.choose(
                format!("{file}: skenario {identity}: angka tidak konsisten: {what}; bukan laporan sebagaimana ditulis ujilab (diubah tangan?), tidak digabungkan"),
                format!("{file}: scenario {identity}: inconsistent figures: {what}; not a report as ujilab writes it (edited by hand?), not merged"),
            ),
            MergeError::Histogram {
                file,
                identity,
                what,
                source,
            } => lang.choose(
                format!("{file}: skenario {identity}: {what}: histogram tidak terbaca: {source}"),
                format!("{file}: scenario {identity}: {what}: {source}"),
            ),
        }
    }
}

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

impl std::error::Error for MergeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MergeError::Histogram { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// One scenario as one vantage ran it.
#[derive(Clone, Copy)]
struct Member<'a> {
    vantage: &'a str,
    file: &'a str,
    run_id: &'a str,
    scenario: &'a ScenarioReport,
}

impl Member<'_> {
    fn decode(&self, what: impl Into<String>, text: &str) -> Result<LatencyHistogram, MergeError> {
        LatencyHistogram::decode(text).map_err(|source| MergeError::Histogram {
            file: self.file.to_string(),
            identity: identity(self.scenario),
            what: what.into(),
            source,
        })
    }
}

/// Merges reports that passed [`check`]; the merged report.
pub fn merge(inputs: &[ReportFile], options: &MergeOptions) -> Result<Report, MergeError> {
    let checked = check(inputs, options.allow_partial)?;
    let show_vantages = checked.vantages.len() > 1;

    // Every scenario's members, in the order first seen; load errors once per file.
    let mut members: Vec<(String, Vec<Member<'_>>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut seen_in_vantage: HashMap<(String, &str), &str> = HashMap::new();
    let mut load_errors: BTreeMap<String, &LoadErrorReport> = BTreeMap::new();
    for input in inputs {
        let vantage = vantage_of(&input.report);
        for entry in &input.report.scenarios {
            match entry {
                ScenarioEntry::Ran(scenario) => {
                    let identity = identity(scenario);
                    check_figures(&input.file, &identity, scenario)?;
                    if let Some(first_file) =
                        seen_in_vantage.insert((identity.clone(), vantage), &input.file)
                    {
                        return Err(MergeError::DuplicateScenario {
                            vantage: vantage.to_string(),
                            identity,
                            first_file: first_file.to_string(),
                            file: input.file.clone(),
                        });
                    }
                    let member = Member {
                        vantage,
                        file: &input.file,
                        run_id: &input.report.run.id,
                        scenario,
                    };
                    match index.get(&identity) {
                        Some(&at) => members[at].1.push(member),
                        None => {
                            index.insert(identity.clone(), members.len());
                            members.push((identity, vec![member]));
                        }
                    }
                }
                ScenarioEntry::LoadError(failure) => {
                    load_errors.entry(failure.file.clone()).or_insert(failure);
                }
            }
        }
    }

    let mut scenarios: Vec<ScenarioEntry> = Vec::with_capacity(members.len() + load_errors.len());
    for failure in load_errors.into_values() {
        scenarios.push(ScenarioEntry::LoadError(failure.clone()));
    }
    for (_, mut group) in members {
        group.sort_by(|a, b| a.vantage.cmp(b.vantage));
        scenarios.push(ScenarioEntry::Ran(Box::new(combine(
            &group,
            show_vantages,
        )?)));
    }
    // As one machine would list them: folder contents sorted by path.
    scenarios.sort_by(|a, b| Path::new(entry_file(a)).cmp(Path::new(entry_file(b))));

    let first = &inputs[0].report;
    let entries = scenarios.len() as u64;
    let missing_entries = checked.plan.entries.saturating_sub(entries);
    let complete = checked.missing_shards.is_empty()
        && inputs.iter().all(|input| input.report.run.complete)
        && scenarios.iter().all(|entry| match entry {
            ScenarioEntry::Ran(scenario) => scenario.complete,
            ScenarioEntry::LoadError(_) => true,
        });
    // The run's gate, as a live run decides it: every scenario's, the run complete,
    // every file loaded.
    let gate = gate::run_gate(
        scenarios.iter().filter_map(|entry| match entry {
            ScenarioEntry::Ran(scenario) => Some(scenario.gate),
            ScenarioEntry::LoadError(_) => None,
        }),
        complete,
        scenarios
            .iter()
            .any(|entry| matches!(entry, ScenarioEntry::LoadError(_))),
    );
    let started_at = inputs
        .iter()
        .map(|input| input.report.run.started_at.as_str())
        .min()
        .unwrap_or_default();
    let finished_at = inputs
        .iter()
        .map(|input| input.report.run.finished_at.as_str())
        .max()
        .unwrap_or_default();
    let vantages: Vec<String> = checked.vantages.iter().map(|v| v.to_string()).collect();
    Ok(Report {
        format: FORMAT.into(),
        tool: Tool {
            name: "ujilab".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        run: RunInfo {
            id: merged_run_id(inputs),
            started_at: started_at.to_string(),
            finished_at: finished_at.to_string(),
            complete,
            lang: options
                .lang
                .clone()
                .unwrap_or_else(|| first.run.lang.clone()),
            shard: None,
            vantage: match vantages.as_slice() {
                [only] if only != DEFAULT_VANTAGE => Some(only.clone()),
                _ => None,
            },
            args: options.args.clone(),
            // Every shard scans the same folders, so each skipped the same files.
            skipped: skipped_files(inputs),
            history_window: history_window(inputs),
        },
        plan: Some(checked.plan.clone()),
        merge: Some(MergeReport {
            sources: inputs
                .iter()
                .map(|input| MergeSource {
                    file: input.file.clone(),
                    run_id: input.report.run.id.clone(),
                    shard: input.report.run.shard.clone(),
                    vantage: input.report.run.vantage.clone(),
                    started_at: input.report.run.started_at.clone(),
                    finished_at: input.report.run.finished_at.clone(),
                    complete: input.report.run.complete,
                    entries: input.report.scenarios.len() as u64,
                })
                .collect(),
            vantages,
            missing_shards: checked.missing_shards,
            missing_entries,
        }),
        gate,
        scenarios,
    })
}

/// One scenario's figures agree with each other (see [`consistency`]).
fn check_figures(file: &str, identity: &str, scenario: &ScenarioReport) -> Result<(), MergeError> {
    consistency::check_scenario(scenario).map_err(|problem| match problem {
        consistency::Problem::Histogram { what, source } => MergeError::Histogram {
            file: file.to_string(),
            identity: identity.to_string(),
            what,
            source,
        },
        consistency::Problem::Inconsistent(what) => MergeError::Inconsistent {
            file: file.to_string(),
            identity: identity.to_string(),
            what,
        },
    })
}

fn entry_file(entry: &ScenarioEntry) -> &str {
    match entry {
        ScenarioEntry::Ran(scenario) => &scenario.file,
        ScenarioEntry::LoadError(failure) => &failure.file,
    }
}

fn vantage_of(report: &Report) -> &str {
    report.run.vantage.as_deref().unwrap_or(DEFAULT_VANTAGE)
}

/// The history window of reports over the same window (several vantages'
/// watches), their samples added; none when any differs or is a run.
fn history_window(inputs: &[ReportFile]) -> Option<HistoryWindow> {
    let first = inputs.first()?.report.run.history_window.as_ref()?;
    let mut samples = 0;
    for input in inputs {
        let window = input.report.run.history_window.as_ref()?;
        if (&window.from, &window.to) != (&first.from, &first.to) {
            return None;
        }
        samples += window.samples;
    }
    Some(HistoryWindow {
        samples,
        ..first.clone()
    })
}

/// A stable id for the merged run: a digest of the runs it merged.
fn merged_run_id(inputs: &[ReportFile]) -> String {
    use sha2::{Digest as _, Sha256};
    let mut ids: Vec<&str> = inputs.iter().map(|i| i.report.run.id.as_str()).collect();
    ids.sort_unstable();
    let digest = Sha256::digest(ids.join("\n").as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("merge-{hex}")
}

/// What the checks found: the common plan, the vantages, the shards let go.
struct Checked<'a> {
    plan: &'a PlanReport,
    vantages: BTreeSet<&'a str>,
    missing_shards: Vec<String>,
}

/// One plan; per vantage, each shard of one count exactly once.
fn check(inputs: &[ReportFile], allow_partial: bool) -> Result<Checked<'_>, MergeError> {
    let first = inputs.first().ok_or(MergeError::Empty)?;
    fn plan_of(input: &ReportFile) -> Result<&PlanReport, MergeError> {
        input
            .report
            .plan
            .as_ref()
            .ok_or_else(|| MergeError::NoPlan {
                file: input.file.clone(),
            })
    }
    let plan = plan_of(first)?;
    for input in inputs {
        let other = plan_of(input)?;
        if other != plan {
            return Err(MergeError::PlanMismatch {
                file: input.file.clone(),
                digest: other.digest.clone(),
                entries: other.entries,
                first_file: first.file.clone(),
                first_digest: plan.digest.clone(),
                first_entries: plan.entries,
            });
        }
    }
    // vantage -> (count, shard index -> file)
    let mut shards: BTreeMap<&str, (u32, String, BTreeMap<u32, &str>)> = BTreeMap::new();
    for input in inputs {
        let vantage = vantage_of(&input.report);
        let text = input.report.run.shard.as_deref().unwrap_or("1/1");
        let shard: crate::fleet::shard::Shard = text.parse().map_err(|_| MergeError::BadShard {
            file: input.file.clone(),
            shard: text.to_string(),
        })?;
        let (count, count_file, seen) = shards
            .entry(vantage)
            .or_insert_with(|| (shard.count, input.file.clone(), BTreeMap::new()));
        if *count != shard.count {
            return Err(MergeError::ShardCountMismatch {
                vantage: vantage.to_string(),
                file: input.file.clone(),
                shard: shard.to_string(),
                other_file: count_file.clone(),
                other_shard: format!("?/{count}"),
            });
        }
        if let Some(first_file) = seen.insert(shard.index, &input.file) {
            return Err(MergeError::DuplicateShard {
                vantage: vantage.to_string(),
                shard: shard.to_string(),
                first_file: first_file.to_string(),
                file: input.file.clone(),
            });
        }
    }
    let several = shards.len() > 1;
    let mut missing_shards = Vec::new();
    for (vantage, (count, _, seen)) in &shards {
        let missing: Vec<String> = (1..=*count)
            .filter(|index| !seen.contains_key(index))
            .map(|index| format!("{index}/{count}"))
            .collect();
        if missing.is_empty() {
            continue;
        }
        if !allow_partial {
            return Err(MergeError::MissingShards {
                vantage: vantage.to_string(),
                missing: missing.join(", "),
                have: seen
                    .iter()
                    .map(|(index, file)| format!("{index}/{count} from {file}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        missing_shards.extend(missing.into_iter().map(|shard| {
            if several || *vantage != DEFAULT_VANTAGE {
                format!("{shard}@{vantage}")
            } else {
                shard
            }
        }));
    }
    Ok(Checked {
        plan,
        vantages: shards.keys().copied().collect(),
        missing_shards,
    })
}

/// Every vantage's run of one scenario, as one.
fn combine(members: &[Member<'_>], show_vantages: bool) -> Result<ScenarioReport, MergeError> {
    let first = members[0].scenario;
    let availability = combine_availability(members);
    let probe_figures = combine_probe_figures(members)?;
    let mut probe_latency = LatencyHistogram::new();
    let mut probe_latency_texts = Vec::new();
    for member in members {
        if let Some(text) = &member.scenario.probe_latency_histogram {
            probe_latency.merge(&member.decode("probe_latency_histogram", text)?);
            probe_latency_texts.push(text.as_str());
        }
    }
    let load = combine_load(members)?;
    let standards_from = worst_standards(members);
    let verdict_gate = merged_verdict_gate(members);
    let standards = standards_from
        .and_then(|m| m.scenario.standards.clone())
        .map(|standards| StandardsReport {
            verdict_gate: Some(verdict_gate),
            ..standards
        });

    // Probes: passed only if passed everywhere; the evidence of a failing vantage.
    let mut probes = Vec::with_capacity(first.probes.len());
    for probe in &first.probes {
        let candidates = members.iter().filter_map(|member| {
            member
                .scenario
                .probes
                .iter()
                .find(|p| p.id == probe.id)
                .map(|p| (member.vantage, p))
        });
        let mut chosen: Option<(&str, &ProbeReport)> = None;
        for (vantage, candidate) in candidates {
            if chosen.is_none() || (!candidate.passed && chosen.is_some_and(|(_, c)| c.passed)) {
                chosen = Some((vantage, candidate));
            }
        }
        let (vantage, chosen) = chosen.unwrap_or((members[0].vantage, probe));
        let mut probe = chosen.clone();
        if show_vantages {
            probe.vantage = Some(vantage.to_string());
        }
        probes.push(probe);
    }

    let figures = Figures {
        members,
        availability: availability.as_ref(),
        probe_figures: probe_figures.as_ref(),
        load: load.as_ref(),
    };
    let thresholds: Vec<ThresholdOutcome> = first
        .thresholds
        .iter()
        .enumerate()
        .map(|(at, threshold)| figures.rejudge(at, threshold, standards_from))
        .collect::<Result<_, _>>()?;

    let complete = members.iter().all(|m| m.scenario.complete);
    let findings: Vec<ProbeFinding<'_>> = probes
        .iter()
        .map(|probe| ProbeFinding {
            id: &probe.id,
            status: probe.outcome,
            vantage: probe.vantage.as_deref(),
        })
        .collect();
    let decision = gate::decide(&GateInputs {
        probes: &findings,
        thresholds: &thresholds,
        verdict: standards
            .as_ref()
            .map(|standards| (standards.verdict, verdict_gate)),
        complete,
    });

    let vantages = if show_vantages {
        members.iter().map(|m| vantage_report(m)).collect()
    } else {
        Vec::new()
    };
    let earliest = members.iter().map(|m| m.scenario.started_at.as_str()).min();
    let latest = members
        .iter()
        .map(|m| m.scenario.finished_at.as_str())
        .max();
    Ok(ScenarioReport {
        file: first.file.clone(),
        sha256: first.sha256.clone(),
        status: first.status,
        service: first.service.clone(),
        scenario: first.scenario.clone(),
        gate: decision.gate(),
        gate_reasons: decision.reasons,
        complete,
        started_at: earliest.unwrap_or_default().to_string(),
        finished_at: latest.unwrap_or_default().to_string(),
        phases: combine_phases(members),
        probes,
        availability,
        probe_latency_ms: probe_latency.summary().map(LatencyReport::from),
        probe_latency_histogram: (probe_latency.count() > 0)
            .then(|| encode_or_keep(&probe_latency, &probe_latency_texts)),
        probe_figures: probe_figures.map(|combined| combined.report),
        load: load.map(|combined| combined.report),
        thresholds,
        standards,
        effective: first.effective.clone(),
        overrides: first.overrides.clone(),
        vantages,
        tls: first.tls.clone(),
    })
}

/// A phase ran if it ran anywhere; else the first vantage's status says why not.
fn combine_phases(members: &[Member<'_>]) -> PhasesReport {
    let pick = |get: fn(&PhasesReport) -> &PhaseReport| {
        members
            .iter()
            .map(|m| get(&m.scenario.phases))
            .find(|phase| phase.status == PhaseState::Ran)
            .unwrap_or_else(|| get(&members[0].scenario.phases))
            .clone()
    };
    PhasesReport {
        functional: pick(|p| &p.functional),
        availability: pick(|p| &p.availability),
        load: pick(|p| &p.load),
        standards: pick(|p| &p.standards),
    }
}

fn ratio(up: u64, samples: u64) -> Option<f64> {
    (samples > 0).then(|| up as f64 / samples as f64)
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Samples add up. When some vantages sampled and others only have the
/// functional exchanges (`--no-availability`), the sampled ones count.
fn combine_availability(members: &[Member<'_>]) -> Option<AvailabilityReport> {
    let all: Vec<&AvailabilityReport> = members
        .iter()
        .filter_map(|m| m.scenario.availability.as_ref())
        .collect();
    let sampled: Vec<&AvailabilityReport> = all
        .iter()
        .copied()
        .filter(|a| a.source == FigureSource::Availability)
        .collect();
    let chosen = if sampled.is_empty() { all } else { sampled };
    let (&first, rest) = chosen.split_first()?;
    if rest.is_empty() {
        return Some(first.clone());
    }
    let mut combined = AvailabilityReport {
        rounds: 0,
        samples: 0,
        up: 0,
        ratio: None,
        reason: None,
        source: first.source,
        window_s: 0.0,
        per_probe: ProbeMap::new(),
        record: chosen
            .iter()
            .flat_map(|a| a.record.iter().cloned())
            .collect(),
    };
    for availability in &chosen {
        combined.rounds += availability.rounds;
        combined.samples += availability.samples;
        combined.up += availability.up;
        combined.window_s += availability.window_s;
        for (id, probe) in &availability.per_probe {
            let entry = combined
                .per_probe
                .entry(id.clone())
                .or_insert(ProbeAvailabilityReport {
                    samples: 0,
                    up: 0,
                    ratio: None,
                });
            entry.samples += probe.samples;
            entry.up += probe.up;
        }
    }
    for probe in combined.per_probe.values_mut() {
        probe.ratio = ratio(probe.up, probe.samples);
    }
    combined.ratio = ratio(combined.up, combined.samples);
    combined.window_s = round3(combined.window_s);
    if combined.samples == 0 {
        combined.reason = first.reason.clone();
    }
    Some(combined)
}

/// The probe figures of every vantage added up, with their histograms decoded.
struct CombinedProbeFigures {
    report: ProbeFiguresReport,
    per_probe: BTreeMap<String, LatencyHistogram>,
    /// Every probe together (report.json keeps no per-probe phases here).
    phases: PhaseHistograms,
}

fn combine_probe_figures(
    members: &[Member<'_>],
) -> Result<Option<CombinedProbeFigures>, MergeError> {
    let present: Vec<(&Member<'_>, &ProbeFiguresReport)> = members
        .iter()
        .filter_map(|m| m.scenario.probe_figures.as_ref().map(|f| (m, f)))
        .collect();
    if present.is_empty() {
        return Ok(None);
    }
    let mut combined = ProbeFiguresReport::default();
    let mut histograms: BTreeMap<String, (LatencyHistogram, Vec<&str>)> = BTreeMap::new();
    let mut phases = PhaseHistograms::default();
    for (member, figures) in &present {
        phases.merge(&phase_histograms(&figures.phases));
        combined.requests += figures.requests;
        combined.failed += figures.failed;
        for (id, probe) in &figures.per_probe {
            let entry = combined.per_probe.entry(id.clone()).or_default();
            entry.requests += probe.requests;
            entry.failed += probe.failed;
            let (histogram, texts) = histograms.entry(id.clone()).or_default();
            if let Some(text) = &probe.histogram {
                histogram.merge(&member.decode(format!("probe_figures.{id}"), text)?);
                texts.push(text);
            }
        }
    }
    let mut per_probe = BTreeMap::new();
    for (id, (histogram, texts)) in histograms {
        if let Some(entry) = combined.per_probe.get_mut(&id) {
            entry.histogram = (histogram.count() > 0).then(|| encode_or_keep(&histogram, &texts));
        }
        per_probe.insert(id, histogram);
    }
    combined.phases = phase_figures(&phases);
    Ok(Some(CombinedProbeFigures {
        report: combined,
        per_probe,
        phases,
    }))
}

/// The encoded histogram: the one given when a single one went in (it decoded to
/// exactly this), else a fresh encoding.
fn encode_or_keep(histogram: &LatencyHistogram, texts: &[&str]) -> String {
    match texts {
        [only] => (*only).to_string(),
        _ => histogram.encode(),
    }
}

/// Counts add up; histograms merge; rates are read again from the sums. The
/// measured windows add up too, so throughput is per second of load, as if the
/// vantages had run one after the other.
/// The load runs of every vantage added up, with their histograms decoded.
struct CombinedLoad {
    report: LoadReport,
    total: LatencyHistogram,
    per_probe: BTreeMap<String, LatencyHistogram>,
    phases: PhaseHistograms,
    per_probe_phases: BTreeMap<String, PhaseHistograms>,
}

fn combine_load(members: &[Member<'_>]) -> Result<Option<CombinedLoad>, MergeError> {
    let loads: Vec<(&Member<'_>, &LoadReport)> = members
        .iter()
        .filter_map(|m| m.scenario.load.as_ref().map(|l| (m, l)))
        .collect();
    let Some(&(_, first)) = loads.first() else {
        return Ok(None);
    };
    let mut total = LatencyHistogram::new();
    let mut total_texts = Vec::new();
    let mut per_probe: BTreeMap<String, (ProbeLoadReport, LatencyHistogram, Vec<&str>)> =
        BTreeMap::new();
    let mut phases = PhaseHistograms::default();
    let mut per_probe_phases: BTreeMap<String, PhaseHistograms> = BTreeMap::new();
    let mut combined = LoadReport {
        requests: 0,
        errors: BTreeMap::new(),
        dropped: 0,
        warmup_requests: 0,
        window_s: 0.0,
        responses: 0,
        failed: 0,
        rate_sustained: first.rate_sustained.map(|_| true),
        interrupted: false,
        error_examples: BTreeMap::new(),
        first_failures: BTreeMap::new(),
        // Each vantage's own; rate_sustained above says whether all held.
        achieved_rate: None,
        notes: Vec::new(),
        per_probe: BTreeMap::new(),
        ..first.clone()
    };
    for (member, load) in &loads {
        total.merge(&member.decode("load.histogram", &load.histogram)?);
        total_texts.push(load.histogram.as_str());
        phases.merge(&phase_histograms(&load.phases));
        combined.requests += load.requests;
        combined.dropped += load.dropped;
        combined.warmup_requests += load.warmup_requests;
        combined.window_s += load.window_s;
        combined.responses += load.responses;
        combined.failed += load.failed;
        combined.concurrency = combined.concurrency.max(load.concurrency);
        combined.interrupted |= load.interrupted;
        if let (Some(all), Some(this)) = (combined.rate_sustained, load.rate_sustained) {
            combined.rate_sustained = Some(all && this);
        }
        for (kind, count) in &load.errors {
            *combined.errors.entry(kind.clone()).or_default() += count;
        }
        for (kind, example) in &load.error_examples {
            combined
                .error_examples
                .entry(kind.clone())
                .or_insert_with(|| example.clone());
        }
        for (kind, example) in &load.first_failures {
            combined
                .first_failures
                .entry(kind.clone())
                .or_insert_with(|| example.clone());
        }
        for note in &load.notes {
            let note = if loads.len() > 1 {
                format!("{}: {note}", member.vantage)
            } else {
                note.clone()
            };
            if !combined.notes.contains(&note) {
                combined.notes.push(note);
            }
        }
        for (id, probe) in &load.per_probe {
            let histogram = member.decode(format!("load.per_probe.{id}"), &probe.histogram)?;
            let (entry, merged, texts) = per_probe.entry(id.clone()).or_insert_with(|| {
                (
                    ProbeLoadReport {
                        requests: 0,
                        responses: 0,
                        failed: 0,
                        dropped: 0,
                        errors: BTreeMap::new(),
                        ..probe.clone()
                    },
                    LatencyHistogram::new(),
                    Vec::new(),
                )
            });
            texts.push(probe.histogram.as_str());
            per_probe_phases
                .entry(id.clone())
                .or_default()
                .merge(&phase_histograms(&probe.phases));
            entry.requests += probe.requests;
            entry.responses += probe.responses;
            entry.failed += probe.failed;
            entry.dropped += probe.dropped;
            for (kind, count) in &probe.errors {
                *entry.errors.entry(kind.clone()).or_default() += count;
            }
            merged.merge(&histogram);
        }
    }
    let single = loads.len() == 1;
    let window = combined.window_s;
    let throughput = |responses: u64| (window > 0.0).then(|| round3(responses as f64 / window));
    combined.window_s = round3(window);
    combined.histogram = encode_or_keep(&total, &total_texts);
    combined.latency_ms = total.summary().map(LatencyReport::from);
    combined.phases = phase_figures(&phases);
    combined.error_rate = ratio(combined.failed, combined.requests).unwrap_or(0.0);
    if !single {
        combined.throughput_rps = throughput(combined.responses).unwrap_or(0.0);
    }
    let mut histograms = BTreeMap::new();
    for (id, (mut probe, histogram, texts)) in per_probe {
        probe.histogram = encode_or_keep(&histogram, &texts);
        probe.latency_ms = histogram.summary().map(LatencyReport::from);
        if let Some(merged) = per_probe_phases.get(&id) {
            probe.phases = phase_figures(merged);
        }
        probe.error_rate = ratio(probe.failed, probe.requests);
        if !single {
            probe.throughput_rps = throughput(probe.responses);
        }
        combined.per_probe.insert(id.clone(), probe);
        histograms.insert(id, histogram);
    }
    if !single {
        combined.reason = if combined.requests == 0 {
            first.reason.clone()
        } else {
            None
        };
    }
    Ok(Some(CombinedLoad {
        report: combined,
        total,
        per_probe: histograms,
        phases,
        per_probe_phases,
    }))
}

/// The standards block to keep: the worst verdict, then the lowest index.
fn worst_standards<'a>(members: &[Member<'a>]) -> Option<Member<'a>> {
    let rank = |verdict: Verdict| match verdict {
        Verdict::NotCertified => 0,
        Verdict::Inconclusive => 1,
        // Neither is a verdict: kept before a certification.
        Verdict::NotEvaluated | Verdict::EvidenceOnly => 2,
        Verdict::Certified => 3,
    };
    members
        .iter()
        .filter(|m| m.scenario.standards.is_some())
        .min_by(|a, b| {
            let (a, b) = (a.scenario.standards.as_ref(), b.scenario.standards.as_ref());
            let key = |s: Option<&StandardsReport>| {
                s.map(|s| (rank(s.verdict), s.index.unwrap_or(f64::NEG_INFINITY)))
            };
            let (ka, kb) = (key(a), key(b));
            ka.partial_cmp(&kb).unwrap_or(std::cmp::Ordering::Equal)
        })
        .copied()
}

/// The combined figures thresholds are judged on again.
struct Figures<'a, 'm> {
    members: &'a [Member<'m>],
    availability: Option<&'a AvailabilityReport>,
    probe_figures: Option<&'a CombinedProbeFigures>,
    load: Option<&'a CombinedLoad>,
}

impl Figures<'_, '_> {
    /// The `at`-th threshold (the same in every vantage: same scenario file),
    /// judged on the combined figures.
    fn rejudge(
        &self,
        at: usize,
        threshold: &ThresholdOutcome,
        standards_from: Option<Member<'_>>,
    ) -> Result<ThresholdOutcome, MergeError> {
        let versions: Vec<&ThresholdOutcome> = self
            .members
            .iter()
            .filter_map(|m| m.scenario.thresholds.get(at))
            .collect();
        let Some((metric, bound)) = thresholds::reported_spec(threshold) else {
            return Ok(worst(&versions).clone());
        };
        // Score and rule thresholds follow the standards block that was kept.
        if matches!(metric, Metric::Score | Metric::Rule(_)) {
            let kept = standards_from
                .and_then(|m| m.scenario.thresholds.get(at))
                .unwrap_or(threshold);
            return Ok(kept.clone());
        }
        // Where the figure came from: any vantage that measured it says.
        let Some(source) = versions.iter().find_map(|t| t.source) else {
            return Ok(threshold.clone());
        };
        let probe = threshold.probe.as_deref();
        let value = match (&metric, source) {
            (Metric::Availability, _) => self.availability_ratio(probe),
            (_, FigureSource::Load) => self.load_figure(&metric, probe, at),
            (_, FigureSource::Probes) => self.probe_figure(&metric, probe),
            _ => return Ok(worst(&versions).clone()),
        };
        let Some(value) = value else {
            // A figure this report cannot recompute (an older report without
            // `probe_figures`): the worst vantage's judgement stands.
            return Ok(worst(&versions).clone());
        };
        let mut judged = thresholds::judge(
            &ThresholdSpec {
                metric: &metric,
                probe,
                bound,
            },
            Measured {
                source: Some(source),
                value,
            },
        );
        if matches!(metric, Metric::Availability) {
            judged.source = self.availability.map(|a| a.source);
        }
        Ok(judged)
    }

    fn availability_ratio(&self, probe: Option<&str>) -> Option<Result<f64, String>> {
        let availability = self.availability?;
        let (samples, up) = match probe {
            None => (availability.samples, availability.up),
            Some(id) => availability
                .per_probe
                .get(id)
                .map_or((0, 0), |p| (p.samples, p.up)),
        };
        Some(ratio(up, samples).ok_or_else(|| thresholds::NO_DATA.to_string()))
    }

    fn load_figure(
        &self,
        metric: &Metric,
        probe: Option<&str>,
        at: usize,
    ) -> Option<Result<f64, String>> {
        let combined = self.load?;
        let load = &combined.report;
        let (requests, failed, latency, throughput) = match probe {
            None => (
                load.requests,
                load.failed,
                &combined.total,
                Some(load.throughput_rps),
            ),
            Some(id) => match (load.per_probe.get(id), combined.per_probe.get(id)) {
                (Some(p), Some(latency)) => (p.requests, p.failed, latency, p.throughput_rps),
                _ => return Some(Err(thresholds::NO_DATA.to_string())),
            },
        };
        // One vantage: throughput is the one it measured (its window is exact
        // there; report.json rounds it).
        let throughput = match self.members {
            [only] => only
                .scenario
                .thresholds
                .get(at)
                .and_then(|t| t.actual)
                .or(throughput),
            _ => throughput,
        };
        let phases = match probe {
            None => Some(&combined.phases),
            Some(id) => combined.per_probe_phases.get(id),
        };
        let inputs = FigureInputs {
            requests,
            failed,
            latency,
            phases,
            throughput: throughput.filter(|_| load.window_s > 0.0),
        };
        Some(
            thresholds::figure_value(metric, &inputs)
                .ok_or_else(|| thresholds::NO_DATA.to_string()),
        )
    }

    fn probe_figure(&self, metric: &Metric, probe: Option<&str>) -> Option<Result<f64, String>> {
        let figures = self.probe_figures?;
        if probe.is_some() && matches!(metric, Metric::PhaseLatency { .. }) {
            // One probe's phases are not kept: the worst vantage's judgement stands.
            return None;
        }
        let mut latency = LatencyHistogram::new();
        let (mut requests, mut failed) = (0, 0);
        for (id, entry) in &figures.report.per_probe {
            if probe.is_some_and(|wanted| wanted != id) {
                continue;
            }
            requests += entry.requests;
            failed += entry.failed;
            if let Some(histogram) = figures.per_probe.get(id) {
                latency.merge(histogram);
            }
        }
        let inputs = FigureInputs {
            requests,
            failed,
            latency: &latency,
            phases: Some(&figures.phases),
            throughput: None,
        };
        Some(
            thresholds::figure_value(metric, &inputs)
                .ok_or_else(|| thresholds::NO_DATA.to_string()),
        )
    }
}

/// A failing version if there is one, else the first.
fn worst<'a>(versions: &[&'a ThresholdOutcome]) -> &'a ThresholdOutcome {
    versions
        .iter()
        .find(|t| t.status == ThresholdStatus::Fail)
        .or(versions.first())
        .copied()
        .unwrap_or_else(|| unreachable!("a threshold is in at least its own scenario"))
}

fn vantage_report(member: &Member<'_>) -> VantageReport {
    let scenario = member.scenario;
    let availability = scenario.availability.as_ref();
    let (p95_ms, p95_source) = match (&scenario.load, &scenario.probe_latency_ms) {
        (Some(load), _) if load.latency_ms.is_some() => {
            (load.latency_ms.as_ref().map(|l| l.p95), Some("load"))
        }
        (_, Some(probes)) => (Some(probes.p95), Some("probes")),
        _ => (None, None),
    };
    VantageReport {
        vantage: member.vantage.to_string(),
        run_id: member.run_id.to_string(),
        gate: scenario.gate,
        availability: availability.and_then(|a| a.ratio),
        samples: availability.map_or(0, |a| a.samples),
        up: availability.map_or(0, |a| a.up),
        p95_ms,
        p95_source: p95_source.map(str::to_string),
        failed_probes: scenario
            .probes
            .iter()
            .filter(|p| !p.passed)
            .map(|p| p.id.clone())
            .collect(),
        index: scenario.standards.as_ref().and_then(|s| s.index),
        verdict: scenario.standards.as_ref().map(|s| s.verdict),
    }
}

/// The files any input skipped as not scenarios, each once, in first-seen order.
fn skipped_files(inputs: &[ReportFile]) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for file in inputs.iter().flat_map(|input| &input.report.run.skipped) {
        if !files.contains(file) {
            files.push(file.clone());
        }
    }
    files
}

/// How the merged verdict gates: the strictest way any member's did. Members
/// recorded it (`standards.verdict_gate`); a report from before that field gated
/// on its verdict exactly when a verdict is among its gate reasons.
fn merged_verdict_gate(members: &[Member<'_>]) -> VerdictGate {
    members
        .iter()
        .map(|member| {
            let scenario = &member.scenario;
            let recorded = scenario.standards.as_ref().and_then(|s| s.verdict_gate);
            recorded.unwrap_or_else(|| {
                let gated = scenario
                    .gate_reasons
                    .iter()
                    .any(|reason| matches!(reason, GateReason::StandardsVerdict(_)));
                if gated {
                    VerdictGate::Verdict
                } else {
                    VerdictGate::None
                }
            })
        })
        .max()
        .unwrap_or(VerdictGate::None)
}

#[cfg(test)]
mod tests;
