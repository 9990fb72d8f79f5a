//! The run stage gathers what the standards rules read: declared pages, the TLS
//! handshake facts and SC-01's plain-http answer, against the sandbox.

use std::time::SystemTime;

use crate::support::{load_against_sandbox, run_with, start_sandbox};

use observe::observations::{CertificateProblem, Observations, PageRole};
use run::RunSettings;
use sandbox::Sandbox;

/// Loads `yaml` against the sandbox and runs it without availability or load.
async fn observe(sandbox: &Sandbox, name: &str, yaml: String) -> Observations {
    let scenario = load_against_sandbox(sandbox, name, &yaml);
    let settings = RunSettings {
        no_availability: true,
        no_load: true,
        ..RunSettings::default()
    };
    run_with(&scenario, &settings).await
}

fn demo(file: &str) -> String {
    std::fs::read_to_string(format!("scenarios/demo/{file}.yaml")).expect("demo scenario")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn well_run_service_shows_pages_tls_and_redirect() {
    let sandbox = start_sandbox().await;
    let observations = observe(&sandbox, "dukcapil.yaml", demo("dukcapil")).await;

    let roles: Vec<PageRole> = observations.pages.iter().map(|page| page.role).collect();
    assert_eq!(
        roles,
        [
            PageRole::Home,
            PageRole::ServiceStandard,
            PageRole::Complaints,
            PageRole::Openapi,
            // The pages idsll-core 2026.2's new rules read (TR-06, TR-07, PD-01).
            PageRole::Skm,
            PageRole::Ppid,
            PageRole::Privacy,
            // ujilab's own request to an unknown path under the API, for IO-02.
            PageRole::ApiUnknownPath
        ]
    );
    for page in &observations.pages {
        let response = page.exchange.response.as_ref().expect("page answered");
        // The unknown path is asked for its 404; every declared page is served.
        let expected = if page.role == PageRole::ApiUnknownPath {
            404
        } else {
            200
        };
        assert_eq!(response.status, expected, "{}", page.url);
    }
    let home = &observations.pages[0].exchange;
    let accept = home
        .request_headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("accept"))
        .map(|(_, value)| value.as_str());
    assert_eq!(
        accept,
        Some("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    );

    let tls = observations
        .tls
        .as_ref()
        .expect("https service has TLS facts");
    let handshake = tls.handshake.as_ref().expect("handshake completed");
    assert_eq!(handshake.protocol, "TLSv1.3");
    assert!(handshake.problems.is_empty(), "{:?}", handshake.problems);
    assert!(handshake.not_after.is_some_and(|t| t > SystemTime::now()));

    let http = observations
        .http_check
        .as_ref()
        .expect("SC-01 looked at http");
    let response = http.response.as_ref().expect("http answered");
    assert_eq!(response.status, 301);
    assert!(
        response
            .header("location")
            .is_some_and(|l| l.starts_with("https://"))
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_certificate_is_recorded_not_fatal() {
    let sandbox = start_sandbox().await;
    // The same service without its CA: the handshake still finishes, and says why
    // the chain would not be trusted.
    let yaml = demo("dukcapil").replace(
        "    ca_file: ${env:UJILAB_SANDBOX_CA:-/tmp/ujilab-sandbox-ca.pem}",
        "    insecure: false",
    );
    let observations = observe(&sandbox, "no-ca.yaml", yaml).await;
    let handshake = observations
        .tls
        .as_ref()
        .and_then(|tls| tls.handshake.as_ref().ok())
        .expect("handshake completed");
    assert!(
        matches!(
            handshake.problems.as_slice(),
            [CertificateProblem::Untrusted(_)]
        ),
        "{:?}",
        handshake.problems
    );
    assert_eq!(handshake.chain_length, 1);

    // Plain-HTTP service: no TLS facts; SC-01 still looks at http_url (by default
    // base_url's host on port 80, which nothing serves here: a recorded failure).
    let observations = observe(&sandbox, "pengaduan.yaml", demo("pengaduan")).await;
    assert!(observations.tls.is_none());
    assert!(observations.http_check.is_some());
    sandbox.shutdown().await;
}
