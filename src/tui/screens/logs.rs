//! Logs: a live tail of requests with `/` filters, pause, and a scrollable detail
//! pane showing the whole record (`GET /api/logs/{id}`) pretty-printed.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use serde_json::Value;

use super::{step, Reply};
use crate::tui::app::App;
use crate::tui::event::{Effect, Key, LogQuery};
use crate::tui::model::{ms, num, text, usd, Avail};

/// The log screen's keys.
pub const KEYS: &[(&str, &str)] = &[
    (
        "/",
        "filter: provider= model= status= vk= min_latency= text",
    ),
    ("p space", "pause: and resume"),
    ("Enter", "open: the whole record"),
    ("j/k PgUp/PgDn", "scroll the record"),
    ("Esc", "close the record / clear the filter"),
];

/// Filter words and the `/api/logs` parameters they set.
const FILTERS: &[(&str, &str)] = &[
    ("provider", "providers"),
    ("model", "models"),
    ("status", "status"),
    ("vk", "virtual_key_ids"),
    ("min_latency", "min_latency"),
    ("max_latency", "max_latency"),
];

/// The log screen's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Logs {
    /// The newest records as fetched (the overview's top lists read these too).
    pub latest: Vec<Value>,
    /// What the table shows: `latest`, held still while paused.
    pub shown: Avail<Vec<Value>>,
    /// Paused: new records are fetched but not shown.
    pub paused: bool,
    /// The selected row.
    pub selected: usize,
    /// The filter in force, as typed.
    pub filter: String,
    /// The filter being typed (`/`), when open.
    pub editing: Option<String>,
    /// A problem with the last filter typed.
    pub filter_error: Option<String>,
    /// The record open in the detail pane.
    pub detail: Option<Avail<Value>>,
    /// The detail pane's scroll offset, in lines.
    pub scroll: u16,
    /// The live feed dropped: why, and seconds to the next try.
    pub dropped: Option<(String, u64)>,
}

/// How many records the tail keeps as they stream in.
pub const KEEP: usize = 1000;

/// Turns `provider=openai status=error some words` into `/api/logs` parameters.
pub fn parse_filter(filter: &str) -> Result<LogQuery, String> {
    let mut params = Vec::new();
    let mut words = Vec::new();
    for word in filter.split_whitespace() {
        match word.split_once('=') {
            Some((k, v)) => {
                let Some((_, param)) = FILTERS.iter().find(|(name, _)| *name == k) else {
                    let known: Vec<&str> = FILTERS.iter().map(|(n, _)| *n).collect();
                    return Err(format!("unknown filter `{k}`; use {}", known.join("= ")));
                };
                params.push((param.to_string(), v.to_string()));
            }
            None => words.push(word),
        }
    }
    if !words.is_empty() {
        params.push(("content_search".to_string(), words.join(" ")));
    }
    Ok(LogQuery { params })
}

impl Logs {
    /// New records arrived.
    pub fn arrived(&mut self, rows: Avail<Vec<Value>>) {
        self.dropped = None;
        if let Avail::Ready(r) = &rows {
            self.latest.clone_from(r);
        }
        if !self.paused || matches!(self.shown, Avail::Waiting) {
            self.shown = rows;
        }
    }

    /// New records from the live feed (newest first) go on top. While paused they are
    /// kept but not shown until resumed; the selection stays on the row it was on.
    pub fn streamed(&mut self, records: Vec<Value>) {
        self.dropped = None;
        if records.is_empty() {
            return;
        }
        let n = records.len();
        self.latest.splice(0..0, records.iter().cloned());
        self.latest.truncate(KEEP);
        if self.paused {
            return;
        }
        match &mut self.shown {
            Avail::Ready(rows) => {
                rows.splice(0..0, records);
                rows.truncate(KEEP);
                if self.selected > 0 {
                    self.selected = (self.selected + n).min(rows.len() - 1);
                }
            }
            shown => *shown = Avail::Ready(records),
        }
    }

    /// Whether the screen takes every key (typing a filter, reading a record).
    pub fn captures(&self) -> bool {
        self.editing.is_some() || self.detail.is_some()
    }

    fn rows(&self) -> &[Value] {
        self.shown.ready().map_or(&[], |v| v.as_slice())
    }

