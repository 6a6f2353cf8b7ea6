//! Request-log queries, written once for the HTTP API (`/api/logs`) and the CLI
//! (`bifrost logs`, on a stopped server's data dir): parsing the reference gateway's
//! query parameters, and the answers' shapes.

use serde::{Deserialize, Serialize};

use crate::store::{
    parse_micros, LogFilter, LogRecord, LogStore, PageSpec, SortBy, Status, StoreError, Summary,
};

/// Records per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 50;

/// The largest page served; a larger `limit` is capped to it, not obeyed.
pub const MAX_LIMIT: usize = 1000;

/// A query parameter that cannot be used, named for the 400 it becomes.
#[derive(Debug, thiserror::Error)]
#[error("query parameter `{param}`: {message}")]
pub struct BadParam {
    /// The parameter.
    pub param: &'static str,
    /// What is wrong and what is expected.
    pub message: String,
}

fn bad(param: &'static str, message: impl Into<String>) -> BadParam {
    BadParam {
        param,
        message: message.into(),
    }
}

/// A parsed `GET /api/logs` query.
#[derive(Debug, Clone)]
pub struct LogQuery {
    /// Which records.
    pub filter: LogFilter,
    /// Which page of them.
    pub spec: PageSpec,
    /// `compare_to_previous=true` (stats only).
    pub compare: bool,
    /// `content=true`: the page's records carry their content (for exports).
    pub content: bool,
}

/// Parses the reference's query parameters (`providers`, `models`, `status`,
/// `virtual_key_ids`, `start_time`, `end_time`, `min_latency`, `max_latency`,
/// `min_cost`, `max_cost`, `content_search`, `limit`, `offset`, `sort_by`, `order`,
/// `compare_to_previous`), plus bifrost's `virtual_key` (an id or a name, like
/// `virtual_key_ids`) and `content=true`. Lists are comma-separated or repeated;
/// unknown parameters are ignored, as the reference does.
pub fn parse_query(params: &[(String, String)]) -> Result<LogQuery, BadParam> {
    let mut q = LogQuery {
        filter: LogFilter::default(),
        spec: PageSpec {
            sort_by: SortBy::Timestamp,
            descending: true,
            limit: DEFAULT_LIMIT,
            offset: 0,
        },
        compare: false,
        content: false,
    };
    let f = &mut q.filter;
    for (name, value) in params {
        let list = || {
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        match name.as_str() {
            "providers" | "provider" => f.providers.extend(list()),
            "models" | "model" => f.models.extend(list()),
            "virtual_key_ids" | "virtual_keys" | "virtual_key" | "vk" => {
                f.virtual_keys.extend(list())
            }
            "status" => {
                f.status = match value.as_str() {
                    "success" => Some(Status::Success),
                    "error" => Some(Status::Error),
                    "" | "all" => None,
                    other => {
                        return Err(bad(
                            "status",
                            format!(
                                "`{}` is not `success` or `error`",
                                crate::config::shorten(other)
                            ),
                        ))
                    }
                }
            }
            "start_time" => f.start = Some(time_param("start_time", value)?),
            "end_time" => f.end = Some(time_param("end_time", value)?),
            "min_latency" => f.min_latency_us = Some(ms_param("min_latency", value)?),
            "max_latency" => f.max_latency_us = Some(ms_param("max_latency", value)?),
            "min_cost" => f.min_cost = Some(number("min_cost", value)?),
            "max_cost" => f.max_cost = Some(number("max_cost", value)?),
            "content_search" => f.content_search = Some(value.clone()).filter(|v| !v.is_empty()),
            "limit" => {
                let n: usize = count("limit", value)?;
                if n == 0 {
                    return Err(bad("limit", "must be at least 1"));
                }
                q.spec.limit = n.min(MAX_LIMIT);
            }
            "offset" => q.spec.offset = count("offset", value)?,
            "sort_by" => {
                q.spec.sort_by = match value.as_str() {
                    "timestamp" => SortBy::Timestamp,
                    "latency" => SortBy::Latency,
                    "tokens" => SortBy::Tokens,
                    "cost" => SortBy::Cost,
                    other => {
                        return Err(bad(
                            "sort_by",
                            format!(
                                "`{}` is not one of timestamp, latency, tokens, cost",
                                crate::config::shorten(other)
                            ),
                        ))
                    }
                }
            }
            "order" => {
                q.spec.descending = match value.as_str() {
                    "desc" => true,
                    "asc" => false,
                    other => {
                        return Err(bad(
                            "order",
                            format!("`{}` is not `asc` or `desc`", crate::config::shorten(other)),
                        ))
                    }
                }
            }
            "compare_to_previous" => q.compare = flag("compare_to_previous", value)?,
            "content" => q.content = flag("content", value)?,
            _ => {}
        }
    }
    if let (Some(s), Some(e)) = (f.start, f.end) {
        if e < s {
            return Err(bad("end_time", "is before start_time"));
        }
    }
    if let (Some(lo), Some(hi)) = (f.min_latency_us, f.max_latency_us) {
        if hi < lo {
            return Err(bad("max_latency", "is below min_latency"));
        }
    }
    Ok(q)
}

fn flag(param: &'static str, value: &str) -> Result<bool, BadParam> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(bad(param, "is `true` or `false`")),
    }
}

