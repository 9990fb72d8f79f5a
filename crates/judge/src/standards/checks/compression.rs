//! PF-03 `compression`: 200 responses with a text, JSON, XML, JavaScript or SVG
//! type whose decoded body is over `min_bytes` are gzip-, br- or zstd-encoded,
//! when the request accepted one of those codings.

use crate::standards::checks::{Input, header_lines, media_type};
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

const CODINGS: [&str; 3] = ["gzip", "br", "zstd"];

fn compressible(media: &str) -> bool {
    media.starts_with("text/")
        || media == "application/json"
        || media.ends_with("+json")
        || media == "application/xml"
        || media.ends_with("+xml")
        || media == "application/javascript"
        || media == "application/ecmascript"
        || media == "application/x-javascript"
        || media == "image/svg+xml"
}

fn names_a_coding(value: &str) -> bool {
    value
        .split(',')
        .map(|part| {
            part.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .any(|coding| CODINGS.contains(&coding.as_str()))
}

pub fn check(input: &Input) -> RuleOutcome {
    let min_bytes = u64::try_from(input.params.integer("min_bytes")).unwrap_or(1024);
    let mut judged = 0;
    let mut first_plain = None;
    for seen in input.facts.responses() {
        let Some(response) = seen.response else {
            continue;
        };
        let media = media_type(response.header("content-type").unwrap_or_default());
        if response.status != 200 || response.body_bytes <= min_bytes || !compressible(&media) {
            continue;
        }
        // ujilab sends `Accept-Encoding: gzip, br, zstd` unless a probe sets its own.
        let accepted = header_lines(&seen.exchange.request_headers, "accept-encoding")
            .next()
            .is_none_or(names_a_coding);
        if !accepted {
            continue;
        }
        judged += 1;
        let encoded = response
            .header_lines("content-encoding")
            .any(names_a_coding);
        if !encoded && first_plain.is_none() {
            first_plain = Some((seen.clone(), media, response.body_bytes));
        }
    }
    if judged == 0 {
        return RuleOutcome::not_applicable(say::no_large_text_response(min_bytes));
    }
    match first_plain {
        None => input.level_of_outcome(
            "pass",
            Evidence {
                measured: Some(say::all_compressed(judged, min_bytes)),
                ..Evidence::default()
            },
        ),
        Some((seen, media, bytes)) => input.level_of_outcome(
            "fail",
            Evidence {
                measured: Some(say::sent_uncompressed(&media, bytes)),
                ..seen.evidence()
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    #[test]
    fn pass_fail_and_not_applicable() {
        let scenario = scenario("");
        let big = "x".repeat(2000);
        let mut obs = observations();
        obs.pages.push(page_with(
            PageRole::Home,
            response(
                200,
                &[("content-type", "text/html"), ("content-encoding", "gzip")],
                &big,
            ),
        ));
        assert_eq!(level(&run_rule("PF-03", &scenario, &obs)), 5);
        obs.pages.push(page(
            PageRole::ServiceStandard,
            200,
            "application/json",
            &big,
        ));
        let outcome = run_rule("PF-03", &scenario, &obs);
        assert_eq!(level(&outcome), 1);
        assert_eq!(
            measured(&outcome),
            "application/json of 2000 bytes sent without Content-Encoding"
        );
        assert_eq!(
            measured_id(&outcome),
            "application/json berukuran 2.000 bita dikirim tanpa Content-Encoding"
        );

        let mut small = observations();
        small
            .pages
            .push(page(PageRole::Home, 200, "text/html", "small"));
        small
            .pages
            .push(page(PageRole::Openapi, 200, "image/png", &big));
        small
            .pages
            .push(page(PageRole::Complaints, 404, "text/html", &big));
        assert_eq!(level(&run_rule("PF-03", &scenario, &small)), 0);
    }

    #[test]
    fn a_request_that_refused_compression_is_not_judged() {
        let scenario = scenario("");
        let mut obs = observations();
        let mut fetch = page(PageRole::Home, 200, "text/html", &"x".repeat(5000));
        fetch.exchange.request_headers = vec![("accept-encoding".into(), "identity".into())];
        obs.pages.push(fetch);
        assert_eq!(level(&run_rule("PF-03", &scenario, &obs)), 0);
    }
}
