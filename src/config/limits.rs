//! Bounds on every string, list and count that configuration accepts, in one place, and
//! the helpers that check them.
//!
//! Settings arrive from `bifrost.toml` and from the management API, and both go through
//! [`ProviderConfig::problems`](super::ProviderConfig::problems), so a bound declared here
//! holds for both. Without bounds a few authenticated requests carrying 1 MB key names
//! took the server from 14 MB to 210 MB RSS and the store to 42 MB. Each number is
//! generous against real configurations (the reason is beside it) and small against
//! memory: the store holds every provider and `GET /api/providers` sends them all.
//!
//! Lengths are in bytes, since memory and the store count bytes. Later settings
//! (virtual keys, teams, rules) reuse [`check_len`], [`check_list`] and [`check_max`].

use super::SecretValue;

/// Provider names are path segments (`/api/providers/NAME`) and model prefixes
/// (`NAME/model`) typed by people; 64 holds any sensible name.
pub const MAX_PROVIDER_NAME: usize = 64;

/// Providers in one gateway. Real deployments have a handful; a provider per Azure
/// resource or region still stays far below. With [`MAX_PROVIDER_BYTES`] this bounds
/// the store and a provider listing at 256 MB in the worst case.
pub const MAX_PROVIDERS: usize = 1_000;

/// A provider's whole settings, serialized as JSON. A provider with 256 keys of typical
/// size is about 100 KB; this bounds what the per-field limits would still allow by
/// multiplying (keys × models × model id length).
pub const MAX_PROVIDER_BYTES: usize = 256 * 1024;

/// Key names are labels shown in CLI tables and logs.
pub const MAX_KEY_NAME: usize = 128;

/// Keys of one provider. Keys are spread by weight to share rate limits; tens are
/// common, hundreds would be unusual.
pub const MAX_KEYS_PER_PROVIDER: usize = 256;

/// A model id. The longest in use are Bedrock inference-profile and provisioned-model
/// ARNs (about 120 bytes) and Hugging Face style `org/model-variant` ids; twice that.
pub const MAX_MODEL_ID: usize = 256;

/// Models one key may serve. The largest catalogue (OpenRouter's) has a few hundred
/// models, and an empty list already means every model.
pub const MAX_MODELS_PER_KEY: usize = 1_000;

/// Entries of a key's `deployments` map (model id -> deployment): one per model at most,
/// so the same bound as [`MAX_MODELS_PER_KEY`].
pub const MAX_DEPLOYMENTS: usize = MAX_MODELS_PER_KEY;

/// A deployment name, Bedrock ARN or Vertex endpoint path a model maps to; these are
/// resource names of the same shape as model ids, with room for a full endpoint path.
pub const MAX_DEPLOYMENT: usize = 512;

/// A secret: an API key, an AWS credential, or a whole Vertex service-account JSON
/// (about 2.4 KB, the largest real one). Also bounds an `env.VAR` reference.
pub const MAX_SECRET: usize = 16 * 1024;

/// A URL (`base_url`, an Azure endpoint). 2,048 is the limit browsers and CDNs have long
/// honoured; real base URLs are under 100 bytes.
pub const MAX_URL: usize = 2_048;

/// A short non-secret setting: a region, a project id, an API version.
pub const MAX_SETTING: usize = 256;

/// Extra headers a provider adds to every upstream request; a few are normal.
pub const MAX_EXTRA_HEADERS: usize = 64;

/// A header name; real ones are under 64 bytes.
pub const MAX_HEADER_NAME: usize = 256;

/// A header value. 8 KiB is the per-header limit most HTTP servers (and so upstreams)
/// enforce; a longer value would be refused upstream anyway.
pub const MAX_HEADER_VALUE: usize = 8 * 1024;

/// The mock provider's fixed reply; it stands in for a model answer in tests and demos.
pub const MAX_MOCK_REPLY: usize = 64 * 1024;

/// Chunks a mock stream is split into; each is a separate event, so this bounds the
/// work one request to a mock provider can ask for.
pub const MAX_MOCK_STREAM_CHUNKS: u64 = 10_000;

/// Length of the mock's embedding vectors, allocated per input: the largest real
/// embedding models produce 4,096 (some 8,192) dimensions.
pub const MAX_MOCK_EMBEDDING_DIMENSIONS: u64 = 16_384;

/// Characters of client input an error message quotes back; longer input is shortened
/// (see [`super::quote`]), so a 1 MB string in a bad request does not come back whole.
pub const QUOTE_CHARS: usize = 200;

/// A value over its bound. The message names the field and the bound, and quotes the
/// value only shortened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// A string longer than its bound.
    #[error("{field} is {len} bytes, over the limit of {max} bytes: {shown}")]
    TooLong {
        /// Where the value sits, e.g. `keys[0].name`.
        field: String,
        /// Its length in bytes.
        len: usize,
        /// The bound.
        max: usize,
        /// The value, shortened for the message.
        shown: String,
    },
    /// A list or map with more entries than its bound.
    #[error("{field} has {len} entries, over the limit of {max}")]
    TooMany {
        /// Where the list sits, e.g. `keys[0].models`.
        field: String,
        /// Its number of entries.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// A number above its bound.
    #[error("{field} is {value}, over the limit of {max}")]
    TooLarge {
        /// Where the number sits.
        field: String,
        /// The number.
        value: u64,
        /// The bound.
        max: u64,
    },
}