fn time_param(param: &'static str, value: &str) -> Result<u64, BadParam> {
    parse_micros(value).ok_or_else(|| {
        bad(
            param,
            format!(
                "`{}` is not an RFC 3339 time (e.g. 2025-01-31T12:00:00Z)",
                crate::config::shorten(value)
            ),
        )
    })
}

fn number(param: &'static str, value: &str) -> Result<f64, BadParam> {
    value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| {
            bad(
                param,
                format!(
                    "`{}` is not a number of 0 or more",
                    crate::config::shorten(value)
                ),
            )
        })
}

fn ms_param(param: &'static str, value: &str) -> Result<u64, BadParam> {
    number(param, value).map(|ms| (ms * 1000.0) as u64)
}

fn count(param: &'static str, value: &str) -> Result<usize, BadParam> {
    value
        .parse::<u64>()
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        .map_err(|_| {
            bad(
                param,
                format!(
                    "`{}` is not a whole number of 0 or more",
                    crate::config::shorten(value)
                ),
            )
        })
}

/// The answer to `GET /api/logs`, in the reference's shape.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogList {
    /// The page, without content unless `content=true` (see `GET /api/logs/{id}`).
    pub logs: Vec<LogRecord>,
    /// Where the page is.
    pub pagination: Pagination,
    /// What the whole filtered set adds up to.
    pub stats: ListStats,
}

/// A page's place in the filtered set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pagination {
    /// Records per page.
    pub limit: usize,
    /// Records skipped.
    pub offset: usize,
    /// Ordered by.
    pub sort_by: String,
    /// `asc` or `desc`.
    pub order: String,
    /// Records the filters match.
    pub total_count: u64,
}

/// The filtered set's totals, in the reference's names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListStats {
    /// Records.
    pub total_requests: u64,
    /// Percentage of successes (0-100).
    pub success_rate: f64,
    /// Mean latency in milliseconds.
    pub average_latency: f64,
    /// Prompt plus completion tokens.
    pub total_tokens: u64,
    /// US dollars.
    pub total_cost: f64,
}

/// The answer to `GET /api/logs/stats`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogStats {
    /// Records.
    pub count: u64,
    /// Fraction of errors (0-1).
    pub error_rate: f64,
    /// Latency percentiles and mean, in milliseconds.
    pub latency_ms: Percentiles,
    /// Prompt plus completion tokens.
    pub total_tokens: u64,
    /// US dollars.
    pub total_cost: f64,
    /// The same figures for the preceding window of equal length
    /// (`compare_to_previous=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Box<LogStats>>,
}

