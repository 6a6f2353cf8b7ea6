//! Overview: live traffic as charts over a chosen range, spend, and the busiest
//! models and providers. Figures come from `/api/logs/stats` over a short window each
//! poll (aggregated by the server), never from pulling every record.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Sparkline, Table};
use ratatui::Frame;

use super::Reply;
use crate::tui::app::App;
use crate::tui::event::Key;
use crate::tui::model::{cell, ms, top_by, usd, Live, Ranked, Sample};

/// The overview's keys.
pub const KEYS: &[(&str, &str)] = &[
    ("+/-", "range: 1, 5, 15 or 60 minutes"),
    ("f", "freeze: hold the view still; f again resumes"),
];

/// Chart ranges in seconds: 1, 5, 15 and 60 minutes.
pub const RANGES: [usize; 4] = [60, 300, 900, 3600];

/// The overview's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overview {
    /// Samples as they arrive.
    pub live: Live,
    /// Copy shown while frozen (`f`), so the view holds still for reading.
    pub frozen: Option<Live>,
    /// Index into [`RANGES`].
    pub range: usize,
    /// The server has no stats endpoint (404).
    pub missing: bool,
    /// The live feed dropped: why, and seconds to the next try.
    pub dropped: Option<(String, u64)>,
}

impl Overview {
    /// Handles the overview's keys.
    pub fn key(&mut self, key: Key) -> Reply {
        match key {
            Key::Char('+') | Key::Char('=') => self.range = (self.range + 1).min(RANGES.len() - 1),
            Key::Char('-') => self.range = self.range.saturating_sub(1),
            Key::Char('f') => {
                self.frozen = match self.frozen {
                    Some(_) => None,
                    None => Some(self.live.clone()),
                }
            }
            _ => {}
        }
        Reply::Nothing
    }

    /// What the view shows: the frozen copy or the live one.
    pub fn shown(&self) -> &Live {
        self.frozen.as_ref().unwrap_or(&self.live)
    }
}

fn label(range: usize) -> String {
    let secs = RANGES[range.min(RANGES.len() - 1)];
    format!("{}m", secs / 60)
}

/// The last `range` samples squeezed into `width` columns (each the mean of its bucket).
fn series(live: &Live, range: usize, width: usize, f: impl Fn(&Sample) -> f64) -> Vec<u64> {
    let n = RANGES[range.min(RANGES.len() - 1)] / Live::EVERY_SECS;
    let skip = live.history.len().saturating_sub(n);
    let values: Vec<f64> = live.history.iter().skip(skip).map(&f).collect();
    if values.is_empty() || width == 0 {
        return Vec::new();
    }
    let per = values.len().div_ceil(width).max(1);
    values
        .chunks(per)
        .map(|c| (c.iter().sum::<f64>() / c.len() as f64).max(0.0).round() as u64)
        .collect()
}

