//! Stream resumption (`stream_resume`): when an upstream dies mid-answer, the next
//! target is asked to continue the same answer and its chunks are spliced into the
//! client's stream. This module holds the pure parts: what was sent so far
//! ([`Partial`]), the continuation request ([`continuation`]), how the continuation's
//! chunks are made to read as the same answer ([`Splice`]), and the marker the final
//! chunk carries ([`ResumedFrom`]). The server's stream wires them to the dispatcher.
//!
//! Only plain text answers are resumed: a tool call cut mid-arguments cannot be
//! continued reliably, and `n > 1` answers have no single text to continue.

use serde::Serialize;
use serde_json::{json, Value};

use crate::schema::{ChatChunk, ChatRequest, Message, Usage};

/// What a provider without prefill is told after the partial answer.
pub const CONTINUE_INSTRUCTION: &str =
    "Continue exactly where your previous message stopped; do not repeat anything.";

/// Characters per token when a cut part's usage has to be estimated.
const CHARS_PER_TOKEN: u64 = 4;

/// The answer sent to the client so far, as the stream goes.
#[derive(Debug, Default)]
pub struct Partial {
    /// The first chunk's `id`, `created` and `model`, which every spliced chunk keeps.
    head: Option<(String, u64, String)>,
    /// The text of choice 0 sent so far.
    text: String,
    /// Something that cannot be continued went out (tool calls, a second choice) or
    /// the answer already finished.
    done_or_unresumable: bool,
    /// The last usage an upstream reported (a cut part usually reports none).
    usage: Option<Usage>,
}

impl Partial {
    /// Takes note of one chunk on its way to the client.
    pub fn push(&mut self, chunk: &ChatChunk) {
        if self.head.is_none() {
            self.head = Some((chunk.id.clone(), chunk.created, chunk.model.clone()));
        }
        if chunk.usage.is_some() {
            self.usage.clone_from(&chunk.usage);
        }
        for c in &chunk.choices {
            if c.index != 0 || c.finish_reason.is_some() || c.delta.contains_key("tool_calls") {
                self.done_or_unresumable = true;
            }
            if let Some(t) = c.delta.get("content").and_then(Value::as_str) {
                self.text.push_str(t);
            }
        }
    }

    /// Whether the answer so far can be continued by another upstream.
    pub fn resumable(&self) -> bool {
        !self.done_or_unresumable
    }

    /// The text sent so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// How the continuation's chunks are made to read as this answer's.
    pub fn splice(&self, prefill: bool) -> Splice {
        let (id, created, model) = self.head.clone().unwrap_or_default();
        let trimmed = prefill && self.text.trim_end().len() < self.text.len();
        Splice {
            id,
            created,
            model,
            strip_leading_space: trimmed,
            earlier: self.earlier_usage(),
            marker: None,
        }
    }

    /// The cut part's usage: as reported, else estimated from its text (the prompt
    /// side is filled in once the continuation reports its own).
    fn earlier_usage(&self) -> EarlierUsage {
        match &self.usage {
            Some(u) => EarlierUsage::Reported(u.clone()),
            None => EarlierUsage::Estimated {
                completion: (self.text.chars().count() as u64).div_ceil(CHARS_PER_TOKEN),
            },
        }
    }
}

/// `req` turned into the request that continues `partial`: the partial answer as a
/// trailing assistant message (continued as is by a `prefill` provider, which
/// refuses trailing whitespace there), else followed by [`CONTINUE_INSTRUCTION`].
/// With nothing sent yet the request is left as it was.
pub fn continuation(req: &mut ChatRequest, partial: &str, prefill: bool) {
    if partial.is_empty() {
        return;
    }
    let text = if prefill { partial.trim_end() } else { partial };
    req.messages.push(message("assistant", text));
    if !prefill {
        req.messages.push(message("user", CONTINUE_INSTRUCTION));
    }
}

