//! The label sets of bifrost's metrics: `provider`, `model`, `route`, `virtual_key`,
//! then the labels `client.prometheus_labels` takes from `x-bf-prom-<name>` headers.
//!
//! Values a client controls (those headers, a model name a passthrough provider
//! accepts as sent, an upstream's error type) are capped per label
//! (`client.prometheus_label_cap`): once a label has that many distinct values, new
//! ones are counted as `other`, so no client can make the series count explode.
//! The exposition format does not escape label values for us; [`Labels`] does.

use std::collections::HashSet;
use std::fmt::Write;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use http::HeaderName;
use prometheus_client::encoding::{EncodeLabelSet, LabelSetEncoder};

use crate::config::{parse_prometheus_labels, ClientConfig, PrometheusLabel};

/// What a capped label's new values become.
pub(super) const OTHER: &str = "other";

/// Longer values are never a label anyone wants: they become `other`.
const MAX_VALUE_LEN: usize = 128;

/// The fixed labels, in the order of a series key.
const FIXED: [&str; 4] = ["provider", "model", "route", "virtual_key"];

/// Position of `model` in a series key.
const MODEL: usize = 1;

/// Most labels of one series: the fixed four and the dynamic ones.
pub(super) const MAX_LABELS: usize = FIXED.len() + crate::config::MAX_DYNAMIC_LABELS;

/// The label names of every series, and where the dynamic values come from.
pub(super) struct Schema {
    names: Arc<[Box<str>]>,
    headers: Vec<HeaderName>,
    /// Caps of `model` and of each dynamic label, in key order.
    caps: Vec<Capped>,
    /// The static labels, escaped, for the registry.
    pub(super) constant: Vec<(String, String)>,
}

impl Schema {
    /// The schema `client` configures. Its labels were validated with the config file;
    /// ones that do not parse here (a config built in code) are left out, with a warning.
    pub(super) fn new(client: &ClientConfig) -> Schema {
        let labels = parse_prometheus_labels(&client.prometheus_labels).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "ignoring client.prometheus_labels");
            Vec::new()
        });
        let mut names: Vec<Box<str>> = FIXED.iter().map(|n| Box::from(*n)).collect();
        let mut headers = Vec::new();
        let mut constant = Vec::new();
        for label in labels {
            match label {
                PrometheusLabel::Static { name, value } => constant.push((name, escape(&value))),
                PrometheusLabel::Dynamic { name } => {
                    if let Ok(h) = HeaderName::try_from(format!("x-bf-prom-{name}")) {
                        headers.push(h);
                        names.push(name.into());
                    }
                }
            }
        }
        let cap = client.prometheus_label_cap;
        Schema {
            caps: (0..=headers.len()).map(|_| Capped::new(cap)).collect(),
            names: names.into(),
            headers,
            constant,
        }
    }

    /// The dynamic labels' request headers, in key order after the fixed four.
    pub(super) fn headers(&self) -> &[HeaderName] {
        &self.headers
    }

    /// `key` with each capped value over its label's cap replaced by `other`.
    pub(super) fn capped<'a>(&self, key: &[&'a str]) -> [&'a str; MAX_LABELS] {
        let mut out = [""; MAX_LABELS];
        out[..key.len()].copy_from_slice(key);
        out[MODEL] = self.caps[0].admit(key[MODEL]);
        for (i, cap) in self.caps[1..].iter().enumerate() {
            let at = FIXED.len() + i;
            out[at] = cap.admit(key[at]);
        }
        out
    }

    /// The labels of the series `key` names.
    pub(super) fn labels(&self, key: &[&str]) -> Labels {
        Labels {
            names: self.names.clone(),
            values: key.iter().map(|v| Box::from(*v)).collect(),
        }
    }
}

/// The distinct values one label has taken, up to its cap.
pub(super) struct Capped {
    cap: usize,
    seen: Mutex<HashSet<Box<str>>>,
}

