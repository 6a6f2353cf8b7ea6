//! Rules and aliases against snapshots built from config text.

use std::sync::Arc;

use http::HeaderMap;
use rand::{Rng, SeedableRng};

use super::{Named, RouteFacts, Snapshot};
use crate::config::{ClientConfig, FileConfig, RoutingDefs};

const PROVIDERS: &str = r#"
[providers.groq]
type = "mock"
[providers.cerebras]
type = "mock"
[providers.openai]
type = "mock"
"#;

fn snapshot(routing: &str) -> Snapshot {
    let cfg = FileConfig::parse(&format!("{PROVIDERS}{routing}")).unwrap();
    let defs = RoutingDefs {
        aliases: cfg.models,
        rules: cfg.routing_rules,
    };
    Snapshot::build(cfg.providers, &ClientConfig::default(), None).with_routing(Arc::new(defs))
}

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, http::HeaderValue::from_static(v));
    }
    h
}

fn primary(s: &Snapshot, model: &str, facts: &RouteFacts<'_>) -> String {
    let plan = s.plan_drawn(model, facts, || 0.0).unwrap();
    format!("{}/{}", plan.primary().provider.name, plan.primary().model)
}

const RULES: &str = r#"
[[routing_rules]]
name = "premium"
priority = 2
cel_expression = 'headers["x-tier"] == "premium"'
targets = [{ provider = "openai", model = "gpt-4o", weight = 1.0 }]
fallbacks = ["groq/llama"]

[[routing_rules]]
name = "premium-first"
priority = 1
cel_expression = 'headers["x-tier"] == "premium" && model == "special"'
targets = [{ provider = "cerebras", model = "big" }]

[[routing_rules]]
name = "long"
priority = 3
cel_expression = 'params.max_tokens > 1000 && request_type == "chat_completion"'
targets = [{ provider = "cerebras" }]
"#;

#[test]
fn rules_run_in_priority_order_and_the_first_match_wins() {
    let s = snapshot(RULES);
    let h = headers(&[("x-tier", "premium")]);
    let facts = RouteFacts {
        request_type: "chat_completion",
        headers: Some(&h),
        ..Default::default()
    };
    assert_eq!(primary(&s, "special", &facts), "cerebras/big");
    let plan = s.plan_drawn("anything", &facts, || 0.5).unwrap();
    assert_eq!(plan.rule.as_deref(), Some("premium"));
    let chain: Vec<String> = plan
        .targets
        .iter()
        .map(|r| format!("{}/{}", r.provider.name, r.model))
        .collect();
    assert_eq!(chain, ["openai/gpt-4o", "groq/llama"]);
    // No header: no rule matches (a missing key is an error, so not a match).
    let plain = RouteFacts::default();
    let plan = s.plan_drawn("groq/llama", &plain, || 0.5).unwrap();
    assert_eq!(plan.rule, None);
    assert_eq!(plan.primary().provider.name, "groq");
}

#[test]
fn rules_see_credential_headers_masked_never_their_values() {
    let s = snapshot(
        r#"
[[routing_rules]]
name = "leaky"
cel_expression = 'headers["authorization"] == "Bearer sk-secret" || headers["x-api-key"] == "<redacted>"'
targets = [{ provider = "cerebras", model = "big" }]
"#,
    );
    let h = headers(&[
        ("authorization", "Bearer sk-secret"),
        ("x-api-key", "sk-other"),
    ]);
    let facts = RouteFacts {
        headers: Some(&h),
        ..Default::default()
    };
    // Only the masked comparison can match: the secret's value is not visible.
    let plan = s.plan_drawn("groq/llama", &facts, || 0.0).unwrap();
    assert_eq!(plan.rule.as_deref(), Some("leaky"));
    let h = headers(&[("authorization", "Bearer sk-secret")]);
    let facts = RouteFacts {
        headers: Some(&h),
        ..Default::default()
    };
    let plan = s.plan_drawn("groq/llama", &facts, || 0.0).unwrap();
    assert_eq!(plan.rule, None, "a rule matched on a credential's value");
}

#[test]
fn params_and_request_type_are_variables() {
    let s = snapshot(RULES);
    assert!(s.reads_params());
    let body = serde_json::json!({"max_tokens": 4000});
    let facts = RouteFacts {
        request_type: "chat_completion",
        params: Some(&body),
        ..Default::default()
    };
    // A provider-only target keeps the request's model, without its provider prefix.
    assert_eq!(primary(&s, "groq/llama", &facts), "cerebras/llama");
    let embedding = RouteFacts {
        request_type: "embedding",
        ..facts
    };
    assert_eq!(primary(&s, "groq/llama", &embedding), "groq/llama");
}

