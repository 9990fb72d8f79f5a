//! Evidence bundles: `run --bundle` signed, `merge --bundle` unsigned, `keygen`
//! and `verify`. Every member is tampered with in turn, the manifest and the
//! signature too, and `verify` must name it. Against the sandbox on 127.0.0.1.

use std::path::Path;

use crate::support::{
    assert_exit_code, run_command, run_command_off_runtime, start_sandbox, text, ujilab_command,
};

/// Where each regular file's content starts in a ustar archive, by name.
fn member_offsets(tar: &[u8]) -> Vec<(String, usize, usize)> {
    let mut found = Vec::new();
    let mut at = 0;
    while at + 512 <= tar.len() && tar[at] != 0 {
        let header = &tar[at..at + 512];
        let name_end = header[..100].iter().position(|&b| b == 0).unwrap_or(100);
        let name = String::from_utf8_lossy(&header[..name_end]).into_owned();
        let size_text = String::from_utf8_lossy(&header[124..136]);
        let size =
            usize::from_str_radix(size_text.trim_matches(|c: char| c == '\0' || c == ' '), 8)
                .expect("octal size");
        found.push((name, at + 512, size));
        at += 512 + size.div_ceil(512) * 512;
    }
    found
}

fn verify(bundle: &Path, key: Option<&Path>) -> std::process::Output {
    let mut command = ujilab_command();
    command.arg("verify").arg(bundle);
    if let Some(key) = key {
        command.arg("--key").arg(key);
    }
    run_command(&mut command)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_bundle_verifies_and_each_tampered_member_is_named() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("key.pem");
    let public = dir.path().join("key.pem.pub");
    let keygen = run_command(ujilab_command().args(["keygen", "--out"]).arg(&key));
    assert_exit_code(&keygen, 0);
    let secret = std::fs::read_to_string(&key).expect("key written");
    let secret_body: String = secret.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(
        text(&keygen.stdout).contains("public key"),
        "{}",
        text(&keygen.stdout)
    );

    let out = dir.path().join("out");
    let bundle = dir.path().join("evidence.tar");
    let mut command = ujilab_command();
    command
        .envs(sandbox.env())
        .args([
            "run",
            "scenarios/demo/dukcapil.yaml",
            "--no-load",
            "--no-progress",
            "--out",
        ])
        .arg(&out)
        .arg("--bundle")
        .arg(&bundle)
        .arg("--sign-key")
        .arg(&key);
    let run = run_command_off_runtime(command).await;
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{}",
        text(&run.stderr)
    );
    let bytes = std::fs::read(&bundle).expect("bundle written");

    // The secret is in no output, report or bundle.
    for (what, content) in [
        (
            "keygen stdout",
            text(&keygen.stdout) + &text(&keygen.stderr),
        ),
        ("run output", text(&run.stdout) + &text(&run.stderr)),
        (
            "report.json",
            std::fs::read_to_string(out.join("report.json")).expect("json"),
        ),
        (
            "report.html",
            std::fs::read_to_string(out.join("report.html")).expect("html"),
        ),
        ("bundle", String::from_utf8_lossy(&bytes).into_owned()),
    ] {
        assert!(
            !content.contains(&secret_body[..40]),
            "the secret key is in the {what}"
        );
    }

    // The page prints the bundle's digest and the key's fingerprint.
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert!(
        html.contains(&bundle::sha256_hex(&bytes)),
        "bundle digest in report.html"
    );
    let fingerprint = bundle::SigningKey::read(secret.as_bytes())
        .expect("key")
        .fingerprint();
    assert!(
        html.contains(&fingerprint),
        "key fingerprint in report.html"
    );

    // The TLS evidence and the sample record, in report.json and on the page.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("json"))
            .expect("report.json");
    let scenario = &report["scenarios"][0];
    let tls = &scenario["tls"];
    assert_eq!(tls["oldest_accepted"], "TLSv1.2", "{tls:#}");
    let results: Vec<&str> = tls["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["result"].as_str().expect("result"))
        .collect();
    assert_eq!(results, ["refused", "refused", "accepted", "accepted"]);
    let leaf = &tls["chain"][0];
    assert!(
        leaf["sans"]
            .as_array()
            .expect("sans")
            .iter()
            .any(|san| san == "dukcapil.contohkab.go.id")
    );
    let fingerprint_hex = leaf["sha256"].as_str().expect("sha256");
    assert!(
        html.contains(fingerprint_hex),
        "the leaf's SHA-256 on the page"
    );
    assert!(html.contains("Certificate chain the server sent"));
    let record = scenario["availability"]["record"]
        .as_array()
        .expect("record");
    assert_eq!(record.len(), 40, "20 rounds of 2 probes");
    assert!(record.iter().all(|sample| sample["at"].is_string()));
    let cells = html.matches("<span class=\"up\" title=").count()
        + html.matches("<span class=\"down\" title=").count();
    assert_eq!(cells, record.len(), "one strip cell per sample");
    assert!(
        scenario["probes"]
            .as_array()
            .expect("probes")
            .iter()
            .all(|probe| probe["sent_at"]
                .as_str()
                .is_some_and(|at| at.ends_with('Z')))
    );

    let members = member_offsets(&bytes);
    let names: Vec<&str> = members.iter().map(|(name, _, _)| name.as_str()).collect();
    assert_eq!(names[0], "report.json");
    for expected in [
        "scenarios/001-contohkab-dukcapil.json",
        "catalogues/idsll-core@2026.2.yaml",
        "manifest.json",
        "signature.json",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let pem = names
        .iter()
        .find(|n| n.starts_with("certificates/dukcapil.contohkab.go.id-"))
        .expect("chain");
    let (_, at, size) = members.iter().find(|(n, _, _)| n == pem).expect("pem");
    assert!(
        String::from_utf8_lossy(&bytes[*at..at + size]).starts_with("-----BEGIN CERTIFICATE-----")
    );
    // The report.json in the bundle is the one written.
    let (_, at, size) = &members[0];
    assert_eq!(
        &bytes[*at..at + size],
        std::fs::read(out.join("report.json"))
            .expect("json")
            .as_slice()
    );

    let ok = verify(&bundle, Some(&public));
    assert_exit_code(&ok, 0);
    assert!(
        text(&ok.stdout).contains("signature valid"),
        "{}",
        text(&ok.stdout)
    );

    // Each member changed in turn: verify fails, naming it.
    for (name, at, size) in &members {
        let mut tampered = bytes.clone();
        // A byte in the middle of the content, same length.
        let spot = at + size / 2;
        tampered[spot] = if tampered[spot] == b'0' { b'1' } else { b'0' };
        let path = dir.path().join("tampered.tar");
        std::fs::write(&path, &tampered).expect("write");
        let result = verify(&path, Some(&public));
        assert_exit_code(&result, 1);
        let stderr = text(&result.stderr);
        assert!(
            stderr.contains(&format!("TAMPERED {name}:")),
            "{name}: {stderr}"
        );
    }

    // Another key: not a pass.
    let other = dir.path().join("other.pem");
    assert_exit_code(
        &run_command(ujilab_command().args(["keygen", "--out"]).arg(&other)),
        0,
    );
    let result = verify(&bundle, Some(&dir.path().join("other.pem.pub")));
    assert_exit_code(&result, 1);
    assert!(
        text(&result.stderr).contains("signed with another key"),
        "{}",
        text(&result.stderr)
    );

    // Not a bundle: bad input.
    let junk = dir.path().join("junk.tar");
    std::fs::write(&junk, b"not a tar").expect("write");
    assert_exit_code(&verify(&junk, None), 2);

    // merge --bundle without a key: an unsigned bundle, reported as such, and
    // not a pass when --key is given.
    let merged = dir.path().join("merged");
    let unsigned = dir.path().join("unsigned.tar");
    let merge = run_command(
        ujilab_command()
            .env_remove("UJILAB_SIGN_KEY")
            .arg("merge")
            .arg(out.join("report.json"))
            .arg("--out")
            .arg(&merged)
            .arg("--bundle")
            .arg(&unsigned),
    );
    assert!(
        matches!(merge.status.code(), Some(0 | 1)),
        "{}",
        text(&merge.stderr)
    );
    let plain = verify(&unsigned, None);
    assert_exit_code(&plain, 0);
    assert!(
        text(&plain.stdout).contains("UNSIGNED"),
        "{}",
        text(&plain.stdout)
    );
    let pinned = verify(&unsigned, Some(&public));
    assert_exit_code(&pinned, 1);
    assert!(
        text(&pinned.stderr).contains("UNSIGNED"),
        "{}",
        text(&pinned.stderr)
    );

    // A bad key is bad input before anything is probed, and is not echoed.
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "s3cr3t-not-a-key").expect("write");
    let refused = run_command(
        ujilab_command()
            .args([
                "run",
                "scenarios/demo/dukcapil.yaml",
                "--no-progress",
                "--bundle",
            ])
            .arg(dir.path().join("never.tar"))
            .arg("--sign-key")
            .arg(&bad),
    );
    assert_exit_code(&refused, 2);
    assert!(
        !text(&refused.stderr).contains("s3cr3t"),
        "{}",
        text(&refused.stderr)
    );
}
