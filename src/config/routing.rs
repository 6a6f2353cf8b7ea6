//! Model aliases (`[models.NAME]`) and routing rules (`[[routing_rules]]`) as users
//! write them, in `bifrost.toml`, the management API and the store alike, and the
//! checks every path holds them to. Compiling them for requests is `routing`'s job.
//!
//! The rule object follows the reference gateway's (`{name, description, enabled,
//! cel_expression, targets[{provider, model, weight}], fallbacks, scope, scope_id,
//! priority}`), so rules move over as they are.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::limits::{self, check_len};
use super::quote;

/// Rules in one gateway: far more than anyone writes by hand; each costs an
/// expression evaluation on the requests that reach it.
pub const MAX_RULES: usize = 1_000;
/// Aliases in one gateway.
pub const MAX_ALIASES: usize = 1_000;
/// Targets or fallbacks of one alias or rule.
pub const MAX_TARGETS: usize = 64;
/// A CEL expression; real rules are one line.
pub const MAX_EXPRESSION: usize = 4 * 1024;
/// A rule's or alias's name, and a rule's description.
const MAX_NAME: usize = 128;
const MAX_DESCRIPTION: usize = 1_024;

/// `[models.NAME]`: a name clients ask for, spread over targets by weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasConfig {
    /// Where requests for the alias go, one picked by weight per request.
    pub targets: Vec<AliasTarget>,
    /// `provider/model` ids tried in order after the picked target fails.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallbacks: Vec<String>,
    /// Continue a stream cut mid-answer on the next target; unset follows
    /// `[client] stream_resume`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_resume: Option<bool>,
}

/// One target of an alias.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasTarget {
    /// `provider/model`.
    pub model: String,
    /// Relative share of requests; weights need not sum to 1.
    #[serde(default = "one")]
    pub weight: f64,
}

/// Who a rule applies to; narrower scopes are consulted first (the reference's
/// precedence: virtual key, team, customer, global).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Requests under one virtual key (`scope_id`).
    VirtualKey,
    /// Requests under keys of one team.
    Team,
    /// Requests under keys of one customer.
    Customer,
    /// Every request.
    #[default]
    Global,
}

/// A routing rule: when `cel_expression` is true for a request, it goes to `targets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRule {
    /// Stable id: assigned at creation through the API; the name for file rules.
    #[serde(default)]
    pub id: String,
    /// Unique, human name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// A disabled rule is kept but never matches.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The condition, in CEL; empty matches every request.
    #[serde(default)]
    pub cel_expression: String,
    /// Where matching requests go, one picked by weight; weights sum to 1.
    pub targets: Vec<RuleTarget>,
    /// `provider/model` ids tried in order after the picked target fails.
    #[serde(default)]
    pub fallbacks: Vec<String>,
    /// Who the rule applies to.
    #[serde(default)]
    pub scope: Scope,
    /// The virtual key, team or customer id of a scoped rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_id: Option<String>,
    /// Lower runs first; the first matching rule wins.
    #[serde(default)]
    pub priority: i64,
    /// Creation time (Unix seconds), for listing order.
    #[serde(default)]
    pub created_at: u64,
}

/// One target of a rule; a missing provider or model keeps the request's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTarget {
    /// A configured provider name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The model id at that provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Share of matching requests.
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

/// Aliases and rules together: what a routing snapshot is built from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutingDefs {
    /// Aliases by name.
    pub aliases: IndexMap<String, AliasConfig>,
    /// Rules in any order (the snapshot orders them).
    pub rules: Vec<RoutingRule>,
}

/// A CEL expression that does not compile, located in the expression.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cel_expression does not compile at line {line}, column {column}: {message}")]
pub struct CelError {
    /// 1-based line in the expression.
    pub line: usize,
    /// 1-based column in the expression.
    pub column: usize,
    /// The parser's reason.
    pub message: String,
}

/// Compiles a CEL expression, or says where it is wrong.
pub fn compile_cel(expression: &str) -> Result<cel::Program, CelError> {
    // The parser can recurse deeply on nested input; the length bound keeps that small.
    cel::Program::compile(expression).map_err(|e| {
        let first = e.errors.first();
        let (line, column) = first.map_or((1, 1), |f| (f.pos.0.max(1), f.pos.1.max(0) + 1));
        CelError {
            line: usize::try_from(line).unwrap_or(1),
            column: usize::try_from(column).unwrap_or(1),
            message: first.map_or_else(|| e.to_string(), |f| f.msg.clone()),
        }
    })
}

/// Splits `provider/model`; `None` when there is no provider part or no model part.
pub fn split_target(id: &str) -> Option<(&str, &str)> {
    id.split_once('/')
        .filter(|(p, m)| !p.is_empty() && !m.is_empty())
}