/// Latency figures, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Mean.
    pub average: f64,
}

fn sort_name(s: SortBy) -> &'static str {
    match s {
        SortBy::Timestamp => "timestamp",
        SortBy::Latency => "latency",
        SortBy::Tokens => "tokens",
        SortBy::Cost => "cost",
    }
}

/// `GET /api/logs` on `store`.
pub fn list(store: &LogStore, q: &LogQuery) -> Result<LogList, StoreError> {
    let logs = store.page(&q.filter, q.spec, q.content)?;
    let s = store.summarize(&q.filter, false)?;
    Ok(LogList {
        logs,
        pagination: Pagination {
            limit: q.spec.limit,
            offset: q.spec.offset,
            sort_by: sort_name(q.spec.sort_by).into(),
            order: if q.spec.descending { "desc" } else { "asc" }.into(),
            total_count: s.count,
        },
        stats: ListStats {
            total_requests: s.count,
            success_rate: ratio(s.count - s.errors, s.count) * 100.0,
            average_latency: mean_ms(&s),
            total_tokens: s.tokens,
            total_cost: s.cost,
        },
    })
}

/// `GET /api/logs/stats` on `store`; `now_us` ends an open window for the comparison.
pub fn stats(store: &LogStore, q: &LogQuery, now_us: u64) -> Result<LogStats, StoreError> {
    let mut current = figures(store.summarize(&q.filter, true)?);
    if q.compare {
        let end = q.filter.end.unwrap_or(now_us);
        let start = q.filter.start.unwrap_or(0);
        let len = end.saturating_sub(start);
        let mut before = q.filter.clone();
        before.end = Some(start.saturating_sub(1));
        before.start = Some(start.saturating_sub(len));
        current.previous = Some(Box::new(figures(store.summarize(&before, true)?)));
    }
    Ok(current)
}

fn figures(mut s: Summary) -> LogStats {
    let n = s.latencies_us.len();
    let mut pick = |p: f64| {
        if n == 0 {
            return 0.0;
        }
        let i = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
        let (_, v, _) = s.latencies_us.select_nth_unstable(i);
        *v as f64 / 1000.0
    };
    let latency_ms = Percentiles {
        p50: pick(0.50),
        p95: pick(0.95),
        p99: pick(0.99),
        average: 0.0,
    };
    LogStats {
        count: s.count,
        error_rate: ratio(s.errors, s.count),
        latency_ms: Percentiles {
            average: mean_ms(&s),
            ..latency_ms
        },
        total_tokens: s.tokens,
        total_cost: s.cost,
        previous: None,
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn mean_ms(s: &Summary) -> f64 {
    ratio(s.latency_sum_us, s.count) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn bad_values_name_their_parameter() {
        for (p, v) in [
            ("min_latency", "abc"),
            ("sort_by", "size"),
            ("start_time", "yesterday"),
            ("status", "maybe"),
            ("limit", "-1"),
        ] {
            let e = parse_query(&params(&[(p, v)])).unwrap_err();
            assert_eq!(e.param, p, "{e}");
        }
        let e = parse_query(&params(&[
            ("start_time", "2025-01-02T00:00:00Z"),
            ("end_time", "2025-01-01T00:00:00Z"),
        ]))
        .unwrap_err();
        assert_eq!(e.param, "end_time");
    }

    #[test]
    fn a_huge_limit_is_capped_and_lists_split_on_commas() {
        let q = parse_query(&params(&[
            ("limit", "99999999"),
            ("providers", "openai,anthropic"),
            ("providers", "groq"),
        ]))
        .unwrap();
        assert_eq!(q.spec.limit, MAX_LIMIT);
        assert_eq!(q.filter.providers, ["openai", "anthropic", "groq"]);
    }
}
