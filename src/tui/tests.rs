//! Rendering snapshots of every screen at 80x24 and 160x48 from fixed data, and
//! state-machine tests of the forms: validation shown, nothing written until
//! confirmed, Esc cancels, a refusal keeps the form as it was.

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::{json, Value};

use super::app::App;
use super::event::{Action, Data, Effect, Event, Key, LogQuery, Outcome};
use super::model::Avail;
use super::screens::Screen;
use super::theme::Theme;
use super::view;
use crate::admin::logs::Percentiles;
use crate::admin::logs_batch::Batch;
use crate::admin::logs_batch::Tally;
use crate::admin::{Kind, ProviderDoc, SettingsDoc};
use crate::config::{KeyConfig, ProviderType, SecretValue};

fn record(i: usize) -> Value {
    let error = i % 7 == 3;
    json!({
        "id": format!("req-{i:04}"),
        "timestamp": format!("2026-12-03T12:{:02}:{:02}Z", 30 + i / 60, i % 60),
        "latency_ms": 200 + (i * 37) % 900,
        "provider": if i % 3 == 0 { "anthropic" } else { "openai" },
        "key_name": "main",
        "model": if i % 3 == 0 { "claude-sonnet-4" } else { "gpt-4o-mini" },
        "status": if error { "error" } else { "success" },
        "http_status": if error { 429 } else { 200 },
        "error_message": if error { "rate limited upstream" } else { "" },
        "input_tokens": 120 + i,
        "output_tokens": 40 + i % 13,
        "cost": 0.0004 * (1 + i % 5) as f64,
        "virtual_key_name": "ci",
    })
}

/// Second `i` of the overview's live feed: 100-140 requests, a few failing.
fn second(i: u64) -> Batch<Value> {
    let matched = 100 + (i * 13) % 40;
    let pct = |p50: f64, p95: f64, p99: f64| Percentiles {
        p50,
        p95,
        p99,
        average: p50,
    };
    Batch {
        interval_ms: 1000,
        matched,
        lagged: 0,
        errors: matched * (i % 4) / 100,
        input_tokens: 15000 + (i * 101) % 3000,
        output_tokens: 5000,
        cost: 0.4,
        latency_ms: pct(
            (300 + i % 20) as f64,
            (700 + (i * 7) % 200) as f64,
            (1100 + i % 50) as f64,
        ),
        ttft_ms: pct(180.0, 240.0, 310.0),
        in_flight: 7,
        models: tallies(matched, ["gpt-4o-mini", "claude-sonnet-4"]),
        providers: tallies(matched, ["openai", "anthropic"]),
        records: Vec::new(),
    }
}

/// `matched` requests split two to one between `names`, at $0.004 a request.
fn tallies(matched: u64, names: [&str; 2]) -> Vec<Tally> {
    let first = matched * 2 / 3;
    [(names[0], first), (names[1], matched - first)]
        .into_iter()
        .map(|(name, requests)| Tally {
            name: name.to_string(),
            requests,
            cost: requests as f64 * 0.004,
        })
        .collect()
}