/// Draws the overview.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let o = &app.overview;
    let live = o.shown();
    if live.history.is_empty() && live.now.is_none() {
        let text = if o.missing {
            "not available on this server: it has no /api/logs/stats"
        } else {
            "waiting for the first figures..."
        };
        f.render_widget(
            Paragraph::new(text).block(Block::bordered().title("Overview")),
            area,
        );
        return;
    }
    let now = live.now.clone().unwrap_or_default();
    let last = live.history.back().copied().unwrap_or_default();
    let frozen = if o.frozen.is_some() {
        "  [FROZEN: f resumes]"
    } else {
        ""
    };
    let figures = vec![
        Line::from(vec![
            Span::styled("req/s ", t.dim()),
            Span::raw(format!("{:<8.1}", last.rps)),
            Span::styled("errors ", t.dim()),
            Span::raw(format!("{:<7}", format!("{:.1}%", last.error_rate * 100.0))),
            Span::styled("in flight ", t.dim()),
            Span::raw(format!("{:<6}", cell(live.in_flight, 0))),
            Span::styled("tokens/s ", t.dim()),
            Span::raw(format!("{:.0}", last.tokens_per_s)),
        ]),
        Line::from(vec![
            Span::styled("latency p50/p95/p99 ", t.dim()),
            Span::raw(format!(
                "{}/{}/{} ms  ",
                ms(now.p50),
                ms(now.p95),
                ms(now.p99)
            )),
            Span::styled("TTFT ", t.dim()),
            Span::raw(format!(
                "{}/{}/{} ms",
                ms(now.ttft),
                ms(now.ttft_p95),
                ms(now.ttft_p99)
            )),
        ]),
        Line::from(vec![
            Span::styled("spend today ", t.dim()),
            Span::raw(format!("{:<10}", usd(live.today))),
            Span::styled("this month ", t.dim()),
            Span::raw(usd(live.month)),
            Span::styled(frozen, t.bad()),
        ]),
    ];
    let [top, charts, tables] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Min(6),
        Constraint::Length(7),
    ])
    .areas(area);
    let (title, style) = match &o.dropped {
        Some((reason, secs)) => (
            format!("Overview (live feed dropped: {reason}; reconnecting in {secs} s)"),
            t.bad(),
        ),
        None => (
            format!("Overview (last {}; +/- range, f freeze)", label(o.range)),
            t.title(),
        ),
    };
    f.render_widget(
        Paragraph::new(figures).block(Block::bordered().title(Line::styled(title, style))),
        top,
    );
    type Pick = fn(&Sample) -> f64;
    let specs: [(&str, Pick, String); 4] = [
        ("req/s", |s| s.rps * 10.0, format!("{:.1}", last.rps)),
        ("p95 ms", |s| s.p95, format!("{:.0}", last.p95)),
        (
            "errors %",
            |s| s.error_rate * 1000.0,
            format!("{:.1}", last.error_rate * 100.0),
        ),
        (
            "tokens/s",
            |s| s.tokens_per_s,
            format!("{:.0}", last.tokens_per_s),
        ),
    ];
    let wide = charts.width >= 120;
    let cells: Vec<Rect> = if wide {
        let rows = Layout::vertical([Constraint::Fill(1); 2]).split(charts);
        rows.iter()
            .flat_map(|r| {
                Layout::horizontal([Constraint::Fill(1); 2])
                    .split(*r)
                    .to_vec()
            })
            .collect()
    } else {
        Layout::vertical([Constraint::Fill(1); 4])
            .split(charts)
            .to_vec()
    };
    for ((name, pick, current), rect) in specs.into_iter().zip(cells) {
        let width = rect.width.saturating_sub(2) as usize;
        let data = series(live, o.range, width, pick);
        let block = Block::default()
            .borders(Borders::TOP)
            .title(Line::from(vec![
                Span::styled(format!("{name} "), t.title()),
                Span::raw(current),
            ]));
        f.render_widget(
            Sparkline::default()
                .block(block)
                .data(&data)
                .style(t.chart()),
            rect,
        );
    }
    let recent = &app.logs.latest;
    let batches = RANGES[o.range.min(RANGES.len() - 1)] / Live::EVERY_SECS;
    let [left, right] = Layout::horizontal([Constraint::Fill(1); 2]).areas(tables);
    for (rect, field, which, title) in [
        (left, "/model", Ranked::Models, "Top models"),
        (right, "/provider", Ranked::Providers, "Top providers"),
    ] {
        // Counted by the server over every request when the live feed is there; else
        // over the recent records the tail holds.
        let (top, over) = match live.top(which, batches, 5) {
            Some(top) => (top, format!("last {}", label(o.range))),
            None => (
                top_by(recent, field, 5),
                format!("last {} requests", recent.len()),
            ),
        };
        let rows = top
            .into_iter()
            .map(|(name, n, cost)| Row::new(vec![name, n.to_string(), usd(Some(cost))]));
        let table = Table::new(
            rows,
            [
                Constraint::Fill(1),
                Constraint::Length(6),
                Constraint::Length(9),
            ],
        )
        .header(Row::new(vec!["name", "reqs", "cost"]).style(t.dim()))
        .block(Block::bordered().title(Line::styled(format!("{title} ({over})"), t.title())));
        f.render_widget(table, rect);
    }
}