fn message(role: &str, text: &str) -> Message {
    Message {
        role: role.into(),
        content: Some(Value::String(text.into())),
        extra: Default::default(),
    }
}

/// Where a resumed stream came from, as the final chunk's
/// `extra_fields.resumed_from` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct ResumedFrom {
    /// The provider whose stream was cut.
    pub provider: String,
    /// Its model.
    pub model: String,
    /// Characters of answer text the client had when it was cut.
    pub chars: usize,
    /// What cut it (secrets already masked).
    pub error: String,
    /// How many times this stream has been resumed.
    pub resumes: u32,
}

/// The usage of the part that was cut.
#[derive(Debug, Clone)]
enum EarlierUsage {
    Reported(Usage),
    /// Only the completion side, estimated from the text.
    Estimated {
        completion: u64,
    },
}

/// Rewrites a continuation's chunks into the first part's answer: the same id, model
/// and creation time, no second `role`, usage summed over both parts, and the
/// resumption marked on the chunks that end the answer.
#[derive(Debug)]
pub struct Splice {
    id: String,
    created: u64,
    model: String,
    /// The prefix lost its trailing whitespace; the continuation's leading whitespace
    /// would repeat it.
    strip_leading_space: bool,
    earlier: EarlierUsage,
    marker: Option<Value>,
}

impl Splice {
    /// Marks the answer as resumed from `from`.
    pub fn mark(&mut self, from: &ResumedFrom) {
        self.marker = serde_json::to_value(from).ok();
    }

    /// `chunk` as part of the first answer; `false` when nothing is left of it to send.
    pub fn apply(&mut self, chunk: &mut ChatChunk) -> bool {
        chunk.id.clone_from(&self.id);
        chunk.created = self.created;
        chunk.model.clone_from(&self.model);
        let mut ends = false;
        for c in &mut chunk.choices {
            c.delta.remove("role");
            if self.strip_leading_space {
                if let Some(Value::String(t)) = c.delta.get_mut("content") {
                    let kept = t.trim_start();
                    if !kept.is_empty() {
                        self.strip_leading_space = false;
                    }
                    *t = kept.to_string();
                }
            }
            ends |= c.finish_reason.is_some();
        }
        chunk
            .choices
            .retain(|c| c.finish_reason.is_some() || c.delta.values().any(has_content));
        if let Some(u) = &mut chunk.usage {
            *u = self.total(u);
            ends = true;
        }
        if ends {
            if let Some(marker) = &self.marker {
                mark(chunk, marker.clone());
            }
        }
        ends || !chunk.choices.is_empty()
    }

    /// Both parts' usage: the cut part's as reported, or its completion estimated and
    /// its prompt taken as the continuation's less the partial text it carried.
    fn total(&self, later: &Usage) -> Usage {
        let earlier = match &self.earlier {
            EarlierUsage::Reported(u) => u.clone(),
            EarlierUsage::Estimated { completion } => {
                Usage::new(later.prompt_tokens.saturating_sub(*completion), *completion)
            }
        };
        let mut sum = Usage::new(
            earlier.prompt_tokens + later.prompt_tokens,
            earlier.completion_tokens + later.completion_tokens,
        );
        sum.extra.clone_from(&later.extra);
        sum
    }
}