/// A dashboard with a minute of traffic, two providers, keys with usage and a team.
fn fixture() -> App {
    let mut app = App::new("/data/bifrost.sock", Theme::plain());
    for i in 0..90 {
        app.update(Event::Data(Data::Batch(second(i))));
    }
    app.update(Event::Data(Data::Spend(Avail::Ready((
        Some(12.3456),
        Some(321.5),
    )))));
    app.update(Event::Data(Data::Logs(Avail::Ready(
        (0..40).map(record).collect(),
    ))));
    let mut openai = ProviderDoc::from_config(
        "openai",
        &crate::config::ProviderConfig::new(ProviderType::Openai),
        crate::store::Origin::Api,
        false,
    );
    openai.keys = vec![
        KeyConfig {
            models: vec!["gpt-4o-mini".into()],
            weight: 0.8,
            ..KeyConfig::new("main", SecretValue::Literal("sk-...wxyz".into()))
        },
        KeyConfig::new("backup", SecretValue::Env("OPENAI_BACKUP".into())),
    ];
    let mut anthropic = openai.clone();
    anthropic.provider = "anthropic".into();
    anthropic.kind = ProviderType::Anthropic;
    anthropic.keys.truncate(1);
    app.update(Event::Data(Data::Providers(vec![
        (
            openai,
            Avail::Ready(json!({"state": "closed", "error_rate": 0.02, "latency_ms": 410})),
        ),
        (anthropic, Avail::Missing),
    ])));
    let key = |id: &str, name: &str, active: bool| json!({"id": id, "name": name, "is_active": active, "allowed_models": ["*"], "team_id": "t-1"});
    let usage = |name: &str, spent: f64| {
        json!({"levels": [{"level": "virtual_key", "name": name,
        "budgets": [{"max_limit": 50.0, "spent": spent, "reset_duration": "1M", "resets_at": "2027-01-01T00:00:00Z"}],
        "requests": {"limit": 60, "used": 12, "reset_duration": "1m", "resets_at": "2026-12-03T12:31:00Z"}}]})
    };
    app.update(Event::Data(Data::Governance {
        keys: vec![key("vk-1", "ci", true), key("vk-2", "alice", false)],
        usage: vec![("vk-1".into(), usage("ci", 12.5)), ("vk-2".into(), usage("alice", 40.0))],
        teams: vec![json!({"id": "t-1", "name": "platform", "budgets": [{"max_limit": 500.0, "reset_duration": "1M"}]})],
        customers: vec![],
    }));
    app.update(Event::Data(Data::Settings(Avail::Ready(settings_doc()))));
    app
}

/// The default client settings, retention declared by the file.
fn settings_doc() -> SettingsDoc {
    SettingsDoc {
        client_config: crate::admin::settings::client_json(&Default::default()),
        restart_required: false,
        from_file: vec!["log_retention_days".into()],
        live: crate::config::LiveSettings::KEYS
            .iter()
            .map(|k| k.to_string())
            .collect(),
    }
}

fn render(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal.draw(|f| view::draw(f, app)).expect("draw");
    terminal.backend().to_string()
}

fn keys(app: &mut App, keys: &[Key]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|k| app.update(Event::Key(*k)))
        .collect()
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| app.update(Event::Key(Key::Char(c))))
        .collect()
}

#[test]
fn every_screen_renders_at_both_sizes() {
    for screen in Screen::ALL {
        let mut app = fixture();
        app.screen = screen;
        for (w, h) in [(80, 24), (160, 48)] {
            let name = format!(
                "{}_{w}x{h}",
                screen.title().to_lowercase().replace(' ', "_")
            );
            insta::assert_snapshot!(name, render(&app, w, h));
        }
    }
}

#[test]
fn overlays_render() {
    let mut app = fixture();
    app.screen = Screen::Keys;
    keys(&mut app, &[Key::Char('?')]);
    insta::assert_snapshot!("help_80x24", render(&app, 80, 24));
    keys(&mut app, &[Key::Esc, Key::Char('c')]);
    typed(&mut app, "ci-2");
    insta::assert_snapshot!("vk_form_80x24", render(&app, 80, 24));
    keys(&mut app, &[Key::Esc, Key::Char(':')]);
    typed(&mut app, "vk");
    insta::assert_snapshot!("cmdline_80x24", render(&app, 80, 24));
    keys(&mut app, &[Key::Esc]);
    app.update(Event::Lost {
        reason: "connection refused".into(),
        retry_secs: 4,
    });
    app.update(Event::Done(Outcome::Ok {
        message: "created virtual key `x`".into(),
        secret: Some("sk-bf-0123456789abcdef".into()),
    }));
    insta::assert_snapshot!("secret_and_banner_80x24", render(&app, 80, 24));
}

