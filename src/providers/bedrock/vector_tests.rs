//! Our use of the AWS crates checked against published test vectors, checked in under
//! `tests/fixtures/bedrock`: the SigV4 signing suite (as shipped with `aws-sigv4` and
//! aws-c-auth) through [`sign::sign_request`], and the AWS event-stream suite
//! (aws-sdk-go / aws-c-event-stream) through [`FrameReader`].

use std::time::{Duration, SystemTime};

use aws_smithy_types::event_stream::{HeaderValue, Message};
use serde_json::{json, Value};

use super::eventstream::FrameReader;
use super::sign::{sign_request, AwsCredentials, Scope};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bedrock");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{path}")).unwrap()
}

/// `Name:value` lines of a signed request, the header names lower-cased.
fn header_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect()
}

fn check_sigv4_vector(name: &str) {
    let context: Value =
        serde_json::from_str(&read(&format!("sigv4/{name}/context.json"))).unwrap();
    // 2015-08-30T12:36:00Z, the suite's fixed signing time.
    assert_eq!(context["timestamp"], "2015-08-30T12:36:00Z");
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let request = read(&format!("sigv4/{name}/request.txt"));
    let mut first = request.lines().next().unwrap().split(' ');
    let (method, path) = (first.next().unwrap(), first.next().unwrap());
    let host = header_lines(&request)
        .into_iter()
        .find(|(k, _)| k == "host")
        .unwrap()
        .1;
    let creds = AwsCredentials {
        access_key: context["credentials"]["access_key_id"]
            .as_str()
            .unwrap()
            .into(),
        secret_key: context["credentials"]["secret_access_key"]
            .as_str()
            .unwrap()
            .into(),
        session_token: context["credentials"]["token"].as_str().map(str::to_string),
    };
    let scope = Scope {
        region: context["region"].as_str().unwrap(),
        service: context["service"].as_str().unwrap(),
        time,
    };
    let url = format!("https://{host}{path}");
    let signed = sign_request(method, &url, &[], b"", &creds, scope).unwrap();
    let expected = header_lines(&read(&format!("sigv4/{name}/header-signed-request.txt")));
    for (k, v) in expected.iter().filter(|(k, _)| k != "host") {
        let got = signed.iter().find(|h| &h.name == k);
        assert_eq!(
            got.map(|h| h.value.as_str()),
            Some(v.as_str()),
            "{name}: {k}"
        );
    }
    assert_eq!(signed.len(), expected.len() - 1, "{name}: {signed:?}");
}

#[test]
fn sigv4_get_vanilla() {
    check_sigv4_vector("get-vanilla");
}

#[test]
fn sigv4_post_vanilla() {
    check_sigv4_vector("post-vanilla");
}

#[test]
fn sigv4_with_session_token() {
    check_sigv4_vector("get-vanilla-with-session-token");
}

#[test]
fn signed_headers_and_credentials_hide_secrets_in_debug() {
    let creds = AwsCredentials {
        access_key: "AKIDEXAMPLE".into(),
        secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: Some("SESSIONTOKENVALUE".into()),
    };
    let shown = format!("{creds:?}");
    assert!(
        !shown.contains("EXAMPLEKEY") && !shown.contains("SESSIONTOKEN"),
        "{shown}"
    );
    let scope = Scope {
        region: "us-east-1",
        service: "bedrock",
        time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160),
    };
    let signed = sign_request(
        "POST",
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse",
        &[],
        b"{}",
        &creds,
        scope,
    )
    .unwrap();
    let shown = format!("{signed:?}");
    assert!(!shown.contains("SESSIONTOKEN"), "{shown}");
    assert!(shown.contains(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request"
    ));
}

#[test]
fn a_url_without_a_host_is_an_error_not_a_panic() {
    let creds = AwsCredentials {
        access_key: "a".into(),
        secret_key: "b".into(),
        session_token: None,
    };
    let scope = Scope {
        region: "us-east-1",
        service: "bedrock",
        time: SystemTime::now(),
    };
    assert!(sign_request("POST", "/model/m/converse", &[], b"", &creds, scope).is_err());
}

