//! A request's fallbacks: the body's `fallbacks: ["provider/model", ...]` (the
//! reference gateway's extension), else a virtual key's other allowed providers, added
//! to the routing plan after its own targets. The member is taken out of the body
//! before anything is forwarded: upstreams never see it.

// Errors here are the finished API error, built once on the way out.
#![allow(clippy::result_large_err)]

use http::StatusCode;
use serde_json::Value;

use super::super::error::ApiError;
use crate::routing::{DispatchError, Dispatched, KeyFailure, Plan, Route, Snapshot};

/// The body member that names fallbacks.
pub(super) const MEMBER: &str = "fallbacks";

/// Most fallbacks one request may name: each is a full upstream attempt.
const MAX_FALLBACKS: usize = 10;

/// Where to go after the plan's own targets.
#[derive(Debug, Default)]
pub(super) struct Fallbacks {
    /// The client's list, in order; every one must resolve.
    requested: Vec<String>,
    /// A virtual key's other providers (`provider/model`), used when the client named
    /// none; one that does not resolve is skipped (the key's settings are not the
    /// client's mistake).
    governed: Vec<String>,
}

impl Fallbacks {
    /// The client's `fallbacks` member, checked: a list of at most ten strings.
    pub(super) fn requested(member: Option<&Value>) -> Result<Fallbacks, ApiError> {
        let Some(member) = member else {
            return Ok(Fallbacks::default());
        };
        let bad = |msg: String| {
            let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid_request_error", msg)
                .code("invalid_field");
            e.param = Some(MEMBER.into());
            e
        };
        let Value::Array(items) = member else {
            return Err(bad(
                "`fallbacks` must be a list of \"provider/model\" strings".into(),
            ));
        };
        if items.len() > MAX_FALLBACKS {
            return Err(bad(format!(
                "`fallbacks` lists {} models, over the limit of {MAX_FALLBACKS}",
                items.len()
            )));
        }
        let requested = items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) if !s.is_empty() => Ok(s.clone()),
                _ => Err(bad(format!(
                    "`fallbacks[{i}]` must be a \"provider/model\" string"
                ))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Fallbacks {
            requested,
            governed: Vec::new(),
        })
    }

    /// A virtual key's other providers for the request's model.
    pub(super) fn governed(&mut self, models: Vec<String>) {
        self.governed = models;
    }

    /// Appends the fallbacks to `plan`, skipping targets it already holds.
    pub(super) fn extend(&mut self, snapshot: &Snapshot, plan: &mut Plan) -> Result<(), ApiError> {
        let requested = std::mem::take(&mut self.requested);
        let governed = std::mem::take(&mut self.governed);
        let strict = !requested.is_empty();
        let names = if strict { requested } else { governed };
        for (i, name) in names.iter().enumerate() {
            let route = match snapshot.resolve(name) {
                Ok(route) => route,
                Err(_) if !strict => continue,
                Err(e) => {
                    let mut err = ApiError::from(e);
                    err.status = StatusCode::BAD_REQUEST;
                    err.message = format!("`fallbacks[{i}]`: {}", err.message);
                    err.param = Some(MEMBER.into());
                    return Err(err);
                }
            };
            let known = plan.targets.iter().any(|t| {
                std::sync::Arc::ptr_eq(&t.provider, &route.provider) && t.model == route.model
            });
            if !known {
                plan.targets.push(route);
            }
        }
        Ok(())
    }
}

/// A forwarded request whose leading targets (those that take its body unchanged)
/// failed, going on translated along the rest of the plan, in plan order. Kept so the
/// answer still counts over the whole plan: `fallback_index`, every attempt and retry,
/// and the primary's error when every target fails.
pub(super) struct Handover {
    /// The whole plan's primary, named in the final error.
    pub(super) primary: Route,
    /// The index in the whole plan of the first translated target.
    offset: usize,
    /// How the forwarded targets failed.
    error: DispatchError,
}

impl Handover {
    pub(super) fn new(primary: Route, offset: usize, error: DispatchError) -> Handover {
        Handover {
            primary,
            offset,
            error,
        }
    }

    /// The attempts and retries the forwarded targets made.
    fn earlier(&self) -> (&[KeyFailure], u32) {
        match &self.error {
            DispatchError::Failed {
                attempts, retries, ..
            } => (attempts, *retries),
            _ => (&[], 0),
        }
    }

    /// The translated dispatch's result, counted over the whole plan.
    pub(super) fn merge<T>(
        &self,
        result: Result<Dispatched<T>, DispatchError>,
    ) -> Result<Dispatched<T>, DispatchError> {
        let (earlier, earlier_retries) = self.earlier();
        match result {
            Ok(mut d) => {
                d.fallback_index += self.offset;
                d.retries += earlier_retries;
                let mut failures = earlier.to_vec();
                failures.append(&mut d.failures);
                d.attempts = failures.len() as u32 + 1;
                d.failures = failures;
                Ok(d)
            }
            Err(later) => {
                let (later_attempts, later_retries) = match &later {
                    DispatchError::Failed {
                        attempts, retries, ..
                    } => (attempts.as_slice(), *retries),
                    _ => (&[][..], 0),
                };
                let attempts = [earlier, later_attempts].concat();
                // The primary's error, as when every target is tried in one dispatch.
                let first = match (&self.error, &later) {
                    (
                        DispatchError::Failed {
                            provider, error, ..
                        },
                        _,
                    )
                    | (
                        _,
                        DispatchError::Failed {
                            provider, error, ..
                        },
                    ) => Some((provider.clone(), error.clone())),
                    _ => None,
                };
                Err(match first {
                    Some((provider, error)) => DispatchError::Failed {
                        provider,
                        error,
                        attempts,
                        retries: earlier_retries + later_retries,
                    },
                    None => later,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_member_must_be_a_short_list_of_strings() {
        assert!(Fallbacks::requested(None).is_ok());
        let ok = Fallbacks::requested(Some(&json!(["a/b", "c/d"]))).unwrap();
        assert_eq!(ok.requested, ["a/b", "c/d"]);
        for bad in [
            json!("a/b"),
            json!([1]),
            json!([""]),
            json!(vec!["a/b"; 11]),
        ] {
            let e = Fallbacks::requested(Some(&bad)).unwrap_err();
            assert_eq!(e.param.as_deref(), Some("fallbacks"), "{bad}");
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
        }
    }
}