#[test]
fn logs_detail_pane_shows_the_whole_record() {
    let mut app = fixture();
    app.screen = Screen::Logs;
    let effects = keys(&mut app, &[Key::Down, Key::Enter]);
    assert_eq!(effects, vec![Effect::Record("req-0001".into())]);
    app.update(Event::Data(Data::Record(Avail::Ready(record(1)))));
    let shown = render(&app, 80, 24);
    assert!(shown.contains("\"id\": \"req-0001\""), "{shown}");
    keys(&mut app, &[Key::Esc]);
    assert!(app.logs.detail.is_none());
}

#[test]
fn missing_endpoints_say_not_available() {
    let mut app = App::new("sock", Theme::plain());
    app.update(Event::Data(Data::Spend(Avail::Missing)));
    app.update(Event::Data(Data::Logs(Avail::Missing)));
    app.update(Event::Data(Data::Settings(Avail::Missing)));
    for screen in [Screen::Overview, Screen::Logs, Screen::Settings] {
        app.screen = screen;
        assert!(
            render(&app, 80, 24).contains("not available on this server"),
            "{screen:?}"
        );
    }
}

#[test]
fn a_setting_is_edited_with_confirmation_and_a_refusal_keeps_the_screen() {
    let mut app = fixture();
    app.screen = Screen::Settings;
    let rows: Vec<String> = settings_doc().client_config.keys().cloned().collect();
    let at = |name: &str| rows.iter().position(|k| k == name).unwrap();
    // Down to `enable_logging`, a true/false setting.
    keys(&mut app, &vec![Key::Down; at("enable_logging")]);
    assert!(keys(&mut app, &[Key::Enter]).is_empty());
    let form = app.form.as_ref().expect("edit form");
    assert_eq!(form.title, "Edit client.enable_logging");
    assert_eq!(form.fields[0].value, "true");
    // Not a boolean: said inline, nothing sent.
    keys(&mut app, &[Key::Backspace; 4]);
    typed(&mut app, "maybe");
    assert!(keys(&mut app, &[Key::Enter]).is_empty());
    insta::assert_snapshot!("settings_form_80x24", render(&app, 80, 24));
    assert!(app
        .form
        .as_ref()
        .and_then(|f| f.error.as_deref())
        .is_some_and(|e| e.contains("`maybe` is not true or false")));
    keys(&mut app, &[Key::Backspace; 5]);
    typed(&mut app, "false");
    assert!(keys(&mut app, &[Key::Enter]).is_empty(), "asks first");
    let effects = keys(&mut app, &[Key::Char('y')]);
    assert_eq!(
        effects,
        vec![Effect::Act(Action::UpdateSettings(
            json!({"enable_logging": false})
        ))]
    );
    // The server refuses: the form stays as typed with its message; the table is
    // unchanged underneath.
    let before = app.settings.clone();
    app.update(Event::Done(Outcome::Failed(
        "`client.enable_logging` is declared in bifrost.toml, which wins".into(),
    )));
    let form = app.form.as_ref().expect("form kept");
    assert_eq!(form.fields[0].value, "false");
    assert!(form.error.as_deref().unwrap_or("").contains("bifrost.toml"));
    assert_eq!(app.settings, before);
    // Esc leaves it as it was.
    keys(&mut app, &[Key::Esc]);
    assert!(app.form.is_none());
    assert_eq!(app.settings, before);

    // Lists are comma-separated, optional numbers empty for unset.
    let mut app = fixture();
    app.screen = Screen::Settings;
    keys(&mut app, &vec![Key::Down; at("logging_headers")]);
    keys(&mut app, &[Key::Enter]);
    typed(&mut app, "x-team, x-user");
    let effects = keys(&mut app, &[Key::Enter, Key::Enter]);
    assert_eq!(
        effects,
        vec![Effect::Act(Action::UpdateSettings(
            json!({"logging_headers": ["x-team", "x-user"]})
        ))]
    );
    let mut app = fixture();
    app.screen = Screen::Settings;
    keys(&mut app, &vec![Key::Down; at("content_retention_days")]);
    keys(&mut app, &[Key::Char('e')]);
    typed(&mut app, "7");
    let effects = keys(&mut app, &[Key::Enter, Key::Char('y')]);
    assert_eq!(
        effects,
        vec![Effect::Act(Action::UpdateSettings(
            json!({"content_retention_days": 7})
        ))]
    );
}