impl Capped {
    /// A label that admits `cap` distinct values.
    pub(super) fn new(cap: usize) -> Capped {
        Capped {
            cap,
            seen: Mutex::new(HashSet::new()),
        }
    }

    /// `value` if the label has seen it or has room for it, else `other`. The empty
    /// value (no header, no model) is always admitted. Runs only when a series is not
    /// cached yet, so the lock is not on the path of known series.
    pub(super) fn admit<'a>(&self, value: &'a str) -> &'a str {
        if value.is_empty() {
            return value;
        }
        if value.len() > MAX_VALUE_LEN {
            return OTHER;
        }
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.contains(value) {
            value
        } else if seen.len() < self.cap {
            seen.insert(value.into());
            value
        } else {
            OTHER
        }
    }
}

/// One series' labels, as the registry keys and prints them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Labels {
    names: Arc<[Box<str>]>,
    values: Box<[Box<str>]>,
}

impl Hash for Labels {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The names are the same for every series.
        self.values.hash(state);
    }
}

impl EncodeLabelSet for Labels {
    fn encode(&self, encoder: &mut LabelSetEncoder) -> Result<(), std::fmt::Error> {
        for (name, value) in self.names.iter().zip(self.values.iter()) {
            encode_label(encoder, name, value)?;
        }
        Ok(())
    }
}

/// A series' labels plus why its requests failed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct ErrorLabels {
    /// The series.
    pub(super) labels: Labels,
    /// The error's type (`upstream_error`, `invalid_request_error`, ...).
    pub(super) reason: Box<str>,
}

impl EncodeLabelSet for ErrorLabels {
    fn encode(&self, encoder: &mut LabelSetEncoder) -> Result<(), std::fmt::Error> {
        self.labels.encode(encoder)?;
        encode_label(encoder, "reason", &self.reason)
    }
}

fn encode_label(encoder: &mut LabelSetEncoder, name: &str, value: &str) -> std::fmt::Result {
    let mut label = encoder.encode_label();
    let mut key = label.encode_label_key()?;
    key.write_str(name)?;
    let mut out = key.encode_label_value()?;
    out.write_str(&escape(value))?;
    out.finish()
}

/// `value` escaped for the exposition format (`\`, `"` and newlines), so a header
/// value cannot end its label early or forge another series.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A series' label values, in key order, owned by the cache.
pub(super) type SeriesKey = Box<[Box<str>]>;

/// A series key borrowed from a request, to look up the cached series without
/// allocating. Hashes exactly as the owned key (`Box<[Box<str>]>`) does: a slice hashes
/// its length, then each element as a `str`.
#[derive(Hash)]
pub(super) struct KeyView<'a>(pub(super) &'a [&'a str]);

impl indexmap::Equivalent<SeriesKey> for KeyView<'_> {
    fn equivalent(&self, key: &SeriesKey) -> bool {
        self.0.len() == key.len() && self.0.iter().zip(key.iter()).all(|(a, b)| *a == &**b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_label_counts_new_values_as_other() {
        let cap = Capped::new(2);
        assert_eq!(cap.admit("a"), "a");
        assert_eq!(cap.admit("b"), "b");
        assert_eq!(cap.admit("c"), OTHER);
        assert_eq!(cap.admit("a"), "a");
        assert_eq!(cap.admit(""), "");
        assert_eq!(Capped::new(5).admit(&"x".repeat(200)), OTHER);
    }

    #[test]
    fn values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn a_borrowed_key_finds_the_owned_one() {
        let mut map = indexmap::IndexMap::new();
        let owned: Box<[Box<str>]> = vec![Box::from("p"), Box::from("m")].into();
        map.insert(owned, 7);
        assert_eq!(map.get(&KeyView(&["p", "m"])), Some(&7));
        assert_eq!(map.get(&KeyView(&["p", "n"])), None);
        assert_eq!(map.get(&KeyView(&["p"])), None);
    }
}
