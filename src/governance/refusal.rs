//! Refusals as plain data (status, type, message, headers), so every route can render
//! them in its own dialect. Each message says what is wrong and what to do about it.

use std::fmt;

use super::money::Usd;
use super::window::{human_wait, rfc3339};

/// A request governance turned away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status: 401, 402, 403 or 429.
    pub status: u16,
    /// The error `type`, as the reference gateway names it (`budget_exceeded`, ...).
    pub kind: &'static str,
    /// What is wrong and what to do.
    pub message: String,
    /// Headers to send with it (`Retry-After`, `x-ratelimit-*`).
    pub headers: Vec<(&'static str, String)>,
    /// Only requests in flight stand in the way: what is settled leaves room for this
    /// one, so it may fit once they settle (a caller can wait instead of refusing).
    pub pending: bool,
}

/// Where in the hierarchy a limit sits, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    /// A customer.
    Customer(String),
    /// A team.
    Team(String),
    /// A virtual key.
    Key(String),
    /// One provider config of a virtual key: (key name, provider).
    ProviderConfig(String, String),
}

impl Level {
    /// The level's kind as one word, for JSON (`customer`, `team`, `virtual_key`, `provider_config`).
    pub fn kind(&self) -> &'static str {
        match self {
            Level::Customer(_) => "customer",
            Level::Team(_) => "team",
            Level::Key(_) => "virtual_key",
            Level::ProviderConfig(..) => "provider_config",
        }
    }

    /// The entity's name (for a provider config, its key's).
    pub fn name(&self) -> &str {
        match self {
            Level::Customer(n) | Level::Team(n) | Level::Key(n) | Level::ProviderConfig(n, _) => n,
        }
    }

    /// The command that raises this level's budget.
    fn raise_budget(&self) -> String {
        match self {
            Level::Customer(n) => format!("bifrost customer update {n} --budget AMOUNT"),
            Level::Team(n) => format!("bifrost team update {n} --budget AMOUNT"),
            Level::Key(n) => format!("bifrost vk update {n} --budget AMOUNT"),
            Level::ProviderConfig(n, _) => format!("bifrost vk update {n} --provider ..."),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Level::Customer(n) => write!(f, "customer `{n}`"),
            Level::Team(n) => write!(f, "team `{n}`"),
            Level::Key(n) => write!(f, "virtual key `{n}`"),
            Level::ProviderConfig(k, p) => write!(f, "provider `{p}` of virtual key `{k}`"),
        }
    }
}

/// The state of one budget at refusal time.
#[derive(Debug, Clone)]
pub struct BudgetState {
    /// The cap.
    pub limit: Usd,
    /// Settled spend in this window.
    pub spent: Usd,
    /// Reserved by requests in flight.
    pub reserved: Usd,
    /// What this request would reserve.
    pub needed: Usd,
    /// The window's length, as written (`1d`).
    pub window: String,
    /// When the window ends, seconds since the epoch.
    pub resets_at: u64,
}

const HEADERS_ACCEPTED: &str = "`x-bf-vk: sk-bf-…`, `Authorization: Bearer sk-bf-…`, `x-api-key: sk-bf-…`, `x-goog-api-key: sk-bf-…` or the `?key=sk-bf-…` query parameter";

impl Refusal {
    fn new(status: u16, kind: &'static str, message: String) -> Refusal {
        Refusal {
            status,
            kind,
            message,
            headers: Vec::new(),
            pending: false,
        }
    }

    /// 401: no key presented while keys are required.
    pub fn key_required() -> Refusal {
        Refusal::new(401, "virtual_key_required", format!("this gateway requires a virtual key; send it as {HEADERS_ACCEPTED} (any official SDK does this when its API key is set to the virtual key); create one with `bifrost vk create --name NAME`"))
    }

    /// 401: a credential header that cannot be a key (too long, not ASCII).
    pub fn malformed(header: &str, why: &str) -> Refusal {
        Refusal::new(401, "virtual_key_invalid", format!("the {header} credential is not a virtual key: {why}; a virtual key looks like sk-bf- followed by 43 letters and digits"))
    }

    /// 401: a well-formed key that does not exist; shows only its first and last four characters.
    pub fn unknown_key(hint: &str) -> Refusal {
        Refusal::new(401, "virtual_key_not_found", format!("virtual key {hint} does not exist (it may have been deleted, or rotated to a new value); see `bifrost vk list`, or create one with `bifrost vk create --name NAME`"))
    }

    /// 403: the key is disabled.
    pub fn inactive(name: &str) -> Refusal {
        Refusal::new(
            403,
            "virtual_key_blocked",
            format!("virtual key `{name}` is disabled; enable it with `bifrost vk enable {name}`"),
        )
    }

    /// 403: the key expired.
    pub fn expired(name: &str, at: u64) -> Refusal {
        Refusal::new(403, "virtual_key_expired", format!("virtual key `{name}` expired at {}; extend it with `bifrost vk update {name} --expires-at TIME`, or create a new key", rfc3339(at)))
    }