#[test]
fn scoped_rules_apply_only_to_their_key_and_come_first() {
    let s = snapshot(
        r#"
[[routing_rules]]
name = "everyone"
priority = 0
targets = [{ provider = "groq" }]
[[routing_rules]]
name = "team-a"
priority = 9
scope = "team"
scope_id = "t-a"
cel_expression = 'virtual_key_name == "app" && team_id == "t-a" && provider == "openai"'
targets = [{ provider = "cerebras" }]
"#,
    );
    let facts = RouteFacts {
        virtual_key: Some(Named {
            id: "vk1",
            name: "app",
        }),
        team: Some(Named::id("t-a")),
        ..Default::default()
    };
    assert_eq!(primary(&s, "openai/m", &facts), "cerebras/m");
    assert_eq!(primary(&s, "openai/m", &RouteFacts::default()), "groq/m");
    let explained = s.explain("openai/m", &RouteFacts::default());
    let results: Vec<(&str, &str)> = explained
        .rules
        .iter()
        .map(|r| (r.name.as_str(), r.result.as_str()))
        .collect();
    assert_eq!(
        results,
        [("team-a", "out_of_scope"), ("everyone", "matched")]
    );
}

#[test]
fn alias_picks_follow_the_weights_with_a_fixed_seed() {
    let s = snapshot(
        r#"
[models.fast]
targets = [{ model = "groq/llama-3.3-70b", weight = 0.7 }, { model = "cerebras/llama-3.3-70b", weight = 0.3 }]
fallbacks = ["openai/gpt-4o-mini"]
"#,
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut groq = 0;
    for _ in 0..10_000 {
        let plan = s
            .plan_drawn("fast", &RouteFacts::default(), || rng.gen())
            .unwrap();
        assert_eq!(plan.targets.len(), 2);
        assert_eq!(&*plan.targets[1].model, "gpt-4o-mini");
        if plan.primary().provider.name == "groq" {
            groq += 1;
        }
    }
    // 7,000 expected; the binomial standard deviation is 46, so +-200 (2%) fails only
    // on a wrong selection rule, never on chance.
    assert!((6_800..=7_200).contains(&groq), "{groq}");
    let ids: Vec<String> = s.models().data.into_iter().map(|m| m.id).collect();
    assert!(ids.contains(&"fast".to_string()), "{ids:?}");
}

#[test]
fn without_rules_or_aliases_a_plan_is_the_resolved_model() {
    let s = snapshot("");
    let plan = s.plan("openai/x", &RouteFacts::default()).unwrap();
    assert_eq!(plan.targets.len(), 1);
    assert!(plan.rule.is_none());
    assert!(!s.reads_params());
}

#[test]
fn a_rule_whose_provider_went_away_is_skipped_and_explained() {
    let s = snapshot(RULES);
    // The same definitions over a snapshot without `openai`.
    let cfg = FileConfig::parse(
        "[providers.groq]\ntype = \"mock\"\n[providers.cerebras]\ntype = \"mock\"\n",
    )
    .unwrap();
    let fewer = Snapshot::build(cfg.providers, &ClientConfig::default(), Some(&s));
    let h = headers(&[("x-tier", "premium")]);
    let facts = RouteFacts {
        headers: Some(&h),
        ..Default::default()
    };
    assert_eq!(primary(&fewer, "groq/x", &facts), "groq/x");
    let explained = fewer.explain("groq/x", &facts);
    let premium = explained
        .rules
        .iter()
        .find(|r| r.name == "premium")
        .unwrap();
    assert_eq!(premium.result, "broken");
    assert!(
        premium
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("`openai` is not configured"),
        "{premium:?}"
    );
}

#[test]
fn explain_reports_verdicts_targets_and_fallbacks() {
    let s = snapshot(RULES);
    let h = headers(&[("x-tier", "premium")]);
    let facts = RouteFacts {
        headers: Some(&h),
        ..Default::default()
    };
    let e = s.explain("x", &facts);
    assert_eq!(e.decided_by, "rule");
    assert_eq!(e.matched_rule.as_deref(), Some("premium"));
    let results: Vec<&str> = e.rules.iter().map(|r| r.result.as_str()).collect();
    assert_eq!(results, ["false", "matched"]);
    assert_eq!(e.targets[0].provider, "openai");
    assert_eq!(e.targets[0].effective_weight, 1.0);
    assert_eq!(e.fallbacks[0].model, "llama");
    let none = s.explain("groq/x", &RouteFacts::default());
    assert_eq!(none.decided_by, "model");
    assert_eq!(none.rules[0].result, "error");
    assert!(none.rules[0].detail.is_some());
}

#[test]
fn adaptive_balancing_follows_the_client_setting_unless_a_provider_overrides_it() {
    let text = "[client]\nadaptive_balancing = false\n[providers.plain]\ntype = \"mock\"\n\
                [providers.own]\ntype = \"mock\"\n[providers.own.health]\nadaptive_balancing = true\n";
    let cfg = FileConfig::parse(text).unwrap();
    let s = Snapshot::build(cfg.providers.clone(), &cfg.client, None);
    let adaptive = |s: &Snapshot, name: &str| s.provider(name).unwrap().health.adaptive();
    assert!(!adaptive(&s, "plain"), "[client] turns it off");
    assert!(adaptive(&s, "own"), "the provider's own setting wins");
    // The client setting back on: the same runtimes (health kept) follow it.
    let on = Snapshot::build(cfg.providers, &ClientConfig::default(), Some(&s));
    assert!(Arc::ptr_eq(
        on.provider("plain").unwrap(),
        s.provider("plain").unwrap()
    ));
    assert!(adaptive(&on, "plain"));
    // Export writes the setting.
    let exported = toml::to_string(&cfg.client).unwrap();
    assert!(
        exported.contains("adaptive_balancing = false"),
        "{exported}"
    );
}
