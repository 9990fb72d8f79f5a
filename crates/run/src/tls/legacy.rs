//! TLS 1.0 and 1.1, which rustls does not speak: a ClientHello made by hand, and
//! the first record of the answer read far enough to tell a ServerHello of the
//! offered version from an alert, another version or a closed connection.
//! Nothing else of the handshake is done: ujilab only asks whether the server
//! still accepts the version.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use observe::observations::{TlsVersion, VersionResult};

/// Cipher suites a TLS 1.0/1.1 server of the last decade picks from: ECDHE and
/// RSA key exchange with AES-CBC, and 3DES for the oldest.
const SUITES: [u16; 9] = [
    0xc013, // ECDHE_RSA_WITH_AES_128_CBC_SHA
    0xc014, // ECDHE_RSA_WITH_AES_256_CBC_SHA
    0xc009, // ECDHE_ECDSA_WITH_AES_128_CBC_SHA
    0xc00a, // ECDHE_ECDSA_WITH_AES_256_CBC_SHA
    0x0033, // DHE_RSA_WITH_AES_128_CBC_SHA
    0x0039, // DHE_RSA_WITH_AES_256_CBC_SHA
    0x002f, // RSA_WITH_AES_128_CBC_SHA
    0x0035, // RSA_WITH_AES_256_CBC_SHA
    0x000a, // RSA_WITH_3DES_EDE_CBC_SHA
];

/// The ClientHello record offering `version` and nothing newer.
pub(crate) fn client_hello(host: &str, version: TlsVersion) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version.wire().to_be_bytes());
    // The random need not be secret: no key is ever derived from this hello.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    for index in 0..32u8 {
        body.push((seed >> ((index % 16) * 8)) as u8 ^ index.wrapping_mul(151));
    }
    body.push(0); // no session id
    push_u16(&mut body, (SUITES.len() * 2) as u16);
    for suite in SUITES {
        push_u16(&mut body, suite);
    }
    body.extend_from_slice(&[1, 0]); // compression: null only

    let mut extensions = Vec::new();
    // server_name, when the host is a name (RFC 6066 forbids IP literals).
    if host.parse::<std::net::IpAddr>().is_err() && !host.is_empty() {
        let name = host.as_bytes();
        let mut list = Vec::new();
        list.push(0); // host_name
        push_u16(&mut list, name.len() as u16);
        list.extend_from_slice(name);
        let mut data = Vec::new();
        push_u16(&mut data, list.len() as u16);
        data.extend_from_slice(&list);
        extension(&mut extensions, 0x0000, &data);
    }
    // supported_groups: x25519, secp256r1, secp384r1.
    extension(
        &mut extensions,
        0x000a,
        &[0, 6, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18],
    );
    // ec_point_formats: uncompressed.
    extension(&mut extensions, 0x000b, &[1, 0]);
    // renegotiation_info, empty (RFC 5746).
    extension(&mut extensions, 0xff01, &[0]);
    push_u16(&mut body, extensions.len() as u16);
    body.extend_from_slice(&extensions);

    let mut handshake = vec![1]; // client_hello
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);

    let mut record = vec![0x16];
    // The record layer says TLS 1.0, as clients do for compatibility.
    push_u16(&mut record, TlsVersion::Tls1_0.wire());
    push_u16(&mut record, handshake.len() as u16);
    record.extend_from_slice(&handshake);
    record
}

fn push_u16(buffer: &mut Vec<u8>, value: u16) {
    buffer.extend_from_slice(&value.to_be_bytes());
}

fn extension(buffer: &mut Vec<u8>, kind: u16, data: &[u8]) {
    push_u16(buffer, kind);
    push_u16(buffer, data.len() as u16);
    buffer.extend_from_slice(data);
}

