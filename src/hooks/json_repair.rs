//! Streaming JSON repair (the reference gateway's `jsonparser` plugin): while a model
//! streams JSON (JSON mode, or tool-call arguments), each chunk carries everything
//! received so far, closed into valid JSON, so a client can parse every chunk instead of
//! waiting for the end. With repair on, a chunk's `content` and each tool call's
//! `arguments` are therefore the whole (repaired) text so far, not a delta.

use std::collections::HashMap;

use serde_json::Value;

use crate::schema::ChatChunk;

/// What the scanner expects next inside an object or array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A key (after `{` or `,` in an object).
    Key,
    /// The `:` after a key.
    Colon,
    /// A value (after `:` or `[` or `,` in an array).
    Value,
    /// `,` or the closing bracket.
    Next,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    close: char,
    expect: Expect,
}

/// `partial`, the beginning of a JSON document, completed into valid JSON by closing the
/// open string, finishing a cut literal or number, and closing open objects and arrays.
/// Text that does not start like JSON (after whitespace) comes back unchanged.
pub fn close_json(partial: &str) -> String {
    let trimmed = partial.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return partial.to_string();
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    // Byte offset where the current string or bare token began.
    let mut token_start: Option<usize> = None;
    for (i, c) in partial.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                token_start = None;
                advance(&mut stack);
            }
            continue;
        }
        if token_start.is_some() && !is_bare(c) {
            token_start = None;
            advance(&mut stack);
        }
        match c {
            '"' => {
                in_string = true;
                token_start = Some(i);
            }
            '{' => stack.push(Frame {
                close: '}',
                expect: Expect::Key,
            }),
            '[' => stack.push(Frame {
                close: ']',
                expect: Expect::Value,
            }),
            '}' | ']' => {
                stack.pop();
                advance(&mut stack);
            }
            ':' => set(&mut stack, Expect::Value),
            ',' => {
                let next = match stack.last() {
                    Some(f) if f.close == '}' => Expect::Key,
                    _ => Expect::Value,
                };
                set(&mut stack, next);
            }
            c if is_bare(c) && token_start.is_none() => token_start = Some(i),
            _ => {}
        }
    }
    let mut out = partial.to_string();
    if in_string {
        finish_string(&mut out, token_start.unwrap_or(0));
        advance(&mut stack);
    } else if let Some(start) = token_start {
        let done = finish_bare(&partial[start..]);
        out.truncate(start);
        out.push_str(&done);
        advance(&mut stack);
    }
    while let Some(frame) = stack.pop() {
        let tail = out.trim_end();
        match frame.expect {
            // `{"a":` or `[1,`: a value is owed; `null` keeps the key meaningful.
            Expect::Value if tail.ends_with(':') => out.push_str("null"),
            Expect::Value | Expect::Key if tail.ends_with(',') => {
                let cut = tail.len() - 1;
                out.truncate(cut);
            }
            // `{"a"`: a key with no value yet.
            Expect::Colon => out.push_str(":null"),
            _ => {}
        }
        out.push(frame.close);
        advance(&mut stack);
    }
    out
}

fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.')
}

/// The frame just received a complete key or value.
fn advance(stack: &mut [Frame]) {
    if let Some(f) = stack.last_mut() {
        f.expect = match (f.close, f.expect) {
            ('}', Expect::Key) => Expect::Colon,
            _ => Expect::Next,
        };
    }
}

fn set(stack: &mut [Frame], expect: Expect) {
    if let Some(f) = stack.last_mut() {
        f.expect = expect;
    }
}

/// Closes a string cut anywhere, dropping a half-written escape sequence.
fn finish_string(out: &mut String, start: usize) {
    let body = &out[start + 1..];
    let mut keep = body.len();
    // A trailing `\` or an incomplete `\uXXXX` cannot be closed; cut it.
    if let Some(pos) = body.rfind('\\') {
        let backslashes = body[..=pos]
            .chars()
            .rev()
            .take_while(|&c| c == '\\')
            .count();
        if backslashes % 2 == 1 {
            let after = &body[pos + 1..];
            // `get`, not indexing: byte 5 may fall inside a multi-byte character
            // (`\u` followed by non-ASCII text), which is not hex either.
            let incomplete_unicode = after.starts_with('u')
                && !after
                    .get(1..5)
                    .is_some_and(|hex| hex.chars().all(|c| c.is_ascii_hexdigit()));
            if after.is_empty() || incomplete_unicode {
                keep = pos;
            }
        }
    }
    out.truncate(start + 1 + keep);
    out.push('"');
}

/// Completes a cut literal (`tr` -> `true`) or number (`1.` -> `1`, `-` -> `0`).
fn finish_bare(token: &str) -> String {
    for literal in ["true", "false", "null"] {
        if literal.starts_with(token) {
            return literal.to_string();
        }
    }
    let mut number = token.to_string();
    while number.ends_with(['.', 'e', 'E', '+', '-']) {
        number.pop();
    }
    if number.is_empty() || serde_json::from_str::<Value>(&number).is_err() {
        return "null".to_string();
    }
    number
}

