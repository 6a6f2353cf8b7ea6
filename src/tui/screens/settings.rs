//! Settings: the `[client]` settings of `GET /api/config`, one row each, saying
//! whether a change applies at once, waits for a restart, or belongs to bifrost.toml.
//! Enter edits one through a form that asks before writing; the server's refusal (a
//! bad value, a key the file declares) comes back into the form as it was left.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use serde_json::Value;

use super::{step, Reply};
use crate::admin::SettingsDoc;
use crate::tui::app::App;
use crate::tui::event::Key;
use crate::tui::forms;
use crate::tui::model::Avail;

/// The settings screen's keys.
pub const KEYS: &[(&str, &str)] = &[("e Enter", "edit the setting (asks before saving)")];

/// The settings screen's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// `GET /api/config`, when fetched.
    pub doc: Avail<SettingsDoc>,
    /// The selected row.
    pub selected: usize,
}

use crate::admin::settings::shown;

impl Settings {
    fn rows(&self) -> Vec<(&String, &Value)> {
        self.doc
            .ready()
            .map(|d| d.client_config.iter().collect())
            .unwrap_or_default()
    }

    /// Handles a key on the settings screen.
    pub fn key(&mut self, key: Key) -> Reply {
        let rows = self.rows();
        let len = rows.len();
        let current = rows
            .get(self.selected)
            .map(|(k, v)| ((*k).clone(), (*v).clone()));
        match key {
            Key::Char('j') | Key::Down => step(&mut self.selected, len, true),
            Key::Char('k') | Key::Up => step(&mut self.selected, len, false),
            Key::Char('e') | Key::Enter => {
                if let Some((name, value)) = current {
                    return Reply::Form(forms::setting(&name, &value));
                }
            }
            _ => {}
        }
        Reply::Nothing
    }
}

fn applies(doc: &SettingsDoc, key: &str) -> &'static str {
    if doc.from_file.iter().any(|k| k == key) {
        "bifrost.toml"
    } else if doc.live.iter().any(|k| k == key) {
        "at once"
    } else {
        "on restart"
    }
}

/// Draws the settings screen.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let s = &app.settings;
    let block = Block::bordered().title(Line::styled("Settings [client]", t.title()));
    let doc = match &s.doc {
        Avail::Ready(doc) => doc,
        waiting_or_missing => {
            let lines = if *waiting_or_missing == Avail::Waiting {
                vec![Line::from("loading...")]
            } else {
                vec![
                    Line::styled(
                        "not available on this server: it has no settings API (GET /api/config).",
                        t.bad(),
                    ),
                    Line::from("Change [client] in bifrost.toml and restart the server."),
                ]
            };
            f.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .block(block),
                area,
            );
            return;
        }
    };
    let note = if doc.restart_required {
        Line::styled(
            "a saved change waits for a restart of the server to apply",
            t.bad(),
        )
    } else {
        Line::styled(
            "Enter edits; keys from bifrost.toml are changed there",
            t.dim(),
        )
    };
    let [list, foot] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let rows: Vec<Row> = s
        .rows()
        .into_iter()
        .map(|(k, v)| Row::new(vec![k.clone(), shown(v), applies(doc, k).to_string()]))
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(26),
            Constraint::Fill(1),
            Constraint::Length(12),
        ],
    )
    .header(Row::new(vec!["setting", "value", "applies"]).style(t.dim()))
    .row_highlight_style(t.selected())
    // Seen without colour too (NO_COLOR, a light terminal).
    .highlight_symbol("> ")
    .block(block);
    let mut state = TableState::default().with_selected(Some(s.selected));
    f.render_stateful_widget(table, list, &mut state);
    f.render_widget(Paragraph::new(note), foot);
}