#[test]
fn vk_create_form_validates_confirms_then_writes_once() {
    let mut app = fixture();
    app.screen = Screen::Keys;
    keys(&mut app, &[Key::Char('c')]);
    // Empty name and a budget that is not a number: shown inline, nothing written.
    keys(&mut app, &[Key::Tab, Key::Tab, Key::Tab, Key::Tab]);
    typed(&mut app, "lots");
    assert!(keys(&mut app, &[Key::Enter]).is_empty());
    let error = app
        .form
        .as_ref()
        .and_then(|f| f.error.clone())
        .unwrap_or_default();
    assert!(
        error.contains("name: required") && error.contains("budget (USD): `lots` is not a number"),
        "{error}"
    );
    assert!(render(&app, 80, 24).contains("name: required"));
    // Fixed: Enter asks for confirmation, still nothing written.
    for _ in 0..4 {
        keys(&mut app, &[Key::Backspace]);
    }
    typed(&mut app, "25");
    keys(&mut app, &[Key::Up, Key::Up, Key::Up, Key::Up]);
    typed(&mut app, "ci-2");
    assert!(keys(&mut app, &[Key::Enter]).is_empty());
    assert!(app.form.as_ref().is_some_and(|f| f.confirming));
    // `n` goes back to editing; confirming then writes exactly once.
    assert!(keys(&mut app, &[Key::Char('n')]).is_empty());
    assert!(keys(&mut app, &[Key::Enter]).is_empty());
    let effects = keys(&mut app, &[Key::Char('y')]);
    let Some(Effect::Act(Action::Create(Kind::VirtualKey, body))) = effects.first() else {
        panic!("expected a create, got {effects:?}");
    };
    assert_eq!(body["name"], "ci-2");
    assert_eq!(
        body["budgets"],
        json!([{"max_limit": 25.0, "reset_duration": "1M"}])
    );
    assert!(
        body.get("customer_id").is_none() && body.get("expires_at").is_none(),
        "{body}"
    );
    assert!(
        keys(&mut app, &[Key::Char('y'), Key::Enter]).is_empty(),
        "a busy form sends nothing more"
    );
    // A failed background read is not the form's answer.
    app.update(Event::Problem("logs: bad filter".into()));
    assert!(app
        .form
        .as_ref()
        .is_some_and(|f| f.busy && f.error.is_none()));
    // The server refuses: the form stays with its fields and shows why.
    app.update(Event::Done(Outcome::Failed(
        "virtual key `ci-2` already exists".into(),
    )));
    let form = app.form.as_ref().expect("form kept");
    assert_eq!(form.fields[0].value, "ci-2");
    assert_eq!(
        form.error.as_deref(),
        Some("virtual key `ci-2` already exists")
    );
    // Accepted: the form closes and the value is shown once.
    keys(&mut app, &[Key::Enter, Key::Char('y')]);
    app.update(Event::Done(Outcome::Ok {
        message: "created".into(),
        secret: Some("sk-bf-x".into()),
    }));
    assert!(app.form.is_none());
    assert_eq!(app.secret.as_deref(), Some("sk-bf-x"));
    keys(&mut app, &[Key::Enter]);
    assert!(app.secret.is_none());
}

