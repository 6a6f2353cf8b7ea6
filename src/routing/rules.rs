//! Aliases and routing rules compiled for one snapshot: every CEL expression parsed
//! once when the snapshot is built, every target resolved to its provider then, so a
//! request only evaluates expressions and draws one random number.
//!
//! Rules run in scope order (virtual key, team, customer, global), then by `priority`
//! ascending; the first that matches picks a target by weight. With no rule matching,
//! an alias the client named picks one of its targets; otherwise the model resolves as
//! it would without rules.

use std::collections::HashMap;
use std::sync::Arc;

use cel::{Program, Value};

use super::alias::Choice;
use super::rules_facts::{RouteFacts, Vars};
use super::{Plan, RouteError, Snapshot};
use crate::config::{RoutingDefs, RoutingRule, Scope};

/// The compiled aliases and rules of a snapshot.
#[derive(Default)]
pub(super) struct Routing {
    /// What they were compiled from, to recompile when providers change.
    pub(super) defs: Arc<RoutingDefs>,
    pub(super) aliases: HashMap<String, Alias>,
    pub(super) rules: Vec<Rule>,
    /// The CEL built-in functions, made once and shared by every evaluation.
    cel: cel::Context<'static>,
    /// Whether any expression reads `params` (the request body as JSON).
    reads_params: bool,
    /// The only headers the expressions read, when each names them with literals;
    /// `None` when one needs them all.
    pub(super) header_names: Option<Arc<[String]>>,
}

/// One compiled alias.
pub(super) struct Alias {
    pub(super) choice: Choice,
    /// Continue a cut stream on the next target; `None` follows `[client]`.
    pub(super) stream_resume: Option<bool>,
    /// Definition entries that could not be used (a provider removed since).
    pub(super) problems: Vec<String>,
}

/// One compiled rule.
pub(super) struct Rule {
    pub(super) def: RoutingRule,
    /// `None` for an empty expression, which matches every request.
    program: Option<Program>,
    pub(super) choice: Choice,
    /// Why the rule cannot run (an expression or targets that no longer work).
    pub(super) broken: Option<String>,
}

/// What one rule made of one request.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Verdict {
    Matched,
    False,
    Disabled,
    OutOfScope,
    Broken(String),
    /// The expression failed (a missing header or parameter) or was not a bool.
    Failed(String),
}

/// Where a request goes before any target is drawn.
pub(super) enum Decision<'r> {
    Rule(&'r Rule),
    Alias(&'r Alias),
    Direct,
}

impl Routing {
    /// Compiles `defs` against `snapshot`'s providers. Never fails: definitions were
    /// checked when written, and what broke since (a provider removed) is kept with
    /// its reason, logged, and shown by `route explain`.
    pub(super) fn compile(snapshot: &Snapshot, defs: Arc<RoutingDefs>) -> Routing {
        let aliases = defs
            .aliases
            .iter()
            .map(|(name, def)| {
                let mut problems = Vec::new();
                let choice = Choice::of_alias(snapshot, def, &mut problems);
                for p in &problems {
                    tracing::warn!(alias = %name, problem = %p, "model alias entry skipped");
                }
                let alias = Alias {
                    choice,
                    stream_resume: def.stream_resume,
                    problems,
                };
                (name.clone(), alias)
            })
            .collect();
        let mut rules: Vec<Rule> = defs
            .rules
            .iter()
            .map(|d| Rule::compile(snapshot, d))
            .collect();
        rules.sort_by(|a, b| {
            let key = |r: &Rule| (r.def.scope, r.def.priority, r.def.created_at);
            key(a)
                .cmp(&key(b))
                .then_with(|| a.def.name.cmp(&b.def.name))
        });
        let reads_params = rules.iter().any(|r| {
            r.program
                .as_ref()
                .is_some_and(|p| p.references().has_variable("params"))
        });
        let mut names = std::collections::BTreeSet::new();
        let literal_only = rules.iter().all(|r| {
            r.program
                .as_ref()
                .is_none_or(|p| super::rules_headers::collect(p.expression(), &mut names))
        });
        Routing {
            defs,
            aliases,
            rules,
            cel: cel::Context::default(),
            reads_params,
            header_names: literal_only.then(|| names.into_iter().collect()),
        }
    }

    /// Whether there is nothing to consult, so a request can skip straight to
    /// resolution.
    pub(super) fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.aliases.is_empty()
    }

    /// Runs the rules (recording each one's verdict in `trace` when given), then the
    /// aliases.
    pub(super) fn decide<'r>(
        &'r self,
        vars: &Vars<'_>,
        mut trace: Option<&mut Vec<(&'r Rule, Verdict)>>,
    ) -> Decision<'r> {
        for rule in &self.rules {
            let verdict = self.judge(rule, vars);
            let matched = verdict == Verdict::Matched;
            if let Some(t) = trace.as_deref_mut() {
                t.push((rule, verdict));
            }
            if matched {
                return Decision::Rule(rule);
            }
        }
        match self.aliases.get(vars.model) {
            Some(alias) => Decision::Alias(alias),
            None => Decision::Direct,
        }
    }

    fn judge(&self, rule: &Rule, vars: &Vars<'_>) -> Verdict {
        if !rule.def.enabled {
            return Verdict::Disabled;
        }
        if !in_scope(&rule.def, vars.facts) {
            return Verdict::OutOfScope;
        }
        if let Some(why) = &rule.broken {
            return Verdict::Broken(why.clone());
        }
        let Some(program) = &rule.program else {
            return Verdict::Matched;
        };
        let mut scope = self.cel.new_inner_scope();
        scope.set_variable_resolver(vars);
        match program.execute(&scope) {
            Ok(Value::Bool(true)) => Verdict::Matched,
            Ok(Value::Bool(false)) => Verdict::False,
            Ok(other) => Verdict::Failed(format!("the expression gave {other:?}, not a bool")),
            Err(e) => Verdict::Failed(e.to_string()),
        }
    }
}