impl AliasConfig {
    /// What is wrong with alias `name`, each naming its field; `known` says whether a
    /// provider is configured.
    pub fn problems(&self, name: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
        let at = format!("models.{}", super::shorten(name));
        let mut out = Vec::new();
        if let Err(e) = check_len(&at, name, MAX_NAME) {
            out.push(e.to_string());
        }
        if self.targets.is_empty() {
            out.push(format!(
                "{at}.targets must name at least one `provider/model`"
            ));
        }
        for (i, t) in self.targets.iter().enumerate() {
            out.extend(target_problems(
                &format!("{at}.targets[{i}].model"),
                &t.model,
                known,
            ));
            out.extend(weight_problem(
                &format!("{at}.targets[{i}].weight"),
                t.weight,
            ));
        }
        out.extend(list_problems(&at, &self.targets, &self.fallbacks, known));
        out
    }
}

impl RoutingRule {
    /// What is wrong with the rule, each naming its field; `known` says whether a
    /// provider is configured.
    pub fn problems(&self, known: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut out = Vec::new();
        let name = super::shorten(&self.name);
        let at = format!("routing rule {}", quote(&name));
        if self.name.trim().is_empty() {
            out.push("routing rule: name is required".to_string());
        }
        for (field, value, max) in [
            ("name", &self.name, MAX_NAME),
            ("description", &self.description, MAX_DESCRIPTION),
            ("cel_expression", &self.cel_expression, MAX_EXPRESSION),
        ] {
            if let Err(e) = check_len(format!("{at}: {field}"), value, max) {
                out.push(e.to_string());
            }
        }
        if self.cel_expression.len() <= MAX_EXPRESSION && !self.cel_expression.trim().is_empty() {
            if let Err(e) = compile_cel(&self.cel_expression) {
                out.push(format!("{at}: {e}"));
            }
        }
        if self.targets.is_empty() {
            out.push(format!("{at}: targets must list at least one target"));
        }
        for (i, t) in self.targets.iter().enumerate() {
            let field = format!("{at}: targets[{i}]");
            if t.provider.is_none() && t.model.is_none() {
                out.push(format!("{field} needs a provider, a model or both"));
            }
            if let Some(p) = &t.provider {
                if !known(p) {
                    out.push(unknown_provider(&format!("{field}.provider"), p));
                }
            }
            if let Some(m) = &t.model {
                if let Err(e) = check_len(format!("{field}.model"), m, limits::MAX_MODEL_ID) {
                    out.push(e.to_string());
                }
            }
            out.extend(weight_problem(&format!("{field}.weight"), t.weight));
        }
        let sum: f64 = self.targets.iter().map(|t| t.weight).sum();
        if !self.targets.is_empty() && sum.is_finite() && (sum - 1.0).abs() > 1e-3 {
            out.push(format!(
                "{at}: targets' weights must sum to 1 (they sum to {sum})"
            ));
        }
        out.extend(list_problems(&at, &self.targets, &self.fallbacks, known));
        match (self.scope, &self.scope_id) {
            (Scope::Global, Some(_)) => {
                out.push(format!("{at}: scope_id needs a scope other than `global`"))
            }
            (Scope::Global, None) => {}
            (_, None) => out.push(format!("{at}: a scoped rule needs a scope_id")),
            (_, Some(id)) => {
                if let Err(e) = check_len(format!("{at}: scope_id"), id, MAX_NAME) {
                    out.push(e.to_string());
                }
            }
        }
        out
    }
}

/// The routing problems of a config file, each at the alias or rule it concerns.
/// Targets may name only providers the file declares: the store's other providers are
/// not known while the file is read.
pub(super) fn file_problems(config: &super::FileConfig, text: &str) -> Vec<super::Problem> {
    #[derive(Deserialize)]
    struct Spans {
        #[serde(default)]
        models: IndexMap<toml::Spanned<String>, toml::Value>,
        #[serde(default)]
        routing_rules: Vec<toml::Spanned<toml::Value>>,
    }
    let spans = toml::from_str::<Spans>(text).ok();
    let at = |offset: Option<usize>| offset.map_or((0, 0), |o| super::line_col(text, o));
    let known = |p: &str| config.providers.contains_key(p);
    let mut out = Vec::new();
    let mut push = |(line, column): (usize, usize), messages: Vec<String>| {
        out.extend(messages.into_iter().map(|message| super::Problem {
            line,
            column,
            message,
        }));
    };
    for (i, (name, alias)) in config.models.iter().enumerate() {
        let span = spans
            .as_ref()
            .and_then(|s| s.models.keys().nth(i))
            .map(|k| k.span().start);
        push(at(span), alias.problems(name, &known));
    }
    for (i, rule) in config.routing_rules.iter().enumerate() {
        let span = spans
            .as_ref()
            .and_then(|s| s.routing_rules.get(i))
            .map(|r| r.span().start);
        let mut problems = rule.problems(&known);
        if config.routing_rules[..i]
            .iter()
            .any(|r| r.name == rule.name)
        {
            problems.push(format!(
                "routing rule {} is declared twice",
                quote(&rule.name)
            ));
        }
        push(at(span), problems);
    }
    for (what, len, max) in [
        ("models", config.models.len(), MAX_ALIASES),
        ("routing_rules", config.routing_rules.len(), MAX_RULES),
    ] {
        if let Err(e) = limits::check_count(what, len, max) {
            push((0, 0), vec![e.to_string()]);
        }
    }
    out
}

