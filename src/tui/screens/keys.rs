//! Virtual keys, teams and customers: budget and rate-limit use as gauges with their
//! reset times, sortable by spend; create, edit, enable/disable, rotate and delete
//! through the same admin operations as `bifrost vk ...`.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Gauge, Paragraph, Row, Table, TableState};
use ratatui::Frame;
use serde_json::{json, Value};

use super::{step, Reply};
use crate::admin::Kind;
use crate::tui::app::App;
use crate::tui::event::{Action, Key};
use crate::tui::form::Form;
use crate::tui::forms;
use crate::tui::model::{num, text, usd};

/// The keys screen's keys.
pub const KEYS: &[(&str, &str)] = &[
    ("c", "create"),
    ("e Enter", "edit"),
    ("x", "on/off: enable or disable the key"),
    ("r", "rotate: give the key a new value"),
    ("d", "delete"),
    ("s", "sort: by spend or by name"),
    ("v", "view: keys, teams, customers"),
];

/// The keys screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Keys {
    /// Which list is shown.
    pub kind: Kind,
    /// Virtual keys.
    pub keys: Vec<Value>,
    /// Usage by key id (`GET .../virtual-keys/{id}/usage`).
    pub usage: Vec<(String, Value)>,
    /// Teams.
    pub teams: Vec<Value>,
    /// Customers.
    pub customers: Vec<Value>,
    /// The selected row.
    pub selected: usize,
    /// Keys sorted by spend, highest first (else by name).
    pub by_spend: bool,
}

impl Default for Keys {
    fn default() -> Self {
        Keys {
            kind: Kind::VirtualKey,
            keys: Vec::new(),
            usage: Vec::new(),
            teams: Vec::new(),
            customers: Vec::new(),
            selected: 0,
            by_spend: false,
        }
    }
}

/// The key's own level (`levels[0]`, level `virtual_key`) of a usage answer.
fn own(usage: Option<&Value>) -> Option<&Value> {
    usage?.get("levels")?.as_array()?.first()
}

/// Spend and limit of a level's first budget.
fn budget(level: Option<&Value>) -> (Option<f64>, Option<f64>, &str) {
    let b = level.and_then(|l| l.pointer("/budgets/0"));
    (
        b.and_then(|b| num(b, &["/spent"])),
        b.and_then(|b| num(b, &["/max_limit"])),
        b.map_or("", |b| text(b, "/resets_at")),
    )
}