#[test]
fn vk_form_takes_per_provider_configs_in_the_clis_syntax() {
    let mut app = fixture();
    app.screen = Screen::Keys;
    keys(&mut app, &[Key::Char('c')]);
    typed(&mut app, "routed");
    // Providers: the fourth field from the end.
    keys(&mut app, &[Key::Up; 4]);
    typed(&mut app, "openai:heavy");
    assert!(keys(&mut app, &[Key::Enter]).is_empty());
    let error = app.form.as_ref().and_then(|f| f.error.clone());
    assert_eq!(
        error.as_deref(),
        Some("providers: weight `heavy` in `openai:heavy` is not a number of 0 or more; use e.g. openai:0.8")
    );
    keys(&mut app, &[Key::Backspace; 12]);
    typed(&mut app, "openai:0.8:gpt-4o,gpt-4o-mini azure");
    let effects = keys(&mut app, &[Key::Enter, Key::Char('y')]);
    let Some(Effect::Act(Action::Create(Kind::VirtualKey, body))) = effects.first() else {
        panic!("expected a create, got {effects:?}");
    };
    assert_eq!(
        body["provider_configs"],
        json!([
            {"provider": "openai", "weight": 0.8, "allowed_models": ["gpt-4o", "gpt-4o-mini"]},
            {"provider": "azure", "weight": 1.0, "allowed_models": ["*"]},
        ])
    );
    // Editing shows them back in the same syntax.
    let key = json!({"id": "vk-9", "name": "routed", "provider_configs": body["provider_configs"]});
    let form = super::forms::virtual_key(Some(&key));
    assert_eq!(
        form.fields[11].value,
        "openai:0.8:gpt-4o,gpt-4o-mini azure:1"
    );
}

#[test]
fn vk_form_takes_per_provider_budgets_and_rate_limits_in_the_clis_syntax() {
    let mut app = fixture();
    app.screen = Screen::Keys;
    keys(&mut app, &[Key::Char('c')]);
    typed(&mut app, "capped");
    keys(&mut app, &[Key::Up; 4]);
    typed(&mut app, "openai azure");
    // Budgets, requests and tokens per minute per provider: a stranger and a bad amount, shown inline.
    keys(&mut app, &[Key::Down]);
    typed(&mut app, "openai:lots");
    keys(&mut app, &[Key::Down]);
    typed(&mut app, "groq:100");
    assert!(keys(&mut app, &[Key::Enter]).is_empty(), "nothing written");
    let error = app
        .form
        .as_ref()
        .and_then(|f| f.error.clone())
        .unwrap_or_default();
    assert!(
        error.contains(
            "prov budgets: budget `lots` in `openai:lots` is not a positive amount in USD"
        ),
        "{error}"
    );
    keys(&mut app, &[Key::Backspace; 8]);
    typed(&mut app, "azure:100");
    keys(&mut app, &[Key::Up]);
    keys(&mut app, &[Key::Backspace; 11]);
    typed(&mut app, "openai:50:1d");
    assert!(keys(&mut app, &[Key::Enter]).is_empty(), "asks first");
    let effects = keys(&mut app, &[Key::Char('y')]);
    let Some(Effect::Act(Action::Create(Kind::VirtualKey, body))) = effects.first() else {
        panic!("expected a create, got {effects:?}");
    };
    assert_eq!(
        body["provider_configs"],
        json!([
            {"provider": "openai", "weight": 1.0, "allowed_models": ["*"],
             "budgets": [{"max_limit": 50.0, "reset_duration": "1d"}]},
            {"provider": "azure", "weight": 1.0, "allowed_models": ["*"],
             "rate_limit": {"request_max_limit": 100, "request_reset_duration": "1m"}},
        ])
    );
    // Editing shows them back, so saving an edit keeps them.
    let key = json!({"id": "vk-9", "name": "capped", "provider_configs": body["provider_configs"]});
    let form = super::forms::virtual_key(Some(&key));
    let values: Vec<&str> = form.fields[12..].iter().map(|f| f.value.as_str()).collect();
    assert_eq!(values, ["openai:50:1d", "azure:100", ""]);
}