    /// 403: the key's team or customer no longer exists.
    pub fn orphaned(name: &str, parent: &Level) -> Refusal {
        Refusal::new(403, "virtual_key_blocked", format!("virtual key `{name}` belongs to {parent}, which no longer exists; attach it elsewhere with `bifrost vk update {name} --team ID` or `--customer ID`"))
    }

    /// 403: the key's team belongs to a customer that no longer exists.
    pub fn orphaned_team(team: &str, customer: &str) -> Refusal {
        Refusal::new(403, "virtual_key_blocked", format!("this key's team `{team}` belongs to customer `{customer}`, which no longer exists; attach the team elsewhere with `bifrost team update {team} --customer ID`"))
    }

    /// 403: the model is not on the key's allow lists.
    pub fn model_blocked(name: &str, model: &str, allowed: &[String]) -> Refusal {
        Refusal::new(403, "model_blocked", format!("virtual key `{name}` may not use model `{model}`; it allows: {}. Change that with `bifrost vk update {name} --models a,b`", allowed.join(", ")))
    }

    /// 403: the provider is not among the key's provider configs.
    pub fn provider_blocked(name: &str, provider: &str, allowed: &[String]) -> Refusal {
        Refusal::new(403, "provider_blocked", format!("virtual key `{name}` may not use provider `{provider}`; it allows: {}. To add it, rerun `bifrost vk update {name}` with a --provider for each provider the key should use", allowed.join(", ")))
    }

    /// 402: a budget at `level` cannot cover this request.
    pub fn budget_exceeded(level: &Level, b: &BudgetState, now: u64) -> Refusal {
        let in_flight = if b.reserved > Usd::ZERO {
            format!(" (+{} reserved by requests in flight)", b.reserved)
        } else {
            String::new()
        };
        Refusal::new(402, "budget_exceeded", format!(
            "budget exceeded for {level}: spent {}{in_flight} of {} per {}, and this request needs up to {}; it resets at {} (in {}). Raise it with `{}`",
            b.spent, b.limit, b.window, b.needed, rfc3339(b.resets_at),
            human_wait(b.resets_at.saturating_sub(now)), level.raise_budget()
        ))
    }

    /// 429: a request or token rate limit at `level` is used up until `resets_at`.
    pub fn rate_limited(
        level: &Level,
        tokens: bool,
        limit: u64,
        window: &str,
        resets_at: u64,
        now: u64,
    ) -> Refusal {
        let wait = resets_at.saturating_sub(now).max(1);
        let (kind, what) = if tokens {
            ("token_limited", "tokens")
        } else {
            ("request_limited", "requests")
        };
        let mut r = Refusal::new(429, kind, format!(
            "{level} reached its rate limit of {limit} {what} per {window}; retry after {wait} s (the Retry-After header), or raise it with `--{}` on its update command",
            if tokens { "tpm" } else { "rpm" }
        ));
        r.headers.push(("retry-after", wait.to_string()));
        r
    }

    /// 429: the key already has `max` requests in flight.
    pub fn too_many_in_flight(name: &str, max: u32) -> Refusal {
        let mut r = Refusal::new(429, "rate_limited", format!("virtual key `{name}` already has {max} requests in flight, its max_concurrent_requests; retry when one finishes, or raise it with `bifrost vk update {name} --max-concurrent N`"));
        r.headers.push(("retry-after", "1".to_string()));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_refusals_name_level_limit_spend_and_reset() {
        let b = BudgetState {
            limit: Usd::from_dollars(5.0).unwrap(),
            spent: Usd::from_dollars(4.99).unwrap(),
            reserved: Usd::ZERO,
            needed: Usd::from_dollars(0.02).unwrap(),
            window: "1d".into(),
            resets_at: 86_400,
        };
        let r = Refusal::budget_exceeded(&Level::Team("eng".into()), &b, 86_400 - 3600);
        assert_eq!((r.status, r.kind), (402, "budget_exceeded"));
        assert_eq!(r.message, "budget exceeded for team `eng`: spent $4.99 of $5.00 per 1d, and this request needs up to $0.02; it resets at 1970-01-02T00:00:00Z (in 1h 0m). Raise it with `bifrost team update eng --budget AMOUNT`");
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        let r = Refusal::rate_limited(&Level::Key("ci".into()), false, 10, "1m", 130, 100);
        assert_eq!((r.status, r.kind), (429, "request_limited"));
        assert_eq!(r.headers, [("retry-after", "30".to_string())]);
        assert!(r.message.contains("10 requests per 1m"), "{}", r.message);
    }

    #[test]
    fn the_missing_key_message_names_every_header_and_the_command() {
        let m = Refusal::key_required().message;
        for needle in [
            "x-bf-vk",
            "Authorization: Bearer",
            "x-api-key",
            "x-goog-api-key",
            "?key=",
            "bifrost vk create",
        ] {
            assert!(m.contains(needle), "{needle}: {m}");
        }
    }
}
