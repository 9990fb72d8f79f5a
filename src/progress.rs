//! What a run says while it runs, on stderr. On a terminal: one live line per
//! scenario with its phase and counts. Without one (a CI log): a line as each
//! scenario phase starts and ends, and a line every 10 s of load, grouped with
//! `::group::` under GitHub Actions ([`Lines`]). It only listens to run events;
//! nothing in the run waits for it.

use std::collections::HashMap;
use std::io::Write as _;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use input::lang::Lang;
use run::{Event, Events, LoadProgress};

pub struct Display(Option<JoinHandle<()>>);

impl Display {
    /// Waits until every event has been drawn and the lines are cleared.
    pub async fn finish(self) {
        if let Some(handle) = self.0 {
            let _ = handle.await;
        }
    }
}

/// How the run's progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `--quiet` or `--no-progress`.
    Off,
    /// Live lines redrawn in place.
    Terminal,
    /// Plain lines for a log; `github` groups each scenario with `::group::`.
    Lines { github: bool },
}

/// Returns the event sender for the run and the display consuming it, its lines
/// in `lang`.
pub fn start(mode: Mode, lang: Lang) -> (Events, Display) {
    match mode {
        Mode::Off => (Events::default(), Display(None)),
        Mode::Terminal => start_terminal(lang),
        Mode::Lines { github } => {
            let (sender, mut receiver) = mpsc::unbounded_channel();
            let handle = tokio::spawn(async move {
                let mut lines = Lines::new(lang, github);
                while let Some(event) = receiver.recv().await {
                    let mut text = Vec::new();
                    lines.on(event, Instant::now(), &mut text);
                    let _ = std::io::stderr().write_all(&text);
                }
            });
            (Events::new(sender), Display(Some(handle)))
        }
    }
}

fn start_terminal(lang: Lang) -> (Events, Display) {
    let (sender, mut receiver) = mpsc::unbounded_channel();
    let handle = tokio::spawn(async move {
        let bars = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {prefix:<28} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let mut lines: HashMap<String, (ProgressBar, usize, usize)> = HashMap::new();
        while let Some(event) = receiver.recv().await {
            match event {
                Event::ScenarioStarted { scenario, probes } => {
                    let bar = bars.add(ProgressBar::new_spinner());
                    bar.set_style(style.clone());
                    bar.set_prefix(scenario.clone());
                    bar.enable_steady_tick(std::time::Duration::from_millis(120));
                    bar.set_message(format!("probe 0/{probes}"));
                    lines.insert(scenario, (bar, 0, probes));
                }
                Event::ProbeFinished { scenario, passed } => {
                    if let Some((bar, done, total)) = lines.get_mut(&scenario) {
                        *done += 1;
                        let mark = match passed {
                            true => "",
                            false => lang.pick(" (ada yang gagal)", " (failures)"),
                        };
                        bar.set_message(format!("probe {done}/{total}{mark}"));
                    }
                }
                Event::ProbesAdded { scenario, count } => {
                    if let Some((bar, done, total)) = lines.get_mut(&scenario) {
                        *total += count;
                        bar.set_message(format!("probe {done}/{total}"));
                    }
                }
                Event::PhaseStarted { scenario, phase } => {
                    if let Some((bar, ..)) = lines.get(&scenario) {
                        bar.set_message(phase_name(phase, lang).to_string());
                    }
                }
                Event::AvailabilityRound {
                    scenario,
                    done,
                    total,
                } => {
                    if let Some((bar, ..)) = lines.get(&scenario) {
                        let name = phase_name("availability", lang);
                        bar.set_message(format!("{name} {done}/{total}"));
                    }
                }
                Event::LoadProgress { scenario, progress } => {
                    if let Some((bar, ..)) = lines.get(&scenario) {
                        bar.set_message(load_line(&progress, lang));
                    }
                }
                Event::ScenarioFinished { scenario } => {
                    if let Some((bar, ..)) = lines.remove(&scenario) {
                        bar.finish_and_clear();
                    }
                }
            }
        }
        let _ = bars.clear();
    });
    (Events::new(sender), Display(Some(handle)))
}

/// A load line every this often in a log.
const LOAD_LINE_EVERY: Duration = Duration::from_secs(10);

/// The progress of a run as plain log lines.
struct Lines {
    lang: Lang,
    github: bool,
    /// The scenario whose `::group::` is open: groups cannot nest or interleave,
    /// so scenarios run in parallel meanwhile print their lines outside it.
    group: Option<String>,
    scenarios: HashMap<String, ScenarioLine>,
}

/// One scenario's phase in progress.
struct ScenarioLine {
    started: Instant,
    phase: &'static str,
    phase_started: Instant,
    probes: usize,
    probes_done: usize,
    probes_failed: usize,
    last_load_line: Option<Instant>,
}

