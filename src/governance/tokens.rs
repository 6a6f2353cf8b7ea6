//! Token counts for a request the provider did not measure: a stream that ended
//! (complete, abandoned or broken) without a usage report is billed from a real BPE
//! count of its prompt and of the text sent to the client, not from the reservation's
//! upper bound, and its cost is flagged as estimated.
//!
//! The encodings are OpenAI's own (tiktoken's `o200k_base` and `cl100k_base`, shipped
//! inside the `tiktoken-rs` crate): text counts are exact for OpenAI models (message
//! framing follows OpenAI's published 3-per-message rule), a close estimate for
//! others. Each is built once, the first time a count needs it (measured in release:
//! 0.35 s for cl100k, 0.6 s for o200k, ~35 MB each), so a server whose providers
//! always report usage never pays; callers count off the async workers.

use std::sync::OnceLock;

use tiktoken_rs::CoreBPE;

/// Tokens a chat format adds around each message (OpenAI's `<|start|>role...<|end|>`).
pub const TOKENS_PER_MESSAGE: u64 = 3;

/// Tokens that prime the reply (`<|start|>assistant<|message|>`).
pub const TOKENS_PER_REPLY: u64 = 3;

/// One of the BPE encodings an estimate counts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `o200k_base`: GPT-4o, GPT-4.1, GPT-4.5, GPT-5 and the o-series.
    O200k,
    /// `cl100k_base`: GPT-4, GPT-3.5, embeddings, and the default for other vendors.
    Cl100k,
}

impl Encoding {
    /// The encoding `model` (bare or `provider/model`) is counted with.
    pub fn for_model(model: &str) -> Encoding {
        let name = model.rsplit('/').next().unwrap_or(model);
        let name = name.to_ascii_lowercase();
        let o_series = name
            .strip_prefix('o')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
        let o200k = o_series
            || [
                "gpt-4o",
                "gpt-4.1",
                "gpt-4.5",
                "gpt-5",
                "chatgpt-4o",
                "gpt-oss",
            ]
            .iter()
            .any(|p| name.starts_with(p));
        if o200k {
            Encoding::O200k
        } else {
            Encoding::Cl100k
        }
    }

    /// The encoding's BPE, built on first use; `None` if it cannot be built (the
    /// embedded data is part of the crate, so that would be a packaging fault).
    fn bpe(self) -> Option<&'static CoreBPE> {
        static O200K: OnceLock<Option<CoreBPE>> = OnceLock::new();
        static CL100K: OnceLock<Option<CoreBPE>> = OnceLock::new();
        match self {
            Encoding::O200k => O200K.get_or_init(|| built(tiktoken_rs::o200k_base())),
            Encoding::Cl100k => CL100K.get_or_init(|| built(tiktoken_rs::cl100k_base())),
        }
        .as_ref()
    }

    /// How many tokens `text` is, special-token text counted as plain text (a user
    /// typing `<|endoftext|>` is not a control token); `None` when the BPE is missing.
    pub fn count(self, text: &str) -> Option<u64> {
        if text.is_empty() {
            return Some(0);
        }
        Some(self.bpe()?.encode_ordinary(text).len() as u64)
    }
}

/// The BPE, or `None` (logged) when it cannot be built.
fn built<E: std::fmt::Display>(bpe: Result<CoreBPE, E>) -> Option<CoreBPE> {
    bpe.map_err(|e| {
        tracing::error!(error = %e, "cannot build the tokenizer; unmeasured streams are billed their reservation");
    })
    .ok()
}

/// Estimated prompt tokens of a chat: each message's text plus its framing, and the
/// reply's priming. `extra` is any other text the model reads (tool definitions).
pub fn prompt<'a>(
    encoding: Encoding,
    messages: impl IntoIterator<Item = &'a str>,
    extra: &str,
) -> Option<u64> {
    let mut total = TOKENS_PER_REPLY + encoding.count(extra)?;
    for text in messages {
        total += TOKENS_PER_MESSAGE + encoding.count(text)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_pick_their_encoding() {
        for m in [
            "gpt-4o",
            "openai/gpt-4o-mini",
            "o1",
            "o3-mini",
            "gpt-5",
            "gpt-4.1-nano",
            "GPT-4O",
        ] {
            assert_eq!(Encoding::for_model(m), Encoding::O200k, "{m}");
        }
        for m in [
            "gpt-4",
            "gpt-3.5-turbo",
            "claude-3-5-sonnet",
            "openai/omni-x",
            "mistral-large",
        ] {
            assert_eq!(Encoding::for_model(m), Encoding::Cl100k, "{m}");
        }
    }

    #[test]
    fn counts_match_the_published_encodings() {
        // tiktoken: "hello world" is 2 tokens in both encodings; the o200k and cl100k
        // splits of this sentence differ.
        assert_eq!(Encoding::O200k.count("hello world"), Some(2));
        assert_eq!(Encoding::Cl100k.count("hello world"), Some(2));
        assert_eq!(Encoding::Cl100k.count(""), Some(0));
        let special = Encoding::Cl100k.count("<|endoftext|>").unwrap();
        assert!(special > 1, "special tokens are counted as text: {special}");
    }

    #[test]
    fn a_prompt_adds_the_chat_framing() {
        let p = prompt(Encoding::O200k, ["hello world", "hi"], "").unwrap();
        assert_eq!(p, TOKENS_PER_REPLY + 2 * TOKENS_PER_MESSAGE + 2 + 1);
    }
}
