//! Entry points for the fuzz targets in `fuzz/` and for the corpus replay tests: each
//! takes arbitrary bytes and runs them through one decoder exactly as the gateway does
//! with client or upstream input, discarding the result. The only property checked is
//! the one that matters at the edge: no input panics (an `Err` is a fine answer).
//!
//! Hidden from the docs and not an API: it exists so the decoders keep their
//! `pub(crate)` visibility while an outside crate (cargo-fuzz) can still reach them.
//! Nothing here does I/O; streams are fed from memory and polled with a no-op waker.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures_util::Stream;
use serde_json::Value;

use crate::providers::bedrock::eventstream::{classify, Frame, FrameReader};
use crate::providers::translate::Translate;
use crate::providers::{anthropic, bedrock, cohere, gemini};
use crate::schema::{decode, Answer, ChatChunk, ChatRequest, ChatResponse};
use crate::server::body::encoding::{codings, Coding, Decoder};
use crate::server::integrations;

/// The decoded-size limit the body-encoding target decodes under (the gateway's
/// default limit is larger; a smaller one reaches the limit's edge more often).
const BODY_LIMIT: usize = 256 * 1024;

/// A fuzz entry: bytes in, nothing out, never a panic.
pub type Entry = fn(&[u8]);

/// Every fuzz target, by the name of its directory in `fuzz/corpus/` and its file in
/// `fuzz/fuzz_targets/`.
pub const TARGETS: &[(&str, Entry)] = &[
    ("openai_chat_request", openai_chat_request),
    ("anthropic_request", anthropic_request),
    ("genai_request", genai_request),
    ("bedrock_request", bedrock_request),
    ("cohere_request", cohere_request),
    ("openai_answer", openai_answer),
    ("anthropic_answer", anthropic_answer),
    ("gemini_answer", gemini_answer),
    ("bedrock_answer", bedrock_answer),
    ("cohere_answer", cohere_answer),
    ("openai_stream", openai_stream),
    ("anthropic_stream", anthropic_stream),
    ("gemini_stream", gemini_stream),
    ("bedrock_stream", bedrock_stream),
    ("cohere_stream", cohere_stream),
    ("sse_framer", sse_framer),
    ("eventstream_framer", eventstream_framer),
    ("json_repair", json_repair),
    ("body_encoding", body_encoding),
    ("config", config),
];

/// The canonical request onward, as routing sends it to each kind of upstream: the
/// OpenAI wire (serialized as is) and every translating adapter's request.
fn to_every_upstream(req: &ChatRequest) {
    let _ = req.is_stream();
    let _ = req.wants_stream_usage();
    let _ = serde_json::to_vec(req);
    if let Ok(r) = anthropic::to_request("m", req) {
        let _ = serde_json::to_vec(&r);
    }
    if let Ok(r) = gemini::to_request(req) {
        let _ = serde_json::to_vec(&r);
    }
    if let Ok(r) = bedrock::convert::to_request(req) {
        let _ = serde_json::to_vec(&r);
    }
    if let Ok(r) = cohere::convert::to_request("m", req) {
        let _ = serde_json::to_vec(&r);
    }
}

/// `POST /v1/chat/completions`: the body decoded as the handler does, then translated
/// for every upstream.
pub fn openai_chat_request(data: &[u8]) {
    if let Ok(req) = decode::<ChatRequest>(data) {
        to_every_upstream(&req);
    }
}

/// `POST /anthropic/v1/messages`, the translated path; the first byte's low bit is
/// `should_drop_params`.
pub fn anthropic_request(data: &[u8]) {
    let drop_all = data.first().is_some_and(|b| b & 1 == 1);
    let Ok(req) = decode::<integrations::anthropic::request::MessagesRequest>(data) else {
        return;
    };
    if let Ok(t) = integrations::anthropic::request::to_chat(&req, drop_all) {
        let mut chat = t.chat;
        to_every_upstream(&chat);
        integrations::anthropic::request::thinking_to_reasoning_effort(&mut chat);
        integrations::anthropic::request::drop_thinking_blocks(&mut chat);
        to_every_upstream(&chat);
    }
}