impl Lines {
    fn new(lang: Lang, github: bool) -> Lines {
        Lines {
            lang,
            github,
            group: None,
            scenarios: HashMap::new(),
        }
    }

    /// Writes the lines `event` calls for into `out`.
    fn on(&mut self, event: Event, now: Instant, out: &mut Vec<u8>) {
        let lang = self.lang;
        match event {
            Event::ScenarioStarted { scenario, probes } => {
                if self.github && self.group.is_none() {
                    let _ = writeln!(out, "::group::ujilab {scenario}");
                    self.group = Some(scenario.clone());
                }
                let _ = writeln!(
                    out,
                    "{scenario}: {}",
                    lang.choose(
                        format!("uji fungsi dimulai ({probes} probe)"),
                        format!("probes started ({probes})")
                    )
                );
                self.scenarios.insert(
                    scenario,
                    ScenarioLine {
                        started: now,
                        phase: "functional",
                        phase_started: now,
                        probes,
                        probes_done: 0,
                        probes_failed: 0,
                        last_load_line: None,
                    },
                );
            }
            Event::ProbeFinished { scenario, passed } => {
                if let Some(line) = self.scenarios.get_mut(&scenario) {
                    line.probes_done += 1;
                    line.probes_failed += usize::from(!passed);
                }
            }
            Event::ProbesAdded { scenario, count } => {
                if let Some(line) = self.scenarios.get_mut(&scenario) {
                    line.probes += count;
                }
            }
            Event::PhaseStarted { scenario, phase } => {
                let Some(line) = self.scenarios.get_mut(&scenario) else {
                    return;
                };
                let ended = phase_ended(line, now, lang);
                let _ = writeln!(out, "{scenario}: {ended}");
                line.phase = phase;
                line.phase_started = now;
                let name = phase_name(phase, lang);
                let _ = writeln!(
                    out,
                    "{scenario}: {}",
                    lang.choose(format!("{name} dimulai"), format!("{name} started"))
                );
            }
            Event::AvailabilityRound { .. } => {}
            Event::LoadProgress { scenario, progress } => {
                let Some(line) = self.scenarios.get_mut(&scenario) else {
                    return;
                };
                let since = line.last_load_line.unwrap_or(line.phase_started);
                if now.duration_since(since) >= LOAD_LINE_EVERY {
                    line.last_load_line = Some(now);
                    let _ = writeln!(out, "{scenario}: {}", load_line(&progress, lang));
                }
            }
            Event::ScenarioFinished { scenario } => {
                let Some(line) = self.scenarios.remove(&scenario) else {
                    return;
                };
                let ended = phase_ended(&line, now, lang);
                let took = seconds(now.duration_since(line.started), lang);
                let _ = writeln!(out, "{scenario}: {ended}");
                let _ = writeln!(
                    out,
                    "{scenario}: {}",
                    lang.choose(
                        format!("selesai dalam {took}"),
                        format!("finished in {took}")
                    )
                );
                if self.group.as_deref() == Some(scenario.as_str()) {
                    let _ = writeln!(out, "::endgroup::");
                    self.group = None;
                }
            }
        }
    }
}

/// `uji fungsi selesai dalam 1,2 s (5 probe, 1 gagal)`.
fn phase_ended(line: &ScenarioLine, now: Instant, lang: Lang) -> String {
    let took = seconds(now.duration_since(line.phase_started), lang);
    let name = phase_name(line.phase, lang);
    if line.phase == "functional" {
        let (done, failed) = (line.probes_done, line.probes_failed);
        let total = line.probes;
        lang.choose(
            format!("{name} selesai dalam {took} ({done}/{total} probe, {failed} gagal)"),
            format!("{name} done in {took} ({done}/{total}, {failed} failed)"),
        )
    } else {
        lang.choose(
            format!("{name} selesai dalam {took}"),
            format!("{name} done in {took}"),
        )
    }
}

fn seconds(duration: Duration, lang: Lang) -> String {
    input::lang::number(&format!("{:.1} s", duration.as_secs_f64()), lang)
}

/// A run phase as the reader calls it.
fn phase_name(phase: &str, lang: Lang) -> &str {
    match (lang, phase) {
        (Lang::Id, "functional") => "uji fungsi",
        (Lang::En, "functional") => "probes",
        (Lang::Id, "standards") => "penilaian standar",
        (Lang::Id, "availability") => "ketersediaan",
        (Lang::Id, "load") => "uji beban",
        (_, phase) => phase,
    }
}

