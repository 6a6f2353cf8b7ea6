//! Settings: the `[client]` settings the server exposes through the management API.
//! Today's servers expose none (`GET /api/settings` answers 404), so the screen says
//! so and shows what it can; it becomes editable once the API exists.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use crate::tui::app::App;
use crate::tui::model::Avail;

/// The settings screen's keys.
pub const KEYS: &[(&str, &str)] = &[];

/// Draws the settings screen.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = app.theme;
    let mut lines = vec![
        Line::from(format!("attached to: {}", app.server)),
        Line::from(""),
    ];
    match &app.settings {
        Avail::Waiting => lines.push(Line::from("loading...")),
        Avail::Missing => {
            lines.push(Line::styled(
                "not available on this server: it exposes no client settings (GET /api/settings).",
                t.bad(),
            ));
            lines.push(Line::from(
                "Read-only here: change [client] in bifrost.toml and restart the server.",
            ));
        }
        Avail::Ready(v) => {
            let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
            lines.extend(pretty.lines().map(|l| Line::from(l.to_string())));
            lines.push(Line::from(""));
            lines.push(Line::styled(
                "read-only: edit [client] in bifrost.toml",
                t.dim(),
            ));
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Line::styled("Settings", t.title()))),
        area,
    );
}