/// `POST /genai/v1beta/models/m:generateContent` (and `:streamGenerateContent`, by the
/// first byte's low bit).
pub fn genai_request(data: &[u8]) {
    let stream = data.first().is_some_and(|b| b & 1 == 1);
    let Ok(body) = decode::<Value>(data) else {
        return;
    };
    if let Ok(chat) = integrations::genai::request::to_chat("m", &body, stream) {
        to_every_upstream(&chat);
    }
}

/// `POST /bedrock/model/m/converse` (and `converse-stream`, by the first byte's low bit).
pub fn bedrock_request(data: &[u8]) {
    let stream = data.first().is_some_and(|b| b & 1 == 1);
    let Ok(body) = decode::<Value>(data) else {
        return;
    };
    if let Ok(mut chat) = integrations::bedrock::request::to_chat("m", &body, stream) {
        to_every_upstream(&chat);
        integrations::bedrock::request::spread_additional_fields(&mut chat);
        to_every_upstream(&chat);
    }
}

/// `POST /cohere/v2/chat`.
pub fn cohere_request(data: &[u8]) {
    let Ok(body) = decode::<Value>(data) else {
        return;
    };
    if let Ok(chat) = integrations::cohere::request::to_chat(&body) {
        to_every_upstream(&chat);
    }
}

/// A translated answer as the pipeline uses it: usage read, encoded for the client.
fn use_answer(answer: Answer<ChatResponse>) {
    let _ = answer.usage();
    if let Ok(typed) = answer.into_typed() {
        let _ = serde_json::to_vec(&typed);
    }
}

/// An OpenAI-format chat answer, kept raw as the OpenAI adapter keeps it.
pub fn openai_answer(data: &[u8]) {
    if let Ok(answer) = Answer::<ChatResponse>::raw(Bytes::copy_from_slice(data)) {
        use_answer(answer);
    }
}

/// An Anthropic Messages answer.
pub fn anthropic_answer(data: &[u8]) {
    if let Ok(r) = serde_json::from_slice::<anthropic::wire::MessagesResponse>(data) {
        use_answer(anthropic::response::from_response(r));
    }
}

/// A Gemini `generateContent` answer.
pub fn gemini_answer(data: &[u8]) {
    if let Ok(r) = serde_json::from_slice::<gemini::wire::GenerateContentResponse>(data) {
        use_answer(gemini::response::from_response(r, "m", "fallback"));
    }
}

/// A Bedrock Converse answer.
pub fn bedrock_answer(data: &[u8]) {
    if let Ok(r) = serde_json::from_slice::<bedrock::wire::ConverseResponse>(data) {
        use_answer(bedrock::response::from_response(r, "m"));
    }
}

/// A Cohere v2 chat answer.
pub fn cohere_answer(data: &[u8]) {
    if let Ok(r) = serde_json::from_slice::<cohere::wire::ChatResponse>(data) {
        if let Ok(answer) = cohere::response::from_response("m", r) {
            use_answer(answer);
        }
    }
}

/// Every item `stream` yields without waiting. The streams here are fed from memory,
/// so none of them is ever pending; one that were would simply end the drain.
fn drain<S: Stream>(stream: S) -> Vec<S::Item> {
    let mut stream = pin!(stream);
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    while let Poll::Ready(Some(item)) = stream.as_mut().poll_next(&mut cx) {
        out.push(item);
    }
    out
}

/// `data` in network-sized pieces: the piece length comes from the input's length, so
/// the fuzzer tries events split at every kind of place (mid-line, mid-UTF-8).
fn pieces(data: &[u8]) -> Vec<Bytes> {
    let size = data.len() % 23 + 1;
    data.chunks(size).map(Bytes::copy_from_slice).collect()
}

/// The `(event name, data)` pairs of an SSE body, filtered as `Exchange::sse_events`
/// filters them (events without data, or with blank data, are skipped); the first
/// framing error ends the list.
fn sse_events(data: &[u8]) -> Vec<(Option<String>, String)> {
    let body = futures_util::stream::iter(pieces(data).into_iter().map(Ok::<_, std::io::Error>));
    let mut out = Vec::new();
    for event in drain(sse_stream::SseStream::from_bytes_stream(body)) {
        let Ok(event) = event else { break };
        let Some(data) = event.data else { continue };
        if data.trim().is_empty() {
            continue;
        }
        out.push((event.event, data));
    }
    out
}

