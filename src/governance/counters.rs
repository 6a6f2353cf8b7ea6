//! The running state of one entity's limits (budgets, request and token windows,
//! requests in flight) and the arithmetic of checking, reserving and settling them.
//! The engine holds one of these per entity behind a short mutex.

use super::model::{Budget, RateLimit};
use super::money::Usd;
use super::rate_headers::{RateHeaders, RateWindow};
use super::refusal::{BudgetState, Level, Refusal};
use super::usage::{BudgetUsage, BudgetView, LevelUsage, WindowUsage, WindowView};
use super::window::ResetDuration;

/// An amount of cost and tokens: a request's estimate when admitted, its actual when settled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Charge {
    /// Money.
    pub cost: Usd,
    /// Tokens, prompt and completion together.
    pub tokens: u64,
}

/// A budget threshold crossed, for the alert webhook and the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Whose budget.
    pub level: Level,
    /// The threshold crossed, a fraction of the limit.
    pub threshold: f64,
    /// Spend after the crossing.
    pub spent: Usd,
    /// The budget's limit.
    pub limit: Usd,
    /// The window, as written.
    pub window: String,
    /// When the window began.
    pub window_start: u64,
    /// When the window ends and spend starts again from zero.
    pub resets_at: u64,
}

struct BudgetCounter {
    limit: Usd,
    duration: ResetDuration,
    aligned: bool,
    thresholds: Vec<f64>,
    start: u64,
    spent: Usd,
    reserved: Usd,
    /// Bit i set: threshold i already alerted in this window.
    fired: u64,
}

struct WindowCounter {
    limit: u64,
    duration: ResetDuration,
    start: u64,
    used: u64,
    reserved: u64,
}

impl WindowCounter {
    fn new(limit: Option<u64>, duration: Option<ResetDuration>, now: u64) -> Option<Self> {
        Some(WindowCounter {
            limit: limit?,
            duration: duration?,
            start: now,
            used: 0,
            reserved: 0,
        })
    }

    fn roll(&mut self, now: u64) {
        let start = self.duration.window_start(false, self.start, now);
        if start != self.start {
            self.start = start;
            self.used = 0;
        }
    }

    fn resets_at(&self) -> u64 {
        self.duration.window_end(self.start)
    }

    fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.used + self.reserved)
    }

    /// Room for `n` more: nothing left refuses even a zero-sized request.
    fn fits(&self, n: u64) -> bool {
        let taken = self.used + self.reserved;
        taken < self.limit && taken + n <= self.limit
    }
}

/// Limits and running state of one customer, team, key or provider config.
pub(super) struct Counters {
    pub(super) level: Level,
    budgets: Vec<BudgetCounter>,
    requests: Option<WindowCounter>,
    tokens: Option<WindowCounter>,
    max_in_flight: Option<u32>,
    pub(super) in_flight: u32,
}

impl Counters {
    /// Fresh counters whose windows start `now`.
    pub(super) fn new(
        level: Level,
        budgets: &[Budget],
        rate: Option<&RateLimit>,
        max_in_flight: Option<u32>,
        now: u64,
    ) -> Counters {
        let mut c = Counters {
            level,
            budgets: Vec::new(),
            requests: None,
            tokens: None,
            max_in_flight: None,
            in_flight: 0,
        };
        c.reconfigure(budgets, rate, max_in_flight, now);
        c
    }