#[test]
fn esc_cancels_every_form_without_writing() {
    let opens: [(Screen, &[Key]); 9] = [
        (Screen::Keys, &[Key::Char('c')]),
        (Screen::Keys, &[Key::Char('e')]),
        (Screen::Keys, &[Key::Char('d')]),
        (Screen::Keys, &[Key::Char('r')]),
        (Screen::Keys, &[Key::Char('x')]),
        (Screen::Keys, &[Key::Char('v'), Key::Char('c')]),
        (Screen::Providers, &[Key::Char('a')]),
        (Screen::Providers, &[Key::Char('n')]),
        (Screen::Providers, &[Key::Down, Key::Char('d')]),
    ];
    for (screen, open) in opens {
        let mut app = fixture();
        app.screen = screen;
        assert!(
            keys(&mut app, open).is_empty(),
            "{open:?} wrote without asking"
        );
        assert!(app.form.is_some(), "{open:?} opened no form");
        typed(&mut app, "zz");
        let effects = keys(&mut app, &[Key::Esc, Key::Esc]);
        assert!(
            effects.is_empty() && app.form.is_none(),
            "{open:?}: {effects:?}"
        );
    }
}

#[test]
fn provider_forms_mask_secrets_and_build_the_cli_changes() {
    let mut app = fixture();
    app.screen = Screen::Providers;
    keys(&mut app, &[Key::Char('a')]);
    typed(&mut app, "groq");
    keys(&mut app, &[Key::Tab]);
    keys(&mut app, &[Key::Backspace; 6]);
    typed(&mut app, "nosuchtype");
    keys(&mut app, &[Key::Tab, Key::Tab, Key::Tab]);
    typed(&mut app, "sk-very-secret");
    assert!(keys(&mut app, &[Key::Enter]).is_empty());
    let shown = render(&app, 80, 24);
    assert!(
        !shown.contains("sk-very-secret") && shown.contains("**************"),
        "{shown}"
    );
    assert!(app
        .form
        .as_ref()
        .and_then(|f| f.error.as_deref())
        .is_some_and(|e| e.starts_with("type: ")));
    keys(&mut app, &[Key::Up, Key::Up, Key::Up]);
    keys(&mut app, &[Key::Backspace; 10]);
    typed(&mut app, "openai");
    keys(&mut app, &[Key::Enter]);
    let effects = keys(&mut app, &[Key::Char('y')]);
    let Some(Effect::Act(Action::AddProvider(doc))) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(doc.provider, "groq");
    assert_eq!(
        doc.keys[0].value,
        SecretValue::Literal("sk-very-secret".into())
    );

    // Editing the provider row changes its base URL and keeps its (masked) keys.
    let mut app = fixture();
    app.screen = Screen::Providers;
    keys(&mut app, &[Key::Char('e')]);
    typed(&mut app, "http://127.0.0.1:9/v1");
    keys(&mut app, &[Key::Enter]);
    let effects = keys(&mut app, &[Key::Enter]);
    let Some(Effect::Act(Action::UpdateProvider(doc))) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(doc.base_url.as_deref(), Some("http://127.0.0.1:9/v1"));
    assert_eq!(doc.keys.len(), 2);

    // A new key given as an env reference is shown as typed and stored as a reference.
    let mut app = fixture();
    app.screen = Screen::Providers;
    keys(&mut app, &[Key::Char('n'), Key::Tab]);
    typed(&mut app, "env.GROQ_KEY");
    assert!(render(&app, 80, 24).contains("env.GROQ_KEY"));
    keys(&mut app, &[Key::Enter]);
    let effects = keys(&mut app, &[Key::Enter]);
    let Some(Effect::Act(Action::AddKey(provider, key))) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        (provider.as_str(), &key.value),
        ("openai", &SecretValue::Env("GROQ_KEY".into()))
    );

    // Editing a key and leaving the value empty keeps the stored (masked) value.
    let mut app = fixture();
    app.screen = Screen::Providers;
    keys(
        &mut app,
        &[Key::Down, Key::Char('e'), Key::Tab, Key::Tab, Key::Tab],
    );
    keys(&mut app, &[Key::Backspace; 3]);
    typed(&mut app, "0.5");
    keys(&mut app, &[Key::Enter]);
    let effects = keys(&mut app, &[Key::Enter]);
    let Some(Effect::Act(Action::UpdateKey(p, old, key))) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        (p.as_str(), old.as_str(), key.weight),
        ("openai", "main", 0.5)
    );
    assert_eq!(key.value, SecretValue::Literal("sk-...wxyz".into()));
}