/// Chunks as the server sends them: through JSON repair (when a client asked for it)
/// and encoded.
fn use_chunks(chunks: Vec<ChatChunk>, repair: &mut crate::hooks::json_repair::StreamRepair) {
    for mut chunk in chunks {
        repair.apply(&mut chunk);
        let _ = serde_json::to_vec(&chunk);
    }
}

/// Drives `translator` over `events` as `translate::chunks` does: until an error or a
/// `done`, then `end` if the events ran out first.
fn translate<T: Translate>(events: Vec<T::Event>, mut translator: T) {
    let mut repair = crate::hooks::json_repair::StreamRepair::default();
    for event in events {
        match translator.event(event) {
            Ok(step) => {
                use_chunks(step.chunks, &mut repair);
                if step.done {
                    return;
                }
            }
            Err(_) => return,
        }
    }
    if let Ok(chunks) = translator.end() {
        use_chunks(chunks, &mut repair);
    }
}

/// An OpenAI-format chat stream: SSE bytes, each `data` a `chat.completion.chunk`, as
/// `Exchange::sse_json` reads them.
pub fn openai_stream(data: &[u8]) {
    let mut repair = crate::hooks::json_repair::StreamRepair::default();
    for (_, data) in sse_events(data) {
        let data = data.trim();
        if data == "[DONE]" {
            return;
        }
        match serde_json::from_str::<ChatChunk>(data) {
            Ok(chunk) => use_chunks(vec![chunk], &mut repair),
            Err(_) => return,
        }
    }
}

/// An Anthropic Messages stream, as SSE bytes.
pub fn anthropic_stream(data: &[u8]) {
    let include_usage = data.len() % 2 == 0;
    translate(
        sse_events(data),
        anthropic::stream::Translator::new("m", include_usage),
    );
}

/// A Gemini `streamGenerateContent?alt=sse` stream, as SSE bytes.
pub fn gemini_stream(data: &[u8]) {
    let include_usage = data.len() % 2 == 0;
    translate(
        sse_events(data),
        gemini::stream::Translator::new("m", "fallback", include_usage),
    );
}

/// A Cohere v2 chat stream, as SSE bytes.
pub fn cohere_stream(data: &[u8]) {
    let include_usage = data.len() % 2 == 0;
    translate(
        sse_events(data),
        cohere::stream::Translator::new("m", include_usage),
    );
}

/// A Bedrock ConverseStream as the translator sees it, once framing is done: one frame
/// per line, `KIND PAYLOAD` for an event, `!KIND PAYLOAD` for an exception and
/// `?CODE MESSAGE` for an error. (Real frames carry CRCs, which a fuzzer would
/// rarely get right; the framing has its own target, `eventstream_framer`.)
pub fn bedrock_stream(data: &[u8]) {
    let include_usage = data.len() % 2 == 0;
    let frames = data
        .split(|b| *b == b'\n')
        .map(|line| {
            let (head, rest) = match line.iter().position(|b| *b == b' ') {
                Some(i) => (&line[..i], &line[i + 1..]),
                None => (line, &[][..]),
            };
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            match head.split_first() {
                Some((b'!', kind)) => Frame::Exception {
                    kind: text(kind),
                    payload: Bytes::copy_from_slice(rest),
                },
                Some((b'?', code)) => Frame::Error {
                    code: text(code),
                    message: text(rest),
                },
                _ => Frame::Event {
                    kind: text(head),
                    payload: Bytes::copy_from_slice(rest),
                },
            }
        })
        .collect();
    translate(frames, bedrock::stream::Translator::new("m", include_usage));
}

/// The SSE framer every SSE upstream goes through, fed in pieces.
pub fn sse_framer(data: &[u8]) {
    let _ = sse_events(data);
}

