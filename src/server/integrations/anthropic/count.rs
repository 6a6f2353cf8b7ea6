//! The `count_tokens` estimate and the date format of the model list.

use serde_json::Value;

use super::request::MessagesRequest;

/// Tokens counted for one image: Anthropic's figure for a full-size image.
const IMAGE_TOKENS: u64 = 1600;

/// About 4 characters per token over every string a model reads (object keys of tool
/// inputs and schemas included, block `type` tags and image data excluded).
pub fn estimate(r: &MessagesRequest) -> u64 {
    let mut chars = 0u64;
    let mut images = 0u64;
    if let Some(s) = &r.system {
        walk(s, &mut chars, &mut images);
    }
    for m in &r.messages {
        walk(&m.content, &mut chars, &mut images);
    }
    for t in r.tools.iter().flatten() {
        walk(t, &mut chars, &mut images);
    }
    chars.div_ceil(4) + images * IMAGE_TOKENS
}

fn walk(v: &Value, chars: &mut u64, images: &mut u64) {
    match v {
        Value::String(s) => *chars += s.chars().count() as u64,
        Value::Array(items) => items.iter().for_each(|i| walk(i, chars, images)),
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("image") {
                *images += 1;
                return;
            }
            for (k, v) in map {
                match k.as_str() {
                    "type" | "id" | "tool_use_id" | "cache_control" => {}
                    _ => {
                        // Keys of inputs and schemas are read by the model; block
                        // field names (`text`, `content`) are not.
                        if !matches!(k.as_str(), "text" | "content" | "input" | "name") {
                            *chars += k.chars().count() as u64;
                        }
                        walk(v, chars, images);
                    }
                }
            }
        }
        Value::Number(n) => *chars += n.to_string().len() as u64,
        Value::Bool(_) | Value::Null => {}
    }
}

/// Unix seconds as RFC 3339 (`1970-01-01T00:00:00Z`), without a date crate.
pub fn rfc3339(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days, for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn the_estimate_grows_with_text_and_counts_images() {
        let r: MessagesRequest = serde_json::from_value(serde_json::json!({
            "model": "m", "system": "abcd",
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "efgh"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}}
            ]}],
        }))
        .unwrap();
        assert_eq!(estimate(&r), 2 + IMAGE_TOKENS);
    }
}