/// `load 12s/30s  812 req/s  p95 21 ms  3 errors`; during the warmup the figures
/// are the warmup's own and say so.
fn load_line(progress: &LoadProgress, lang: Lang) -> String {
    let LoadProgress {
        elapsed,
        total,
        requests,
        target,
        errors,
        rate,
        p95,
        warmup,
    } = *progress;
    let seconds = |d: std::time::Duration| format!("{}s", d.as_secs());
    let progress = match (total, target) {
        (Some(total), _) => format!("{}/{}", seconds(elapsed), seconds(total)),
        (None, Some(target)) => {
            format!(
                "{requests}/{target} {}",
                lang.pick("permintaan", "requests")
            )
        }
        (None, None) => seconds(elapsed),
    };
    let phase = match warmup {
        true => lang.pick("uji beban (pemanasan)", "load (warmup)"),
        false => phase_name("load", lang),
    };
    let p95 = p95.map_or_else(|| "-".to_string(), input::quantity::format_duration);
    let p95 = input::lang::number(&p95, lang);
    let errors = lang.choose(format!("{errors} galat"), format!("{errors} errors"));
    format!("{phase} {progress}  {rate:.0} req/s  p95 {p95}  {errors}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &mut Lines, event: Event, at: Instant) -> String {
        let mut out = Vec::new();
        lines.on(event, at, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    fn load(seconds: u64) -> Event {
        Event::LoadProgress {
            scenario: "kab".into(),
            progress: LoadProgress {
                elapsed: Duration::from_secs(seconds),
                total: Some(Duration::from_secs(30)),
                requests: 100 * seconds,
                target: None,
                errors: 2,
                rate: 100.0,
                p95: Some(Duration::from_millis(21)),
                warmup: false,
            },
        }
    }

    #[test]
    fn a_log_gets_phase_lines_a_load_line_every_ten_seconds_and_github_groups() {
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        let mut lines = Lines::new(Lang::En, true);
        let started = text(
            &mut lines,
            Event::ScenarioStarted {
                scenario: "kab".into(),
                probes: 2,
            },
            at(0),
        );
        assert_eq!(started, "::group::ujilab kab\nkab: probes started (2)\n");
        // A scenario in parallel does not open a second group.
        let other = text(
            &mut lines,
            Event::ScenarioStarted {
                scenario: "kota".into(),
                probes: 1,
            },
            at(0),
        );
        assert!(!other.contains("::group::"), "{other}");
        for passed in [true, false] {
            text(
                &mut lines,
                Event::ProbeFinished {
                    scenario: "kab".into(),
                    passed,
                },
                at(1),
            );
        }
        let load_started = text(
            &mut lines,
            Event::PhaseStarted {
                scenario: "kab".into(),
                phase: "load",
            },
            at(2),
        );
        assert_eq!(
            load_started,
            "kab: probes done in 2.0 s (2/2, 1 failed)\nkab: load started\n"
        );
        assert_eq!(text(&mut lines, load(5), at(7)), "");
        let ten = text(&mut lines, load(10), at(12));
        assert!(
            ten.starts_with("kab: load 10s/30s  100 req/s  p95 21 ms"),
            "{ten}"
        );
        assert_eq!(text(&mut lines, load(15), at(17)), "");
        assert!(!text(&mut lines, load(20), at(22)).is_empty());
        let finished = text(
            &mut lines,
            Event::ScenarioFinished {
                scenario: "kab".into(),
            },
            at(32),
        );
        assert_eq!(
            finished,
            "kab: load done in 30.0 s\nkab: finished in 32.0 s\n::endgroup::\n"
        );
    }

    #[test]
    fn probes_made_from_an_openapi_document_join_the_count() {
        let start = Instant::now();
        let mut lines = Lines::new(Lang::En, false);
        let kab = || "kab".to_string();
        text(
            &mut lines,
            Event::ScenarioStarted {
                scenario: kab(),
                probes: 1,
            },
            start,
        );
        text(
            &mut lines,
            Event::ProbesAdded {
                scenario: kab(),
                count: 2,
            },
            start,
        );
        for passed in [true, true, false] {
            text(
                &mut lines,
                Event::ProbeFinished {
                    scenario: kab(),
                    passed,
                },
                start,
            );
        }
        let done = text(
            &mut lines,
            Event::PhaseStarted {
                scenario: kab(),
                phase: "availability",
            },
            start + Duration::from_secs(1),
        );
        assert!(
            done.starts_with("kab: probes done in 1.0 s (3/3, 1 failed)"),
            "{done}"
        );
    }

    #[test]
    fn indonesian_lines_say_it_in_indonesian() {
        let start = Instant::now();
        let mut lines = Lines::new(Lang::Id, false);
        let started = text(
            &mut lines,
            Event::ScenarioStarted {
                scenario: "kab".into(),
                probes: 3,
            },
            start,
        );
        assert_eq!(started, "kab: uji fungsi dimulai (3 probe)\n");
        let next = text(
            &mut lines,
            Event::PhaseStarted {
                scenario: "kab".into(),
                phase: "availability",
            },
            start + Duration::from_millis(1500),
        );
        assert_eq!(
            next,
            "kab: uji fungsi selesai dalam 1,5 s (0/3 probe, 0 gagal)\nkab: ketersediaan dimulai\n"
        );
    }
}