fn in_scope(rule: &RoutingRule, facts: &RouteFacts<'_>) -> bool {
    let entity = match rule.scope {
        Scope::Global => return true,
        Scope::VirtualKey => facts.virtual_key,
        Scope::Team => facts.team,
        Scope::Customer => facts.customer,
    };
    entity.is_some_and(|e| rule.scope_id.as_deref() == Some(e.id))
}

impl Rule {
    fn compile(snapshot: &Snapshot, def: &RoutingRule) -> Rule {
        let mut problems = Vec::new();
        let choice = Choice::of_rule(snapshot, &def.targets, &def.fallbacks, &mut problems);
        let program = match def.cel_expression.trim() {
            "" => None,
            text => match crate::config::compile_cel(text) {
                Ok(p) => Some(p),
                Err(e) => {
                    problems.push(e.to_string());
                    None
                }
            },
        };
        if choice.targets.is_empty() {
            problems.push("no target is usable".to_string());
        }
        let broken = (!problems.is_empty()).then(|| problems.join("; "));
        if let Some(why) = &broken {
            tracing::warn!(rule = %def.name, problem = %why, "routing rule cannot run");
        }
        Rule {
            def: def.clone(),
            program,
            choice,
            broken,
        }
    }
}

impl Choice {
    /// The plan for a request for `model`: the target a draw `u` picks, then the
    /// fallbacks (those that no longer resolve are left out).
    pub(super) fn plan(
        &self,
        snapshot: &Snapshot,
        model: &str,
        u: f64,
        rule: Option<&str>,
    ) -> Result<Plan, RouteError> {
        let Some((target, _)) = self.targets.get(self.pick(u)) else {
            return Err(RouteError::NoTargets {
                name: model.to_string(),
            });
        };
        let mut targets = Vec::with_capacity(1 + self.fallbacks.len());
        targets.push(target.route(snapshot, model)?);
        targets.extend(
            self.fallbacks
                .iter()
                .filter_map(|f| f.route(snapshot, model).ok()),
        );
        Ok(Plan {
            targets,
            rule: rule.map(str::to_string),
        })
    }
}

impl Snapshot {
    /// The plan for a client's model name: a matching rule's or an alias's targets
    /// (one drawn by weight, then the fallbacks), or the model's own provider.
    pub fn plan(&self, model: &str, facts: &RouteFacts<'_>) -> Result<Plan, RouteError> {
        self.plan_drawn(model, facts, rand::random::<f64>)
    }

    /// The plan's primary target only: with no alias and no rule, exactly
    /// [`Snapshot::resolve`], with no allocation for a plan.
    pub fn primary(&self, model: &str, facts: &RouteFacts<'_>) -> Result<super::Route, RouteError> {
        if self.routing.is_empty() {
            return self.resolve(model);
        }
        let mut plan = self.plan(model, facts)?;
        // A plan is never empty: its primary is first.
        Ok(plan.targets.swap_remove(0))
    }

    /// [`Snapshot::plan`] with the weighted draw supplied (a seeded one in tests).
    pub fn plan_drawn(
        &self,
        model: &str,
        facts: &RouteFacts<'_>,
        draw: impl FnOnce() -> f64,
    ) -> Result<Plan, RouteError> {
        // The common case, no aliases and no rules, costs one branch.
        if self.routing.is_empty() {
            return self.resolve(model).map(Plan::single);
        }
        let vars = Vars::new(model, facts, self);
        match self.routing.decide(&vars, None) {
            Decision::Rule(rule) => rule.choice.plan(self, model, draw(), Some(&rule.def.name)),
            Decision::Alias(alias) => alias.choice.plan(self, model, draw(), None),
            Decision::Direct => self.resolve(model).map(Plan::single),
        }
    }

    /// Whether a rule reads `params`, so a request must offer its body as JSON.
    pub fn reads_params(&self) -> bool {
        self.routing.reads_params
    }

    /// Whether `model` names an alias that turns stream resumption on or off; `None`
    /// when it is no alias or leaves it to `[client] stream_resume`.
    pub fn stream_resume(&self, model: &str) -> Option<bool> {
        self.routing
            .aliases
            .get(model)
            .and_then(|a| a.stream_resume)
    }

    /// This snapshot's providers with `defs` compiled over them.
    pub fn with_routing(mut self, defs: Arc<RoutingDefs>) -> Snapshot {
        self.routing = Arc::new(Routing::compile(&self, defs));
        self
    }

    /// The same providers (their runtimes shared) with `defs` compiled over them: what
    /// a change of aliases or rules publishes.
    pub fn rerouted(&self, defs: Arc<RoutingDefs>) -> Snapshot {
        Snapshot {
            providers: self.providers.clone(),
            routing: Arc::default(),
        }
        .with_routing(defs)
    }
}