/// What the first bytes of the server's answer say.
pub(crate) fn read_answer(
    version: TlsVersion,
    answer: &[u8],
) -> Result<(), (VersionResult, String)> {
    let refused = |detail: String| Err((VersionResult::Refused, detail));
    match answer {
        [] => refused("connection closed without an answer".into()),
        [0x15, _, _, _, _, _, description, ..] => refused(format!(
            "alert {} ({description})",
            alert_name(*description)
        )),
        // Handshake record, ServerHello: type 2, 3 length bytes, then the version.
        [0x16, _, _, _, _, 2, _, _, _, major, minor, ..] => {
            let answered = u16::from_be_bytes([*major, *minor]);
            if answered == version.wire() {
                Ok(())
            } else {
                refused(format!(
                    "answered with {}",
                    TlsVersion::ALL
                        .iter()
                        .find(|v| v.wire() == answered)
                        .map_or_else(
                            || format!("version 0x{answered:04x}"),
                            |v| v.name().to_string()
                        )
                ))
            }
        }
        [0x15 | 0x16, ..] if answer.len() < 11 => Err((
            VersionResult::Unknown,
            format!("answer cut short after {} bytes", answer.len()),
        )),
        _ => refused("the answer is not TLS".into()),
    }
}

fn alert_name(description: u8) -> &'static str {
    match description {
        0 => "close_notify",
        40 => "handshake_failure",
        47 => "illegal_parameter",
        50 => "decode_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        112 => "unrecognized_name",
        _ => "alert",
    }
}

/// Sends the hello and reads the answer's first record head and ServerHello
/// head (11 bytes at most); the caller bounds it by a timeout.
pub(crate) async fn offer(
    mut tcp: TcpStream,
    host: &str,
    version: TlsVersion,
) -> Result<(), (VersionResult, String)> {
    let unknown = |error: std::io::Error| (VersionResult::Unknown, error.to_string());
    tcp.write_all(&client_hello(host, version))
        .await
        .map_err(unknown)?;
    let mut answer = Vec::with_capacity(11);
    let mut buffer = [0u8; 11];
    while answer.len() < 11 {
        match tcp.read(&mut buffer[..11 - answer.len()]).await {
            Ok(0) => break,
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
            // A reset after the hello is a refusal, as a closed connection is.
            Err(error) if answer.is_empty() => {
                return Err((VersionResult::Refused, format!("connection reset: {error}")));
            }
            Err(_) => break,
        }
        // An alert is complete at 7 bytes.
        if answer.first() == Some(&0x15) && answer.len() >= 7 {
            break;
        }
    }
    read_answer(version, &answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hello_is_well_formed() {
        let hello = client_hello("dukcapil.contohkab.go.id", TlsVersion::Tls1_1);
        assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
        let record_length = u16::from_be_bytes([hello[3], hello[4]]) as usize;
        assert_eq!(record_length, hello.len() - 5);
        assert_eq!(hello[5], 1, "client_hello");
        let length = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
        assert_eq!(length, hello.len() - 9);
        assert_eq!(&hello[9..11], &[0x03, 0x02], "offers TLS 1.1");
        let text = String::from_utf8_lossy(&hello);
        assert!(text.contains("dukcapil.contohkab.go.id"), "SNI");
        let by_ip = client_hello("127.0.0.1", TlsVersion::Tls1_0);
        assert!(
            !String::from_utf8_lossy(&by_ip).contains("127.0.0.1"),
            "no SNI for an IP"
        );
    }

    #[test]
    fn answers_are_read() {
        let hello = |major, minor| [0x16, 3, 1, 0, 50, 2, 0, 0, 46, major, minor];
        assert!(read_answer(TlsVersion::Tls1_0, &hello(3, 1)).is_ok());
        let other = read_answer(TlsVersion::Tls1_1, &hello(3, 1)).unwrap_err();
        assert_eq!(
            other,
            (VersionResult::Refused, "answered with TLSv1.0".into())
        );
        let alert = read_answer(TlsVersion::Tls1_0, &[0x15, 3, 1, 0, 2, 2, 70]).unwrap_err();
        assert_eq!(
            alert,
            (VersionResult::Refused, "alert protocol_version (70)".into())
        );
        assert_eq!(
            read_answer(TlsVersion::Tls1_0, &[]).unwrap_err().0,
            VersionResult::Refused
        );
        assert_eq!(
            read_answer(TlsVersion::Tls1_0, b"HTTP/1.1 400")
                .unwrap_err()
                .1,
            "the answer is not TLS"
        );
        assert_eq!(
            read_answer(TlsVersion::Tls1_0, &[0x16, 3]).unwrap_err().0,
            VersionResult::Unknown
        );
    }
}
