//! The report reader used by `merge`, `diff` and `portfolio` (serde_json into
//! the report.json model, with the format check), then a merge of two copies of
//! what it read from two vantages: arithmetic checks, histogram decoding,
//! re-judged thresholds and the gate. Errors are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use report::fleet::merge::{MergeOptions, merge};
use report::fleet::read::ReportFile;
use report::model::Report;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = serde_json::from_slice::<Report>(data) else {
        return;
    };
    let mut second = parsed.clone();
    second.run.vantage = Some(match parsed.run.vantage.as_deref() {
        Some("medan") => "jakarta".to_string(),
        _ => "medan".to_string(),
    });
    second.run.id.push_str("-2");
    let inputs = [
        ReportFile {
            file: "a/report.json".to_string(),
            report: parsed,
        },
        ReportFile {
            file: "b/report.json".to_string(),
            report: second,
        },
    ];
    let options = MergeOptions::default();
    if let Ok(merged) = merge(&inputs, &options) {
        // What merge wrote must read back as a report.
        let text = serde_json::to_vec(&merged).expect("a merged report serializes");
        serde_json::from_slice::<Report>(&text).expect("a merged report reads back");
    }
});