fn weight_problem(field: &str, weight: f64) -> Option<String> {
    (!weight.is_finite() || weight <= 0.0 || weight > 1e6)
        .then(|| format!("{field} must be a number above 0 (got {weight})"))
}

fn target_problems(field: &str, id: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    if let Err(e) = check_len(field, id, limits::MAX_MODEL_ID) {
        return vec![e.to_string()];
    }
    match split_target(id) {
        None => vec![format!("{field} {} must be `provider/model`", quote(id))],
        Some((p, _)) if !known(p) => vec![unknown_provider(field, p)],
        Some(_) => Vec::new(),
    }
}

fn list_problems<T>(
    at: &str,
    targets: &[T],
    fallbacks: &[String],
    known: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for (field, len) in [("targets", targets.len()), ("fallbacks", fallbacks.len())] {
        if let Err(e) = limits::check_count(format!("{at}: {field}"), len, MAX_TARGETS) {
            out.push(e.to_string());
        }
    }
    for (i, f) in fallbacks.iter().enumerate() {
        out.extend(target_problems(&format!("{at}: fallbacks[{i}]"), f, known));
    }
    out
}

fn unknown_provider(field: &str, provider: &str) -> String {
    format!(
        "{field}: {} is not a configured provider (see `bifrost provider list`)",
        quote(provider)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cel_errors_carry_line_and_column() {
        let e = compile_cel("model == \"a\" &&\n  headers[").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.column > 1, "{e}");
        let e = compile_cel("model ==").unwrap_err();
        assert_eq!(e.line, 1, "{e}");
        assert!(compile_cel("headers[\"x-tier\"] == \"premium\"").is_ok());
    }

    #[test]
    fn stream_resume_is_read_and_exported_for_the_client_and_per_alias() {
        let text = r#"
[client]
stream_resume = true
stream_resume_max = 2
[providers.a]
type = "mock"
[models.fast]
targets = [{ model = "a/m" }]
stream_resume = false
[models.slow]
targets = [{ model = "a/m" }]
"#;
        let c = crate::config::FileConfig::parse(text).unwrap();
        assert!(c.client.stream_resume);
        assert_eq!(c.client.stream_resume_max, 2);
        assert_eq!(c.models["fast"].stream_resume, Some(false));
        assert_eq!(c.models["slow"].stream_resume, None);
        let exported = c.to_toml(true);
        assert!(exported.contains("stream_resume = false"), "{exported}");
        assert_eq!(crate::config::FileConfig::parse(&exported).unwrap(), c);
        let off = crate::config::FileConfig::parse("").unwrap();
        assert!(!off.client.stream_resume);
    }

    #[test]
    fn rules_name_the_field_at_fault() {
        let known = |p: &str| p == "openai";
        let rule: RoutingRule = serde_json::from_value(serde_json::json!({
            "name": "r",
            "cel_expression": "model ==",
            "targets": [{"provider": "nope", "model": "m", "weight": 0.5}],
            "fallbacks": ["bare"],
            "scope": "team"
        }))
        .unwrap();
        let all = rule.problems(&known).join("\n");
        for expected in [
            "cel_expression does not compile at line 1",
            "targets[0].provider: `nope` is not a configured provider",
            "must sum to 1",
            "fallbacks[0] `bare` must be `provider/model`",
            "a scoped rule needs a scope_id",
        ] {
            assert!(all.contains(expected), "{expected}\n{all}");
        }
    }

    #[test]
    fn aliases_name_unknown_providers() {
        let alias = AliasConfig {
            targets: vec![AliasTarget {
                model: "groq/llama".into(),
                weight: 0.0,
            }],
            fallbacks: vec![],
            stream_resume: None,
        };
        let all = alias.problems("fast", &|_| false).join("\n");
        assert!(
            all.contains("models.fast.targets[0].model: `groq` is not a configured provider"),
            "{all}"
        );
        assert!(
            all.contains("models.fast.targets[0].weight must be a number above 0"),
            "{all}"
        );
    }
}
