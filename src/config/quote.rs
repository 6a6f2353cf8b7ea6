//! Quoting input back in error messages, shortened: the first
//! [`QUOTE_CHARS`](super::limits::QUOTE_CHARS) characters and the total length, never
//! the whole value. A 1 MB string in a bad request must not come back as a 1 MB error
//! (nor fill a log line); the start is enough to recognise it.
//!
//! Every place that puts client or file input into a message goes through here: config
//! and management validation, JSON and TOML decode errors (serde quotes unknown fields,
//! unknown variants and mistyped strings in full), and the request body reader.

use std::borrow::Cow;

use super::limits::QUOTE_CHARS;

/// The longest decode-error message passed on, after its quoted spans are shortened: a
/// message with many short quotes (a field name full of backticks) is cut here instead.
const MAX_MESSAGE: usize = 4 * 1024;

/// `value` in backticks for a message: whole when it has at most `QUOTE_CHARS`
/// characters, else its start, an ellipsis and its length, e.g. `` `aaaa…` (1048576 bytes) ``.
pub fn quote(value: &str) -> String {
    match cut(value, QUOTE_CHARS) {
        None => format!("`{value}`"),
        Some(head) => format!("`{head}…` ({} bytes)", value.len()),
    }
}

/// `value` without quotes: whole when short, else its start, an ellipsis and its length.
pub fn shorten(value: &str) -> Cow<'_, str> {
    match cut(value, QUOTE_CHARS) {
        None => Cow::Borrowed(value),
        Some(head) => Cow::Owned(format!("{head}… ({} bytes)", value.len())),
    }
}

/// A message from a decoder (serde_json, toml) with every quoted span, in backticks or
/// in double quotes (serde writes strings `Debug`-escaped), shortened like [`quote`].
/// The message's own words are kept; the whole is cut at 4 KiB as a last resort.
pub fn shorten_quoted(message: &str) -> Cow<'_, str> {
    // Nothing in a short message can be a long quote.
    if message.chars().count() <= QUOTE_CHARS {
        return Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE));
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let delim = rest[open..].chars().next().unwrap_or('"');
        out.push_str(&rest[..=open]);
        let body = &rest[open + 1..];
        let end = span_end(body, delim);
        let span = &body[..end];
        match cut(span, QUOTE_CHARS) {
            None => out.push_str(span),
            Some(head) => out.push_str(head),
        }
        let long = span.chars().nth(QUOTE_CHARS).is_some();
        if long {
            out.push('…');
        }
        let after = &body[end..];
        match after.strip_prefix(delim) {
            Some(tail) => {
                out.push(delim);
                rest = tail;
            }
            None => rest = after,
        }
        if long {
            out.push_str(&format!(" ({} bytes)", span.len()));
        }
    }
    out.push_str(rest);
    match cut(&out, MAX_MESSAGE) {
        None => Cow::Owned(out),
        Some(head) => Cow::Owned(format!("{head}… ({} bytes)", out.len())),
    }
}

/// Where a quoted span ends in `body` (the text after its opening `delim`): at the next
/// `delim`, skipping backslash escapes inside double quotes; at the end when unclosed.
fn span_end(body: &str, delim: char) -> usize {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if delim == '"' => escaped = true,
            c if c == delim => return i,
            _ => {}
        }
    }
    body.len()
}

/// The first `max` characters of `value`, or `None` when it has no more than that.
fn cut(value: &str, max: usize) -> Option<&str> {
    value.char_indices().nth(max).map(|(i, _)| &value[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_quoted_whole() {
        assert_eq!(quote("main"), "`main`");
        assert_eq!(shorten("main"), "main");
        let exact = "é".repeat(QUOTE_CHARS);
        assert_eq!(quote(&exact), format!("`{exact}`"));
    }

    #[test]
    fn long_values_keep_their_first_200_characters_and_length() {
        let long = "a".repeat(1 << 20);
        assert_eq!(
            quote(&long),
            format!("`{}…` (1048576 bytes)", "a".repeat(200))
        );
        assert_eq!(
            shorten(&long),
            format!("{}… (1048576 bytes)", "a".repeat(200))
        );
        // Cut on a character, never inside one.
        let wide = "é".repeat(300);
        assert_eq!(quote(&wide), format!("`{}…` (600 bytes)", "é".repeat(200)));
    }

    #[test]
    fn decoder_messages_keep_their_words_and_lose_the_bulk() {
        let long = "x".repeat(100_000);
        let unknown = format!("unknown variant `{long}`, expected `openai` or `mock`");
        assert_eq!(
            shorten_quoted(&unknown),
            format!(
                "unknown variant `{}…` (100000 bytes), expected `openai` or `mock`",
                "x".repeat(200)
            )
        );
        let typed = format!("invalid type: string \"a\\\"{long}\", expected u64");
        let shown = shorten_quoted(&typed);
        assert!(
            shown.starts_with("invalid type: string \"a\\\"xxx"),
            "{shown}"
        );
        assert!(
            shown.ends_with("…\" (100003 bytes), expected u64"),
            "{shown}"
        );
        let unclosed = format!("unknown field `{long}");
        assert!(shorten_quoted(&unclosed).ends_with("… (100000 bytes)"));
        let plain = "missing field `model`";
        assert!(matches!(shorten_quoted(plain), Cow::Borrowed(_)));
    }

    #[test]
    fn a_message_of_many_short_quotes_is_cut_as_a_whole() {
        let message = format!("unknown field `{}`", "a`".repeat(100_000));
        let shown = shorten_quoted(&message);
        assert!(shown.len() < MAX_MESSAGE + 100, "{}", shown.len());
        assert!(shown.ends_with(" bytes)"), "{shown}");
    }
}