/// Per-stream state: the text received so far for each choice and tool call.
#[derive(Debug, Default)]
pub struct StreamRepair {
    content: HashMap<u32, String>,
    arguments: HashMap<(u32, u64), String>,
}

impl StreamRepair {
    /// Rewrites `chunk` so its content and tool arguments are the repaired text so far.
    pub fn apply(&mut self, chunk: &mut ChatChunk) {
        for choice in &mut chunk.choices {
            if let Some(Value::String(delta)) = choice.delta.get_mut("content") {
                let so_far = self.content.entry(choice.index).or_default();
                so_far.push_str(delta);
                *delta = close_json(so_far);
            }
            let Some(Value::Array(calls)) = choice.delta.get_mut("tool_calls") else {
                continue;
            };
            for (position, call) in calls.iter_mut().enumerate() {
                let index = call
                    .get("index")
                    .and_then(Value::as_u64)
                    .unwrap_or(position as u64);
                let Some(Value::String(delta)) = call
                    .get_mut("function")
                    .and_then(|f| f.get_mut("arguments"))
                else {
                    continue;
                };
                let so_far = self.arguments.entry((choice.index, index)).or_default();
                so_far.push_str(delta);
                *delta = close_json(so_far);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOCS: &[&str] = &[
        r#"{"name": "Ada", "langs": ["en", "fr"], "age": 36, "ok": true, "x": null, "pi": -3.14e2}"#,
        r#"[{"a": {"b": [1, 2, {"c": "d\"e\\f\u00e9"}]}}, false, "tail"]"#,
        r#"{"city":"Zürich","unit":"celsius","nested":{"deep":[[[]]],"empty":{}}}"#,
    ];

    #[test]
    fn every_prefix_of_a_document_closes_into_valid_json() {
        for doc in DOCS {
            for end in (0..=doc.len()).filter(|&i| doc.is_char_boundary(i)) {
                let prefix = &doc[..end];
                if prefix.trim().is_empty() {
                    continue;
                }
                let closed = close_json(prefix);
                assert!(
                    serde_json::from_str::<Value>(&closed).is_ok(),
                    "prefix {prefix:?} closed to invalid {closed:?}"
                );
            }
            assert_eq!(close_json(doc), *doc, "a whole document is left alone");
        }
    }

    /// Found by the `json_repair` fuzz target: a string cut after `\u` and non-ASCII
    /// text made the escape check slice inside a character and panic.
    #[test]
    fn a_unicode_escape_followed_by_non_ascii_is_cut_not_a_panic() {
        for partial in [
            "[{\"x\": \"\\u\u{fffd}\u{fffd}",
            "[\"\\uab\u{e9}",
            "{\"k\": \"\\u\u{1F600}",
        ] {
            let closed = close_json(partial);
            if partial.starts_with(['[', '{']) {
                assert!(
                    serde_json::from_str::<Value>(&closed).is_ok(),
                    "{partial:?} closed to invalid {closed:?}"
                );
            }
        }
        assert_eq!(close_json("{\"k\": \"a\\u\u{e9}\u{e9}"), r#"{"k": "a"}"#);
    }

    #[test]
    fn closes_keep_what_was_received() {
        assert_eq!(close_json(r#"{"a": "hel"#), r#"{"a": "hel"}"#);
        assert_eq!(close_json(r#"{"a": tr"#), r#"{"a": true}"#);
        assert_eq!(close_json(r#"{"a":"#), r#"{"a":null}"#);
        assert_eq!(close_json(r#"{"a""#), r#"{"a":null}"#);
        assert_eq!(close_json(r#"[1, 2,"#), r#"[1, 2]"#);
        assert_eq!(close_json(r#"{"n": 1."#), r#"{"n": 1}"#);
        assert_eq!(close_json(r#"{"s": "a\"#), r#"{"s": "a"}"#);
        assert_eq!(close_json(r#"{"s": "\u00"#), r#"{"s": ""}"#);
        assert_eq!(close_json("not json"), "not json");
    }

    #[test]
    fn stream_chunks_carry_the_repaired_text_so_far() {
        let mut repair = StreamRepair::default();
        let mut seen = Vec::new();
        for piece in [r#"{"loc"#, r#"ation": "Par"#, r#"is"}"#] {
            let mut chunk: ChatChunk = serde_json::from_value(json!({
                "id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                "choices": [{"index": 0, "delta": {"tool_calls": [
                    {"index": 0, "function": {"arguments": piece}}
                ]}}]
            }))
            .unwrap();
            repair.apply(&mut chunk);
            let args = chunk.choices[0].delta["tool_calls"][0]["function"]["arguments"]
                .as_str()
                .unwrap()
                .to_string();
            serde_json::from_str::<Value>(&args).unwrap();
            seen.push(args);
        }
        assert_eq!(
            seen,
            [
                r#"{"loc":null}"#,
                r#"{"location": "Par"}"#,
                r#"{"location": "Paris"}"#
            ]
        );
    }
}