/// Whether a delta member carries anything (an empty string carries nothing).
fn has_content(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// Sets `extra_fields.resumed_from` on `chunk`, keeping other `extra_fields` members.
fn mark(chunk: &mut ChatChunk, marker: Value) {
    let fields = chunk
        .extra
        .entry("extra_fields")
        .or_insert_with(|| json!({}));
    if let Value::Object(map) = fields {
        map.insert("resumed_from".into(), marker);
    } else {
        *fields = json!({ "resumed_from": marker });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(v: Value) -> ChatChunk {
        serde_json::from_value(v).unwrap()
    }

    fn text(t: &str) -> ChatChunk {
        chunk(json!({"id": "c1", "created": 5, "model": "m1",
            "choices": [{"index": 0, "delta": {"content": t}}]}))
    }

    fn request() -> ChatRequest {
        serde_json::from_value(json!({"model": "m",
            "messages": [{"role": "user", "content": "hi"}]}))
        .unwrap()
    }

    #[test]
    fn a_prefill_provider_gets_the_partial_answer_as_the_start_of_its_own() {
        let mut req = request();
        continuation(&mut req, "Hello wor ", true);
        assert_eq!(req.messages.len(), 2);
        assert_eq!(req.messages[1].role, "assistant");
        assert_eq!(req.messages[1].text(), "Hello wor");
    }

    #[test]
    fn other_providers_get_the_partial_answer_and_an_instruction() {
        let mut req = request();
        continuation(&mut req, "Hello ", false);
        let roles: Vec<&str> = req.messages.iter().map(|m| m.role.as_str()).collect();
        assert_eq!(roles, ["user", "assistant", "user"]);
        assert_eq!(req.messages[1].text(), "Hello ");
        assert_eq!(req.messages[2].text(), CONTINUE_INSTRUCTION);
        let mut untouched = request();
        continuation(&mut untouched, "", false);
        assert_eq!(untouched.messages.len(), 1);
    }

    #[test]
    fn text_answers_are_resumable_and_tool_calls_or_finished_answers_are_not() {
        let mut p = Partial::default();
        p.push(&chunk(
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"role": "assistant"}}]}),
        ));
        p.push(&text("one "));
        p.push(&text("two"));
        assert!(p.resumable());
        assert_eq!(p.text(), "one two");
        let mut tools = Partial::default();
        tools.push(&chunk(
            json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0}]}}]}),
        ));
        assert!(!tools.resumable());
        let mut finished = Partial::default();
        finished.push(&chunk(
            json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
        ));
        assert!(!finished.resumable());
    }

    #[test]
    fn spliced_chunks_keep_the_first_answers_identity_and_sum_usage() {
        let mut p = Partial::default();
        p.push(&text("12345678"));
        let mut s = p.splice(false);
        s.mark(&ResumedFrom {
            provider: "a".into(),
            model: "m1".into(),
            chars: 8,
            error: "cut".into(),
            resumes: 1,
        });
        let mut role = chunk(json!({"id": "other", "model": "m2",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}));
        assert!(!s.apply(&mut role), "a bare role chunk has nothing to send");
        let mut more = chunk(json!({"id": "other", "model": "m2",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": "9"}}]}));
        assert!(s.apply(&mut more));
        assert_eq!(
            (more.id.as_str(), more.model.as_str(), more.created),
            ("c1", "m1", 5)
        );
        assert!(!more.choices[0].delta.contains_key("role"));
        assert!(!more.extra.contains_key("extra_fields"));
        let mut last = chunk(json!({"id": "other", "choices": [],
            "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}}));
        assert!(s.apply(&mut last));
        let u = last.usage.as_ref().unwrap();
        // The cut part: 8 chars = 2 tokens out, its prompt the continuation's less them.
        assert_eq!(
            (u.prompt_tokens, u.completion_tokens, u.total_tokens),
            (22, 5, 27)
        );
        let v = serde_json::to_value(&last).unwrap();
        assert_eq!(v["extra_fields"]["resumed_from"]["provider"], "a");
        assert_eq!(v["extra_fields"]["resumed_from"]["chars"], 8);
    }

    #[test]
    fn whitespace_trimmed_off_a_prefix_is_not_sent_twice() {
        let mut p = Partial::default();
        p.push(&text("Hello "));
        let mut s = p.splice(true);
        let mut c = text(" world");
        assert!(s.apply(&mut c));
        assert_eq!(c.choices[0].delta["content"], "world");
        let mut next = text(" again");
        s.apply(&mut next);
        assert_eq!(next.choices[0].delta["content"], " again");
    }
}