/// Checks that `value` is at most `max` bytes long.
pub fn check_len(field: impl Into<String>, value: &str, max: usize) -> Result<(), LimitError> {
    if value.len() <= max {
        return Ok(());
    }
    Err(LimitError::TooLong {
        field: field.into(),
        len: value.len(),
        max,
        shown: super::quote(value),
    })
}

/// Checks that a list has at most `max` entries.
pub fn check_list<T>(field: impl Into<String>, items: &[T], max: usize) -> Result<(), LimitError> {
    check_count(field, items.len(), max)
}

/// Checks that a collection of `len` entries (a map, a set) has at most `max`.
pub fn check_count(field: impl Into<String>, len: usize, max: usize) -> Result<(), LimitError> {
    if len <= max {
        return Ok(());
    }
    Err(LimitError::TooMany {
        field: field.into(),
        len,
        max,
    })
}

/// Checks that a number is at most `max`.
pub fn check_max(field: impl Into<String>, value: u64, max: u64) -> Result<(), LimitError> {
    if value <= max {
        return Ok(());
    }
    Err(LimitError::TooLarge {
        field: field.into(),
        value,
        max,
    })
}

/// A secret's length against [`MAX_SECRET`], quoting nothing of it: a secret
/// pasted into the wrong field must not come back in an error or a log.
pub fn check_secret(field: &str, value: &SecretValue) -> Result<(), LimitError> {
    let len = match value {
        SecretValue::Env(var) => var.len() + "env.".len(),
        SecretValue::Literal(v) => v.len(),
    };
    if len <= MAX_SECRET {
        return Ok(());
    }
    Err(LimitError::TooLong {
        field: field.to_string(),
        len,
        max: MAX_SECRET,
        shown: "(secret, not shown)".to_string(),
    })
}

/// Collects the bound violations of one validation pass as messages, so a validator
/// reports every problem at once instead of stopping at the first.
#[derive(Debug, Default)]
pub struct Violations(Vec<String>);

impl Violations {
    /// Records `result` if it is a violation.
    pub fn note(&mut self, result: Result<(), LimitError>) {
        if let Err(e) = result {
            self.0.push(e.to_string());
        }
    }

    /// Checks a list of strings (`keys[0].models`): its count and each entry's length.
    pub fn note_strings(&mut self, field: &str, items: &[String], max_items: usize, max: usize) {
        self.note(check_list(field, items, max_items));
        // Past the count bound, checking each entry would only repeat the problem.
        for (i, item) in items.iter().enumerate().take(max_items) {
            self.note(check_len(format!("{field}[{i}]"), item, max));
        }
    }

    /// Checks a string map's size and each key's and value's length.
    pub fn note_map<'a>(
        &mut self,
        field: &str,
        map: impl ExactSizeIterator<Item = (&'a String, &'a String)>,
        max_entries: usize,
        max_key: usize,
        max_value: usize,
    ) {
        self.note(check_count(field, map.len(), max_entries));
        for (key, value) in map.take(max_entries) {
            let shown = super::quote(key);
            self.note(check_len(format!("{field} key {shown}"), key, max_key));
            self.note(check_len(format!("{field}[{shown}]"), value, max_value));
        }
    }

    /// True when nothing was over its bound.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The messages, one per violation.
    pub fn into_messages(self) -> Vec<String> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_len_names_the_field_and_limit_and_shortens_the_value() {
        assert!(check_len("keys[0].name", "main", MAX_KEY_NAME).is_ok());
        assert!(check_len("f", &"a".repeat(128), 128).is_ok());
        let long = "a".repeat(1 << 20);
        let err = check_len("keys[0].name", &long, MAX_KEY_NAME)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("keys[0].name is 1048576 bytes, over the limit of 128 bytes"),
            "{err}"
        );
        assert!(err.contains("(1048576 bytes)"), "{err}");
        assert!(err.len() < 400, "{} bytes: {err}", err.len());
    }

    #[test]
    fn check_list_and_count_name_the_field_and_limit() {
        assert!(check_list("keys", &[1, 2, 3], 3).is_ok());
        let err = check_list("keys[0].models", &[0u8; 1001], MAX_MODELS_PER_KEY).unwrap_err();
        assert_eq!(
            err.to_string(),
            "keys[0].models has 1001 entries, over the limit of 1000"
        );
        assert!(check_count("m", 2, 1).is_err());
    }

    #[test]
    fn check_max_names_the_field_and_limit() {
        assert!(check_max("n", 5, 5).is_ok());
        assert_eq!(
            check_max("mock.stream_chunks", 6, 5)
                .unwrap_err()
                .to_string(),
            "mock.stream_chunks is 6, over the limit of 5"
        );
    }

    #[test]
    fn violations_check_entries_only_up_to_the_count_bound() {
        let items = vec!["x".repeat(10); 5];
        let mut v = Violations::default();
        v.note_strings("models", &items, 2, 3);
        let messages = v.into_messages();
        // One for the count, one for each of the first two entries.
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[1].starts_with("models[0] is 10 bytes"),
            "{messages:?}"
        );
    }

    #[test]
    fn violations_check_map_keys_and_values() {
        let map: std::collections::BTreeMap<String, String> = [
            ("k".repeat(300), "v".to_string()),
            ("a".into(), "v".repeat(9)),
        ]
        .into_iter()
        .collect();
        let mut v = Violations::default();
        v.note_map("extra_headers", map.iter(), 1, 256, 8);
        let messages = v.into_messages();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("has 2 entries"), "{messages:?}");
        assert!(
            messages[1].starts_with("extra_headers[`a`] is 9 bytes"),
            "{messages:?}"
        );
    }
}