/// A text gauge for a table cell: readable without colour.
fn bar(used: f64, limit: f64, width: usize) -> String {
    let ratio = if limit > 0.0 {
        (used / limit).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let full = (ratio * width as f64).round() as usize;
    format!(
        "{}{} {:>3.0}%",
        "█".repeat(full),
        "░".repeat(width - full),
        ratio * 100.0
    )
}

impl Keys {
    /// Fresh data arrived.
    pub fn arrived(
        &mut self,
        keys: Vec<Value>,
        usage: Vec<(String, Value)>,
        teams: Vec<Value>,
        customers: Vec<Value>,
    ) {
        self.keys = keys;
        self.usage = usage;
        self.teams = teams;
        self.customers = customers;
        self.selected = self.selected.min(self.items().len().saturating_sub(1));
    }

    /// Shows one list.
    pub fn show(&mut self, kind: Kind) {
        self.kind = kind;
        self.selected = 0;
    }

    fn usage_of(&self, key: &Value) -> Option<&Value> {
        let id = text(key, "/id");
        self.usage.iter().find(|(k, _)| k == id).map(|(_, u)| u)
    }

    /// The objects of the shown list, in display order.
    pub fn items(&self) -> Vec<&Value> {
        let mut items: Vec<&Value> = match self.kind {
            Kind::VirtualKey => self.keys.iter().collect(),
            Kind::Team => self.teams.iter().collect(),
            Kind::Customer => self.customers.iter().collect(),
        };
        if self.by_spend && self.kind == Kind::VirtualKey {
            let spend = |k: &Value| budget(own(self.usage_of(k))).0.unwrap_or(0.0);
            items.sort_by(|a, b| spend(b).total_cmp(&spend(a)));
        } else {
            items.sort_by(|a, b| text(a, "/name").cmp(text(b, "/name")));
        }
        items
    }

    /// Handles the keys screen's keys.
    pub fn key(&mut self, key: Key) -> Reply {
        let items = self.items();
        let len = items.len();
        let current = items.get(self.selected).map(|v| (*v).clone());
        let kind = self.kind;
        let name = current
            .as_ref()
            .map(|c| text(c, "/name").to_string())
            .unwrap_or_default();
        let id = current
            .as_ref()
            .map(|c| text(c, "/id").to_string())
            .unwrap_or_default();
        match key {
            Key::Char('j') | Key::Down => step(&mut self.selected, len, true),
            Key::Char('k') | Key::Up => step(&mut self.selected, len, false),
            Key::Char('s') => self.by_spend = !self.by_spend,
            Key::Char('v') => {
                self.show(match kind {
                    Kind::VirtualKey => Kind::Team,
                    Kind::Team => Kind::Customer,
                    Kind::Customer => Kind::VirtualKey,
                });
            }
            Key::Char('c') => {
                return Reply::Form(match kind {
                    Kind::VirtualKey => forms::virtual_key(None),
                    k => forms::org(k, None),
                })
            }
            _ if current.is_none() => {}
            Key::Char('e') | Key::Enter => {
                return Reply::Form(match kind {
                    Kind::VirtualKey => forms::virtual_key(current.as_ref()),
                    k => forms::org(k, current.as_ref()),
                })
            }
            Key::Char('d') => {
                return Reply::Form(Form::confirm(
                    format!("Delete {}", kind.noun()),
                    format!("Delete {} `{name}`? This cannot be undone.", kind.noun()),
                    Action::Delete(kind, id),
                ))
            }
            Key::Char('r') if kind == Kind::VirtualKey => {
                return Reply::Form(Form::confirm(
                    "Rotate virtual key",
                    format!("Give `{name}` a new value? The old one stops working at once."),
                    Action::Rotate(id),
                ))
            }
            Key::Char('x') if kind == Kind::VirtualKey => {
                let active = current
                    .as_ref()
                    .and_then(|c| c.get("is_active"))
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                let verb = if active { "Disable" } else { "Enable" };
                return Reply::Form(Form::confirm(
                    format!("{verb} virtual key"),
                    format!("{verb} `{name}`?"),
                    Action::Update(Kind::VirtualKey, id, json!({"is_active": !active})),
                ));
            }
            _ => {}
        }
        Reply::Nothing
    }
}

fn key_row(k: &Keys, key: &Value, wide: bool) -> Row<'static> {
    let level = own(k.usage_of(key));
    let (spent, limit, resets) = budget(level);
    let gauge = match (spent, limit) {
        (Some(s), Some(l)) => format!("{} {}/{}", bar(s, l, 8), usd(Some(s)), usd(Some(l))),
        _ => "no budget".to_string(),
    };
    let rpm = level
        .and_then(|l| l.get("requests"))
        .map(|w| {
            format!(
                "{:.0}/{:.0}",
                num(w, &["/used"]).unwrap_or(0.0),
                num(w, &["/limit"]).unwrap_or(0.0)
            )
        })
        .unwrap_or_else(|| "-".to_string());
    let active = key
        .get("is_active")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let mut cells = vec![
        text(key, "/name").to_string(),
        if active { "on" } else { "OFF" }.to_string(),
        gauge,
        rpm,
    ];
    if wide {
        let models = key
            .get("allowed_models")
            .and_then(Value::as_array)
            .map(|m| {
                m.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        cells.push(resets.get(..16).unwrap_or(resets).replace('T', " "));
        cells.push(models);
        cells.push(text(key, "/team_id").to_string());
        cells.push(text(key, "/id").to_string());
    }
    Row::new(cells)
}

fn org_row(o: &Value) -> Row<'static> {
    let limit = num(o, &["/budgets/0/max_limit"]);
    let reset = text(o, "/budgets/0/reset_duration");
    Row::new(vec![
        text(o, "/name").to_string(),
        limit.map_or("no budget".to_string(), |l| {
            format!("{} per {reset}", usd(Some(l)))
        }),
        text(o, "/customer_id").to_string(),
        text(o, "/id").to_string(),
    ])
}

/// Draws the keys screen.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let k = &app.keys;
    let wide = area.width >= 120;
    let tabs: Vec<String> = [Kind::VirtualKey, Kind::Team, Kind::Customer]
        .iter()
        .map(|kind| {
            if *kind == k.kind {
                format!("[{}s]", kind.noun())
            } else {
                format!(" {}s ", kind.noun())
            }
        })
        .collect();
    let sort = if k.by_spend { "by spend" } else { "by name" };
    let title = format!("{} (v switches, sorted {sort})", tabs.join(" "));
    let items = k.items();
    let (rows, widths, header): (Vec<Row>, Vec<Constraint>, Vec<&str>) =
        if k.kind == Kind::VirtualKey {
            let mut widths = vec![
                Constraint::Fill(1),
                Constraint::Length(4),
                Constraint::Length(32),
                Constraint::Length(9),
            ];
            let mut header = vec!["name", "on", "budget", "req/min"];
            if wide {
                widths.extend([
                    Constraint::Length(17),
                    Constraint::Fill(1),
                    Constraint::Length(12),
                    Constraint::Length(24),
                ]);
                header.extend(["resets (UTC)", "models", "team", "id"]);
            }
            (
                items.iter().map(|v| key_row(k, v, wide)).collect(),
                widths,
                header,
            )
        } else {
            (
                items.iter().map(|v| org_row(v)).collect(),
                vec![
                    Constraint::Fill(1),
                    Constraint::Fill(1),
                    Constraint::Length(12),
                    Constraint::Length(24),
                ],
                vec!["name", "budget", "customer", "id"],
            )
        };
    let selected = items.get(k.selected).copied();
    let usage = selected
        .and_then(|s| k.usage_of(s))
        .filter(|_| k.kind == Kind::VirtualKey);
    let levels: Vec<&Value> = usage
        .and_then(|u| u.get("levels"))
        .and_then(Value::as_array)
        .map(|l| l.iter().collect())
        .unwrap_or_default();
    let gauges: Vec<(String, f64)> = levels.iter().flat_map(|l| gauge_lines(l)).collect();
    let count = gauges.len() as u16;
    let gauge_height = if count == 0 {
        0
    } else {
        (count + 2).min(area.height / 2)
    };
    let [list, detail] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(gauge_height)]).areas(area);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim()))
        .row_highlight_style(t.selected())
        .block(Block::bordered().title(Line::styled(title, t.title())));
    let mut state = TableState::default().with_selected(Some(k.selected));
    f.render_stateful_widget(table, list, &mut state);
    if gauge_height > 0 {
        let block = Block::bordered().title(Line::styled(
            format!("Limits of {}", selected.map_or("", |s| text(s, "/name"))),
            t.title(),
        ));
        let inner = block.inner(detail);
        f.render_widget(block, detail);
        for ((label, ratio), y) in gauges.into_iter().zip(inner.y..inner.y + inner.height) {
            let rect = Rect {
                x: inner.x,
                y,
                width: inner.width,
                height: 1,
            };
            f.render_widget(
                Gauge::default()
                    .ratio(ratio)
                    .label(label)
                    .gauge_style(t.chart()),
                rect,
            );
        }
    }
    if items.is_empty() {
        let hint = format!("no {}s yet: press c to create one", k.kind.noun());
        let inner = Block::bordered().inner(list);
        let rect = Rect {
            y: inner.y + 1,
            height: 1,
            ..inner
        };
        f.render_widget(Paragraph::new(hint).style(t.dim()), rect);
    }
}