    /// New limits, keeping the spend of every window whose length did not change.
    pub(super) fn reconfigure(
        &mut self,
        budgets: &[Budget],
        rate: Option<&RateLimit>,
        max_in_flight: Option<u32>,
        now: u64,
    ) {
        let old = std::mem::take(&mut self.budgets);
        self.budgets = budgets
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let kept = old
                    .get(i)
                    .filter(|o| o.duration == b.reset_duration && o.aligned == b.calendar_aligned);
                BudgetCounter {
                    limit: Usd::from_dollars(b.max_limit).unwrap_or(Usd::ZERO),
                    duration: b.reset_duration,
                    aligned: b.calendar_aligned,
                    thresholds: b.alert_thresholds.clone(),
                    start: kept.map_or_else(
                        || b.reset_duration.window_start(b.calendar_aligned, now, now),
                        |o| o.start,
                    ),
                    spent: kept.map_or(Usd::ZERO, |o| o.spent),
                    reserved: kept.map_or(Usd::ZERO, |o| o.reserved),
                    fired: kept.map_or(0, |o| o.fired),
                }
            })
            .collect();
        let rate = rate.cloned().unwrap_or_default();
        self.requests = carry(
            self.requests.take(),
            WindowCounter::new(rate.request_max_limit, rate.request_reset_duration, now),
        );
        self.tokens = carry(
            self.tokens.take(),
            WindowCounter::new(rate.token_max_limit, rate.token_reset_duration, now),
        );
        self.max_in_flight = max_in_flight;
    }

    /// Starts new windows for every limit whose window has ended.
    pub(super) fn roll(&mut self, now: u64) {
        for b in &mut self.budgets {
            let start = b.duration.window_start(b.aligned, b.start, now);
            if start != b.start {
                b.start = start;
                b.spent = Usd::ZERO;
                b.fired = 0;
            }
        }
        for w in [&mut self.requests, &mut self.tokens].into_iter().flatten() {
            w.roll(now);
        }
    }

    /// Whether `est` fits every limit; the refusal names the first that it does not.
    pub(super) fn check(&self, est: Charge, now: u64) -> Result<(), Refusal> {
        if let Some(max) = self.max_in_flight {
            if self.in_flight >= max {
                return Err(Refusal::too_many_in_flight(self.level.name(), max));
            }
        }
        if let Some(w) = &self.requests {
            if !w.fits(1) {
                let mut r = Refusal::rate_limited(
                    &self.level,
                    false,
                    w.limit,
                    &w.duration.to_string(),
                    w.resets_at(),
                    now,
                );
                r.headers.extend(self.rate_headers(now).pairs());
                return Err(r);
            }
        }
        if let Some(w) = &self.tokens {
            if !w.fits(est.tokens) {
                let mut r = Refusal::rate_limited(
                    &self.level,
                    true,
                    w.limit,
                    &w.duration.to_string(),
                    w.resets_at(),
                    now,
                );
                r.headers.extend(self.rate_headers(now).pairs());
                return Err(r);
            }
        }
        for b in &self.budgets {
            let taken = b.spent + b.reserved;
            if taken >= b.limit || taken + est.cost > b.limit {
                let state = BudgetState {
                    limit: b.limit,
                    spent: b.spent,
                    reserved: b.reserved,
                    needed: est.cost,
                    window: b.duration.to_string(),
                    resets_at: b.duration.window_end(b.start),
                };
                let mut r = Refusal::budget_exceeded(&self.level, &state, now);
                r.pending = b.reserved > Usd::ZERO && b.spent + est.cost <= b.limit;
                return Err(r);
            }
        }
        Ok(())
    }

    /// Takes `est` from every limit; call only after [`Counters::check`] passed.
    pub(super) fn reserve(&mut self, est: Charge) {
        self.in_flight += 1;
        if let Some(w) = &mut self.requests {
            w.used += 1;
        }
        if let Some(w) = &mut self.tokens {
            w.reserved += est.tokens;
        }
        for b in &mut self.budgets {
            b.reserved += est.cost;
        }
    }

    /// Replaces the reservation `est` by the actual `charge`, in the current windows.
    pub(super) fn settle(&mut self, est: Charge, charge: Charge, alerts: &mut Vec<Alert>) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if let Some(w) = &mut self.tokens {
            w.reserved = w.reserved.saturating_sub(est.tokens);
            w.used = w.used.saturating_add(charge.tokens);
        }
        for b in &mut self.budgets {
            b.reserved = b.reserved.saturating_sub(est.cost);
            let before = b.spent;
            b.spent += charge.cost;
            for (i, t) in b.thresholds.iter().enumerate().take(64) {
                let mark = Usd::from_dollars(b.limit.dollars() * t).unwrap_or(Usd::ZERO);
                if before < mark && b.spent >= mark && b.fired & (1 << i) == 0 {
                    b.fired |= 1 << i;
                    alerts.push(Alert {
                        level: self.level.clone(),
                        threshold: *t,
                        spent: b.spent,
                        limit: b.limit,
                        window: b.duration.to_string(),
                        window_start: b.start,
                        resets_at: b.duration.window_end(b.start),
                    });
                }
            }
        }
    }

    /// `x-ratelimit-*` figures for the request and token windows that exist.
    pub(super) fn rate_headers(&self, now: u64) -> RateHeaders {
        let window = |w: &Option<WindowCounter>| {
            w.as_ref().map(|w| RateWindow {
                limit: w.limit,
                remaining: w.remaining(),
                reset_secs: w.resets_at().saturating_sub(now),
            })
        };
        RateHeaders {
            requests: window(&self.requests),
            tokens: window(&self.tokens),
        }
    }

    /// What survives a restart: settled spend and usage with their window starts.
    pub(super) fn persisted(&self) -> (Vec<BudgetUsage>, Option<WindowUsage>, Option<WindowUsage>) {
        let budgets = self
            .budgets
            .iter()
            .map(|b| BudgetUsage {
                reset_duration: b.duration,
                calendar_aligned: b.aligned,
                window_start: b.start,
                spent_nanos: b.spent.nanos(),
            })
            .collect();
        let window = |w: &Option<WindowCounter>| {
            w.as_ref().map(|w| WindowUsage {
                reset_duration: w.duration,
                window_start: w.start,
                used: w.used,
            })
        };
        (budgets, window(&self.requests), window(&self.tokens))
    }

    /// Restores persisted state onto limits of the same window; others start afresh.
    pub(super) fn restore(
        &mut self,
        budgets: &[BudgetUsage],
        requests: Option<&WindowUsage>,
        tokens: Option<&WindowUsage>,
    ) {
        for (b, u) in self.budgets.iter_mut().zip(budgets) {
            if b.duration == u.reset_duration && b.aligned == u.calendar_aligned {
                b.start = u.window_start;
                b.spent = Usd::from_nanos(u.spent_nanos);
            }
        }
        for (w, u) in [(&mut self.requests, requests), (&mut self.tokens, tokens)] {
            if let (Some(w), Some(u)) = (w, u) {
                if w.duration == u.reset_duration {
                    w.start = u.window_start;
                    w.used = u.used;
                }
            }
        }
    }

    /// Limits and use, for the usage API.
    pub(super) fn view(&self, entity: &str) -> LevelUsage {
        let window = |w: &Option<WindowCounter>| {
            w.as_ref().map(|w| WindowView {
                limit: w.limit,
                used: w.used + w.reserved,
                reset_duration: w.duration,
                resets_at: super::model::Timestamp(w.resets_at()),
            })
        };
        LevelUsage {
            entity: entity.to_string(),
            level: self.level.kind(),
            name: self.level.to_string(),
            budgets: self
                .budgets
                .iter()
                .map(|b| BudgetView {
                    max_limit: b.limit,
                    spent: b.spent,
                    reserved: b.reserved,
                    reset_duration: b.duration,
                    calendar_aligned: b.aligned,
                    window_start: super::model::Timestamp(b.start),
                    resets_at: super::model::Timestamp(b.duration.window_end(b.start)),
                })
                .collect(),
            requests: window(&self.requests),
            tokens: window(&self.tokens),
            in_flight: self.in_flight,
        }
    }
}

/// The new window, with the old one's count when the window length is unchanged.
fn carry(old: Option<WindowCounter>, new: Option<WindowCounter>) -> Option<WindowCounter> {
    let mut new = new?;
    if let Some(old) = old.filter(|o| o.duration == new.duration) {
        new.start = old.start;
        new.used = old.used;
        new.reserved = old.reserved;
    }
    Some(new)
}