#[test]
fn org_forms_and_key_toggles_build_the_api_bodies() {
    let mut app = fixture();
    app.screen = Screen::Keys;
    keys(&mut app, &[Key::Char('v'), Key::Char('c')]);
    typed(&mut app, "platform-2");
    keys(&mut app, &[Key::Tab, Key::Tab]);
    typed(&mut app, "1y");
    keys(&mut app, &[Key::Enter]);
    let error = app
        .form
        .as_ref()
        .and_then(|f| f.error.clone())
        .unwrap_or_default();
    assert!(error.starts_with("budget resets: "), "{error}");
    keys(&mut app, &[Key::Backspace, Key::Backspace, Key::Enter]);
    let effects = keys(&mut app, &[Key::Enter]);
    assert!(
        matches!(effects.first(), Some(Effect::Act(Action::Create(Kind::Team, b))) if b["name"] == "platform-2"),
        "{effects:?}"
    );

    // `alice` sorts first by name and is disabled: x enables it after confirmation.
    let mut app = fixture();
    app.screen = Screen::Keys;
    let effects = keys(&mut app, &[Key::Char('x'), Key::Char('y')]);
    assert_eq!(
        effects,
        vec![Effect::Act(Action::Update(
            Kind::VirtualKey,
            "vk-2".into(),
            json!({"is_active": true})
        ))]
    );
    // Sorted by spend, `alice` (40) still leads `ci` (12.5); rotate asks first.
    let mut app = fixture();
    app.screen = Screen::Keys;
    keys(&mut app, &[Key::Char('s'), Key::Down]);
    let effects = keys(&mut app, &[Key::Char('r'), Key::Char('y')]);
    assert_eq!(effects, vec![Effect::Act(Action::Rotate("vk-1".into()))]);
}

#[test]
fn keys_switch_screens_filter_freeze_and_quit() {
    let mut app = fixture();
    keys(&mut app, &[Key::Char('2')]);
    assert_eq!(app.screen, Screen::Logs);
    let effects = keys(&mut app, &[Key::Char('/')]);
    assert!(effects.is_empty());
    typed(&mut app, "status=error q");
    assert_eq!(
        app.screen,
        Screen::Logs,
        "typing a filter does not switch or quit"
    );
    let effects = keys(&mut app, &[Key::Enter]);
    assert_eq!(
        effects,
        vec![Effect::Query(LogQuery {
            params: vec![
                ("status".into(), "error".into()),
                ("content_search".into(), "q".into())
            ]
        })]
    );
    keys(&mut app, &[Key::Char('p')]);
    app.update(Event::Data(Data::Logs(Avail::Ready(vec![record(99)]))));
    assert_eq!(
        app.logs.shown.ready().map(Vec::len),
        Some(40),
        "paused holds the table"
    );
    keys(&mut app, &[Key::Tab, Key::Tab]);
    assert_eq!(app.screen, Screen::Keys);
    keys(&mut app, &[Key::BackTab, Key::BackTab, Key::BackTab]);
    assert_eq!(app.screen, Screen::Overview);
    keys(&mut app, &[Key::Char('f'), Key::Char('+')]);
    let frozen = app.overview.shown().history.len();
    app.update(Event::Data(Data::Batch(second(0))));
    assert_eq!(
        app.overview.shown().history.len(),
        frozen,
        "frozen view holds still"
    );
    assert_eq!(app.overview.range, 1);
    keys(&mut app, &[Key::Char(':')]);
    typed(&mut app, "vk cr");
    keys(&mut app, &[Key::Tab, Key::Enter]);
    assert_eq!(app.screen, Screen::Keys);
    assert!(app
        .form
        .as_ref()
        .is_some_and(|f| f.title == "New virtual key"));
    keys(&mut app, &[Key::Esc]);
    assert_eq!(keys(&mut app, &[Key::Char('q')]), vec![Effect::Quit]);
}