/// The AWS event-stream framer of Bedrock streams, fed in pieces, each message
/// classified as the Bedrock adapter does.
pub fn eventstream_framer(data: &[u8]) {
    let mut reader = FrameReader::new();
    for piece in pieces(data) {
        reader.push(&piece);
        loop {
            match reader.next_message() {
                Ok(Some(message)) => {
                    if classify(&message).is_err() {
                        return;
                    }
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
    let _ = reader.has_partial_frame();
}

/// The streaming JSON repair: the input, as text, closed whole, then fed as content
/// and tool-argument deltas in pieces.
pub fn json_repair(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = crate::hooks::json_repair::close_json(&text);
    let mut repair = crate::hooks::json_repair::StreamRepair::default();
    let mut start = 0;
    let step = data.len() % 7 + 1;
    while start < text.len() {
        let mut end = (start + step).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let delta = &text[start..end];
        let mut chunk: ChatChunk = match serde_json::from_value(serde_json::json!({
            "id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [{"index": 0, "delta": {
                "content": delta,
                "tool_calls": [{"index": 0, "function": {"arguments": delta}}],
            }}],
        })) {
            Ok(chunk) => chunk,
            Err(_) => return,
        };
        repair.apply(&mut chunk);
        start = end;
    }
}

/// A request body under `Content-Encoding`: the first byte picks the codings (two bits
/// each, outermost last; 0 is none), the rest is the body, decoded as `body.rs` does
/// (a first inline step, then the rest) under [`BODY_LIMIT`].
pub fn body_encoding(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let mut list = Vec::new();
    for shift in [0, 2, 4] {
        match (pick >> shift) & 3 {
            1 => list.push(Coding::Gzip),
            2 => list.push(Coding::Brotli),
            3 => list.push(Coding::Zstd),
            _ => {}
        }
    }
    // The `Content-Encoding` parser too, on the body's first bytes as the header.
    if let Ok(value) = http::HeaderValue::from_bytes(&body[..body.len().min(32)]) {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::CONTENT_ENCODING, value);
        let _ = codings(&headers);
    }
    let Ok(mut decoder) = Decoder::new(&list, Bytes::copy_from_slice(body), BODY_LIMIT) else {
        return;
    };
    match decoder.step(64 * 1024) {
        Ok(true) => {}
        Ok(false) => {
            if decoder.step(usize::MAX).is_err() {
                return;
            }
        }
        Err(_) => return,
    }
    let _ = decoder.finish();
}

/// The config file loader (TOML, then validation), on the input as text.
pub fn config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::config::FileConfig::parse(text);
    }
}

#[cfg(test)]
mod tests {
    //! The committed seed corpora replayed through their targets: every CI run
    //! exercises every target on stable, and fails on a panic. `scripts/fuzz.sh` runs
    //! the same targets under libFuzzer where a nightly toolchain is available.

    use std::path::PathBuf;

    use super::TARGETS;

    /// Feeds every file of `fuzz/corpus/<name>/` to the target `name`.
    fn replay(name: &str) {
        let (_, target) = TARGETS
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no fuzz target {name}"));
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus")
            .join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        assert!(
            files.len() >= 3,
            "{}: a seed corpus of {} files; run scripts/fuzz-seeds.py",
            dir.display(),
            files.len()
        );
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name} panicked on {}", file.display());
        }
    }

    #[test]
    fn every_target_has_a_test_and_a_fuzz_target_file() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let this = std::fs::read_to_string(root.join("src/fuzzing.rs")).unwrap();
        for (name, _) in TARGETS {
            assert!(
                this.contains(&format!("corpus!({name});")),
                "no replay test for {name}"
            );
            let file = root.join(format!("fuzz/fuzz_targets/{name}.rs"));
            assert!(file.exists(), "{} is missing", file.display());
        }
    }

    macro_rules! corpus {
        ($name:ident) => {
            #[test]
            fn $name() {
                replay(stringify!($name));
            }
        };
    }

    corpus!(openai_chat_request);
    corpus!(anthropic_request);
    corpus!(genai_request);
    corpus!(bedrock_request);
    corpus!(cohere_request);
    corpus!(openai_answer);
    corpus!(anthropic_answer);
    corpus!(gemini_answer);
    corpus!(bedrock_answer);
    corpus!(cohere_answer);
    corpus!(openai_stream);
    corpus!(anthropic_stream);
    corpus!(gemini_stream);
    corpus!(bedrock_stream);
    corpus!(cohere_stream);
    corpus!(sse_framer);
    corpus!(eventstream_framer);
    corpus!(json_repair);
    corpus!(body_encoding);
    corpus!(config);
}
