//! Providers: one row per provider and per key (secrets masked), health when the
//! server reports it, share of recent traffic; add, edit, remove and test through the
//! same admin operations as `bifrost provider ...`.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Row, Table, TableState};
use ratatui::Frame;
use serde_json::Value;

use super::{step, Reply};
use crate::admin::ProviderDoc;
use crate::tui::app::App;
use crate::tui::event::{Action, Effect, Key};
use crate::tui::form::Form;
use crate::tui::forms;
use crate::tui::model::{cell, num, text, Avail};

/// The providers screen's keys.
pub const KEYS: &[(&str, &str)] = &[
    ("a", "add provider"),
    ("n", "new key: for the selected provider"),
    ("e Enter", "edit: the provider's base URL, or the key"),
    ("d", "delete: the provider or the key"),
    ("t", "test: one chat through the provider"),
];

/// The providers screen's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Providers {
    /// Providers with their health (`Missing` when the server has no health API).
    pub list: Vec<(ProviderDoc, Avail<Value>)>,
    /// Selected row of [`Providers::rows`].
    pub selected: usize,
}

/// A row: a provider, or one of its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    /// Index of the provider.
    pub provider: usize,
    /// Index of the key, for key rows.
    pub key: Option<usize>,
}

impl Providers {
    /// Fresh data arrived.
    pub fn arrived(&mut self, list: Vec<(ProviderDoc, Avail<Value>)>) {
        self.list = list;
        self.selected = self.selected.min(self.rows().len().saturating_sub(1));
    }

    /// Every row in display order.
    pub fn rows(&self) -> Vec<RowRef> {
        let mut rows = Vec::new();
        for (p, (doc, _)) in self.list.iter().enumerate() {
            rows.push(RowRef {
                provider: p,
                key: None,
            });
            rows.extend((0..doc.keys.len()).map(|k| RowRef {
                provider: p,
                key: Some(k),
            }));
        }
        rows
    }

    /// Handles the providers screen's keys.
    pub fn key(&mut self, key: Key) -> Reply {
        let rows = self.rows();
        let current = rows.get(self.selected).copied();
        let doc = current
            .and_then(|r| self.list.get(r.provider))
            .map(|(d, _)| d);
        match key {
            Key::Char('j') | Key::Down => step(&mut self.selected, rows.len(), true),
            Key::Char('k') | Key::Up => step(&mut self.selected, rows.len(), false),
            Key::Char('a') => return Reply::Form(forms::provider()),
            Key::Char('n') => {
                if let Some(doc) = doc {
                    return Reply::Form(forms::provider_key(&doc.provider, None));
                }
            }
            Key::Char('e') | Key::Enter => match (doc, current.and_then(|r| r.key)) {
                (Some(doc), Some(k)) => {
                    return Reply::Form(forms::provider_key(&doc.provider, doc.keys.get(k)))
                }
                (Some(doc), None) => return Reply::Form(forms::provider_edit(doc)),
                _ => {}
            },
            Key::Char('d') => {
                if let (Some(doc), Some(r)) = (doc, current) {
                    let name = doc.provider.clone();
                    return Reply::Form(match r.key.and_then(|k| doc.keys.get(k)) {
                        Some(k) => Form::confirm(
                            "Remove key",
                            format!("Remove key `{}` from provider `{name}`?", k.name),
                            Action::RemoveKey(name, k.name.clone()),
                        ),
                        None => Form::confirm(
                            "Delete provider",
                            format!("Delete provider `{name}` and all its keys?"),
                            Action::RemoveProvider(name),
                        ),
                    });
                }
            }
            Key::Char('t') => {
                if let Some(doc) = doc {
                    return Reply::Effect(Effect::Act(Action::TestProvider(doc.provider.clone())));
                }
            }
            _ => {}
        }
        Reply::Nothing
    }
}

fn health(h: &Avail<Value>) -> String {
    match h {
        Avail::Waiting => "...".to_string(),
        Avail::Missing => "n/a".to_string(),
        Avail::Ready(v) => {
            let state = [
                text(v, "/state"),
                text(v, "/breaker"),
                text(v, "/status"),
                text(v, "/circuit"),
            ]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or("ok");
            let err = num(v, &["/error_rate"])
                .map(|r| format!(" err {:.0}%", r * 100.0))
                .unwrap_or_default();
            let lat = num(v, &["/latency_ms", "/latency_p50_ms", "/p50_latency_ms"])
                .map(|l| format!(" {l:.0}ms"))
                .unwrap_or_default();
            format!("{state}{err}{lat}")
        }
    }
}

fn share(recent: &[Value], provider: &str, key: Option<&str>) -> String {
    if recent.is_empty() {
        return "-".to_string();
    }
    let n = recent
        .iter()
        .filter(|r| {
            text(r, "/provider") == provider && key.is_none_or(|k| text(r, "/key_name") == k)
        })
        .count();
    format!("{:.0}%", n as f64 * 100.0 / recent.len() as f64)
}

/// Draws the providers screen.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let p = &app.providers;
    let recent = &app.logs.latest;
    let wide = area.width >= 120;
    let rows = p.rows().into_iter().filter_map(|r| {
        let (doc, h) = p.list.get(r.provider)?;
        Some(match r.key.and_then(|k| doc.keys.get(k)) {
            None => {
                let mut cells = vec![
                    doc.provider.clone(),
                    doc.kind.as_str().to_string(),
                    format!("{} key(s)", doc.keys.len()),
                    String::new(),
                    String::new(),
                    health(h),
                    share(recent, &doc.provider, None),
                ];
                if wide {
                    cells.push(doc.base_url.clone().unwrap_or_default());
                }
                Row::new(cells).style(t.title())
            }
            Some(k) => {
                let models = if k.models.is_empty() {
                    "*".to_string()
                } else {
                    k.models.join(",")
                };
                let mut cells = vec![
                    format!("  └ {}", k.name),
                    k.value.masked(),
                    models,
                    cell(Some(k.weight), 2),
                    String::new(),
                    String::new(),
                    share(recent, &doc.provider, Some(&k.name)),
                ];
                if wide {
                    cells.push(String::new());
                }
                Row::new(cells)
            }
        })
    });
    let mut widths = vec![
        Constraint::Fill(2),
        Constraint::Length(14),
        Constraint::Fill(2),
        Constraint::Length(6),
        Constraint::Length(1),
        Constraint::Length(22),
        Constraint::Length(6),
    ];
    let mut header = vec![
        "provider / key",
        "type / secret",
        "models",
        "weight",
        "",
        "health",
        "share",
    ];
    if wide {
        widths.push(Constraint::Fill(2));
        header.push("base url");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim()))
        .row_highlight_style(t.selected())
        .block(Block::bordered().title(Line::styled(
            format!("Providers ({})", p.list.len()),
            t.title(),
        )));
    let mut state = TableState::default().with_selected(Some(p.selected));
    f.render_stateful_widget(table, area, &mut state);
}
