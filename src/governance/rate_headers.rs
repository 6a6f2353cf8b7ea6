//! The `x-ratelimit-*` figures a rate-limited key's responses carry, as plain numbers:
//! the request path turns them into headers without formatting strings under the
//! counters' lock or cloning them per response.

/// One window's figures: its limit, what is left of it, and seconds until it resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateWindow {
    /// The window's limit.
    pub limit: u64,
    /// What is left of it after this request's reservation.
    pub remaining: u64,
    /// Seconds until it resets.
    pub reset_secs: u64,
}

/// The request and token windows a key has, when it has them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateHeaders {
    /// `x-ratelimit-*-requests`.
    pub requests: Option<RateWindow>,
    /// `x-ratelimit-*-tokens`.
    pub tokens: Option<RateWindow>,
}

/// The header names of one window: limit, remaining, reset.
pub type WindowNames = [&'static str; 3];

/// The request window's header names.
pub const REQUEST_NAMES: WindowNames = [
    "x-ratelimit-limit-requests",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-reset-requests",
];

/// The token window's header names.
pub const TOKEN_NAMES: WindowNames = [
    "x-ratelimit-limit-tokens",
    "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-tokens",
];

impl RateHeaders {
    /// Name and value pairs, as a refusal carries its headers (resets as `"60s"`).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for ([limit, remaining, reset], w) in
            [(REQUEST_NAMES, self.requests), (TOKEN_NAMES, self.tokens)]
        {
            let Some(w) = w else { continue };
            out.push((limit, w.limit.to_string()));
            out.push((remaining, w.remaining.to_string()));
            out.push((reset, format!("{}s", w.reset_secs)));
        }
        out
    }
}