    /// Handles the log screen's keys.
    pub fn key(&mut self, key: Key) -> Reply {
        if let Some(typed) = self.editing.as_mut() {
            match key {
                Key::Esc => self.editing = None,
                Key::Backspace => {
                    typed.pop();
                }
                Key::Char(c) => typed.push(c),
                Key::Enter => {
                    let typed = typed.clone();
                    match parse_filter(&typed) {
                        Ok(q) => {
                            self.filter = typed;
                            self.editing = None;
                            self.filter_error = None;
                            self.selected = 0;
                            return Reply::Effect(Effect::Query(q));
                        }
                        Err(e) => self.filter_error = Some(e),
                    }
                }
                _ => {}
            }
            return Reply::Nothing;
        }
        if self.detail.is_some() {
            match key {
                Key::Esc | Key::Char('q') | Key::Enter => {
                    self.detail = None;
                    self.scroll = 0;
                }
                Key::Char('j') | Key::Down => self.scroll = self.scroll.saturating_add(1),
                Key::Char('k') | Key::Up => self.scroll = self.scroll.saturating_sub(1),
                Key::PageDown | Key::Char(' ') => self.scroll = self.scroll.saturating_add(10),
                Key::PageUp => self.scroll = self.scroll.saturating_sub(10),
                _ => {}
            }
            return Reply::Nothing;
        }
        let len = self.rows().len();
        match key {
            Key::Char('/') => self.editing = Some(self.filter.clone()),
            Key::Char('p') | Key::Char(' ') => {
                self.paused = !self.paused;
                if !self.paused {
                    self.shown = Avail::Ready(self.latest.clone());
                }
            }
            Key::Char('j') | Key::Down => step(&mut self.selected, len, true),
            Key::Char('k') | Key::Up => step(&mut self.selected, len, false),
            Key::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                return Reply::Effect(Effect::Query(LogQuery::default()));
            }
            Key::Enter => {
                let id = self
                    .rows()
                    .get(self.selected)
                    .map(|r| text(r, "/id").to_string());
                if let Some(id) = id.filter(|id| !id.is_empty()) {
                    self.detail = Some(Avail::Waiting);
                    self.scroll = 0;
                    return Reply::Effect(Effect::Record(id));
                }
            }
            _ => {}
        }
        Reply::Nothing
    }
}

fn clock(ts: &str) -> &str {
    ts.get(11..19).unwrap_or(ts)
}

/// Draws the log screen.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let l = &app.logs;
    let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let bar_text = match (&l.editing, &l.filter_error) {
        (Some(typed), Some(e)) => Line::from(format!("/{typed}_   {e}")).style(t.bad()),
        (Some(typed), None) => Line::from(format!("/{typed}_   (Enter applies, Esc cancels)")),
        (None, _) => Line::from(format!(
            "filter: {}{}",
            if l.filter.is_empty() {
                "none (/ to set)"
            } else {
                &l.filter
            },
            if l.paused {
                "   [PAUSED: p resumes]"
            } else {
                ""
            }
        )),
    };
    f.render_widget(Paragraph::new(bar_text), bar);
    if let Some(detail) = &l.detail {
        let body_text = match detail {
            Avail::Waiting => "loading...".to_string(),
            Avail::Missing => {
                "not available on this server (no /api/logs/{id}, or the record is gone)"
                    .to_string()
            }
            Avail::Ready(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
        };
        f.render_widget(
            Paragraph::new(body_text)
                .wrap(Wrap { trim: false })
                .scroll((l.scroll, 0))
                .block(
                    Block::bordered()
                        .title(Line::styled("Record (j/k scroll, Esc closes)", t.title())),
                ),
            body,
        );
        return;
    }
    if let Avail::Missing = l.shown {
        f.render_widget(
            Paragraph::new("not available on this server: it has no /api/logs")
                .block(Block::bordered().title("Logs")),
            body,
        );
        return;
    }
    let wide = body.width >= 120;
    let rows = l.rows().iter().map(|r| {
        let status = match (text(r, "/status"), num(r, &["/http_status"])) {
            (s, Some(code)) => format!("{} {code:.0}", if s.is_empty() { "?" } else { s }),
            (s, None) => s.to_string(),
        };
        let tokens =
            num(r, &["/input_tokens"]).unwrap_or(0.0) + num(r, &["/output_tokens"]).unwrap_or(0.0);
        let mut cells = vec![
            clock(text(r, "/timestamp")).to_string(),
            status,
            format!("{}/{}", text(r, "/provider"), text(r, "/model")),
            format!("{} ms", ms(num(r, &["/latency_ms", "/latency"]))),
            format!("{tokens:.0}"),
            usd(num(r, &["/cost"])),
        ];
        if wide {
            cells.push(text(r, "/virtual_key_name").to_string());
            cells.push(text(r, "/error_message").to_string());
            cells.push(text(r, "/id").to_string());
        }
        let style = if text(r, "/status") == "error" {
            t.bad()
        } else {
            Default::default()
        };
        Row::new(cells).style(style)
    });
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Length(11),
        Constraint::Fill(2),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(9),
    ];
    let mut header = vec![
        "time",
        "status",
        "provider/model",
        "latency",
        "tokens",
        "cost",
    ];
    if wide {
        widths.extend([
            Constraint::Length(14),
            Constraint::Fill(2),
            Constraint::Length(34),
        ]);
        header.extend(["vk", "error", "id"]);
    }
    let title = match &l.dropped {
        Some((reason, secs)) => format!(
            "Logs ({} newest; live feed dropped: {reason}; reconnecting in {secs} s)",
            l.rows().len()
        ),
        None => format!("Logs ({} newest; Enter opens)", l.rows().len()),
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim()))
        .row_highlight_style(t.selected())
        .block(Block::bordered().title(Line::styled(
            title,
            if l.dropped.is_some() {
                t.bad()
            } else {
                t.title()
            },
        )));
    let mut state = TableState::default().with_selected(Some(l.selected));
    f.render_stateful_widget(table, body, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_the_log_api_parameters() {
        let q = parse_filter("provider=openai status=error timeout again").unwrap();
        assert_eq!(
            q.params,
            vec![
                ("providers".into(), "openai".into()),
                ("status".into(), "error".into()),
                ("content_search".into(), "timeout again".into()),
            ]
        );
        assert!(parse_filter("colour=red")
            .unwrap_err()
            .contains("unknown filter `colour`"));
    }
}