/// One gauge per budget and rate-limit window of a usage level, with its reset time.
fn gauge_lines(level: &Value) -> Vec<(String, f64)> {
    let who = format!("{} {}", text(level, "/level"), text(level, "/name"));
    let mut out = Vec::new();
    for b in level
        .get("budgets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let spent = num(b, &["/spent"]).unwrap_or(0.0);
        let max = num(b, &["/max_limit"]).unwrap_or(0.0);
        let ratio = if max > 0.0 {
            (spent / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out.push((
            format!(
                "{who}: {} of {} per {}, resets {}",
                usd(Some(spent)),
                usd(Some(max)),
                text(b, "/reset_duration"),
                text(b, "/resets_at")
            ),
            ratio,
        ));
    }
    for (field, unit) in [("requests", "requests"), ("tokens", "tokens")] {
        if let Some(w) = level.get(field) {
            let used = num(w, &["/used"]).unwrap_or(0.0);
            let limit = num(w, &["/limit"]).unwrap_or(0.0);
            let ratio = if limit > 0.0 {
                (used / limit).clamp(0.0, 1.0)
            } else {
                0.0
            };
            out.push((
                format!(
                    "{who}: {used:.0}/{limit:.0} {unit} per {}, resets {}",
                    text(w, "/reset_duration"),
                    text(w, "/resets_at")
                ),
                ratio,
            ));
        }
    }
    out
}
