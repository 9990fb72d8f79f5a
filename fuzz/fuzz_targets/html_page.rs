//! The HTML page reader behind the standards checks (judge's `HtmlPage`): parse
//! any bytes as a page, then ask it everything the checks ask.
#![no_main]

use std::collections::HashSet;

use judge::standards::html::{HtmlPage, contains_phrase};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let page = HtmlPage::parse(&text);
    let _ = page.lang();
    let _ = page.title();
    let _ = page.has_viewport();
    let _ = page.scripts();
    let ignore = vec!["cookie".to_string()];
    let visible = page.visible_text(&ignore);
    let _ = contains_phrase(&visible, "jam layanan");
    let _ = page.links();
    let _ = page.images();
    let _ = page.form_textareas();
    let _ = page.controls();
    let _ = page.subresources();
    let _ = page.base_href();
    let _ = page.meta_upgrades_insecure_requests();
    let _ = page.named_links();
    let template: HashSet<u64> = page.block_fingerprints();
    let content = page.content(&ignore, &template);
    let _ = content.find("pengaduan");
    let _ = content.find("Maklumat Pelayanan");
    let _ = page.content(&ignore, &HashSet::new()).find("jam");
});