fn vectors() -> Value {
    serde_json::from_str(&read("eventstream_vectors.json")).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn b64(bytes: &[u8]) -> Value {
    aws_smithy_types::base64::encode(bytes).into()
}

/// A decoded message in the suite's JSON shape: headers as `{name, type, value}`.
fn as_json(m: &Message) -> Value {
    let headers: Vec<Value> = m
        .headers()
        .iter()
        .map(|h| {
            let (kind, value) = match h.value() {
                HeaderValue::Bool(true) => (0, json!(true)),
                HeaderValue::Bool(false) => (1, json!(false)),
                HeaderValue::Byte(b) => (2, json!(b)),
                HeaderValue::Int16(n) => (3, json!(n)),
                HeaderValue::Int32(n) => (4, json!(n)),
                HeaderValue::Int64(n) => (5, json!(n)),
                HeaderValue::ByteArray(b) => (6, b64(b)),
                HeaderValue::String(s) => (7, b64(s.as_str().as_bytes())),
                HeaderValue::Timestamp(t) => (8, json!(t.to_millis().unwrap())),
                HeaderValue::Uuid(u) => (9, b64(&u.to_be_bytes())),
                other => panic!("unknown header type {other:?}"),
            };
            json!({"name": h.name().as_str(), "type": kind, "value": value})
        })
        .collect();
    json!({"headers": headers, "payload": b64(m.payload())})
}

fn decode_all(chunks: &[&[u8]]) -> Result<Vec<Message>, String> {
    let mut reader = FrameReader::new();
    let mut out = Vec::new();
    for chunk in chunks {
        reader.push(chunk);
        while let Some(m) = reader.next_message().map_err(|e| e.to_string())? {
            out.push(m);
        }
    }
    if reader.has_partial_frame() {
        return Err("incomplete frame at the end".into());
    }
    Ok(out)
}

#[test]
fn every_positive_event_stream_vector_decodes_to_its_published_form() {
    let v = vectors();
    for (name, case) in v["positive"].as_object().unwrap() {
        let bytes = hex(case["encoded"].as_str().unwrap());
        let messages = decode_all(&[&bytes]).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(messages.len(), 1, "{name}");
        let want = &case["decoded"];
        let want = json!({"headers": want["headers"], "payload": want.get("payload").cloned().unwrap_or(json!(""))});
        assert_eq!(as_json(&messages[0]), want, "{name}");
    }
}

#[test]
fn frames_split_at_every_byte_boundary_decode_the_same() {
    let v = vectors();
    let all: Vec<u8> = v["positive"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|c| hex(c["encoded"].as_str().unwrap()))
        .collect();
    let whole = decode_all(&[&all]).unwrap();
    assert_eq!(whole.len(), 5);
    let bytes: Vec<&[u8]> = all.chunks(1).collect();
    assert_eq!(decode_all(&bytes).unwrap(), whole);
    for cut in 1..all.len() {
        let (a, b) = all.split_at(cut);
        assert_eq!(decode_all(&[a, b]).unwrap(), whole, "split at {cut}");
    }
}

#[test]
fn every_negative_event_stream_vector_is_refused() {
    let v = vectors();
    for (name, case) in v["negative"].as_object().unwrap() {
        let bytes = hex(case["encoded"].as_str().unwrap());
        // A checksum error, or (a corrupted length) a frame that never completes, which
        // the adapter reports as an incomplete stream.
        assert!(decode_all(&[&bytes]).is_err(), "{name} decoded");
    }
    let payload = &v["negative"]["corrupted_payload"]["encoded"];
    let err = decode_all(&[&hex(payload.as_str().unwrap())]).unwrap_err();
    assert!(err.contains("corrupt AWS event-stream frame"), "{err}");
}
