//! The live progress display on stderr: one line per scenario with its phase and
//! counts. It only listens to run events; nothing in the run waits for it.

use std::collections::HashMap;

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

/// Returns the event sender for the run and the display consuming it (a no-op
/// when `enabled` is false: stderr is not a terminal, or `--quiet`), its lines
/// in `lang`.
pub fn start(enabled: bool, lang: Lang) -> (Events, Display) {
    if !enabled {
        return (Events::default(), Display(None));
    }
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

/// A run phase as the reader calls it.
fn phase_name(phase: &str, lang: Lang) -> &str {
    match (lang, phase) {
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
