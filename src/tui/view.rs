//! The view: a pure function of [`App`]. Header with the screen tabs, an optional
//! lost-server banner, the screen, and a footer with the keys that matter; forms, the
//! command line, help and a new key's value draw over it.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::app::App;
use super::event::Outcome;
use super::form::Form;
use super::screens::{self, Screen, GLOBAL_KEYS};

/// Draws the whole dashboard.
pub fn draw(f: &mut Frame, app: &App) {
    let t = app.theme;
    let banner = u16::from(app.lost.is_some());
    let [header, lost, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let mut tabs = vec![Span::styled("bifrost top ", t.title())];
    for (i, s) in Screen::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, s.title());
        tabs.push(if *s == app.screen {
            Span::styled(label, t.selected())
        } else {
            Span::raw(label)
        });
    }
    f.render_widget(Paragraph::new(Line::from(tabs)), header);
    if let Some((reason, secs)) = &app.lost {
        let text = format!(" server lost: {reason}; reconnecting in {secs}s ");
        f.render_widget(Paragraph::new(text).style(t.bad()), lost);
    }
    match app.screen {
        Screen::Overview => screens::overview::draw(f, body, app),
        Screen::Logs => screens::logs::draw(f, body, app),
        Screen::Providers => screens::providers::draw(f, body, app),
        Screen::Keys => screens::keys::draw(f, body, app),
        Screen::Settings => screens::settings::draw(f, body, app),
    }
    let status_line = match &app.status {
        Some(Outcome::Ok { message, .. }) => Line::styled(message.clone(), t.good()),
        Some(Outcome::Failed(message)) => Line::styled(message.clone(), t.bad()),
        None => Line::styled(app.server.clone(), t.dim()),
    };
    f.render_widget(Paragraph::new(status_line), status);
    if let Some(line) = &app.cmdline {
        let hint = line.matches().join("  ");
        let text = Line::from(vec![
            Span::raw(format!(":{}_  ", line.input)),
            Span::styled(hint, t.dim()),
        ]);
        f.render_widget(Paragraph::new(text), footer);
    } else {
        let mut spans = Vec::new();
        for (k, what) in app
            .screen
            .keys()
            .iter()
            .take(4)
            .chain([("?", "help"), (":", "cmd"), ("q", "quit")].iter())
        {
            // One line: each key's first name and its label's short form (before
            // the ": ..." detail that only the help overlay shows).
            let k = k.split(' ').next().unwrap_or(k);
            let what = what.split(':').next().unwrap_or(what);
            spans.push(Span::styled(k.to_string(), t.title()));
            spans.push(Span::raw(format!(" {what}  ")));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), footer);
    }
    if app.help {
        help(f, app);
    }
    if let Some(form) = &app.form {
        draw_form(f, app, form);
    }
    if let Some(secret) = &app.secret {
        let area = popup(f.area(), 76, 8);
        let lines = vec![
            Line::from("The new key's value. It is shown this once and cannot be read back:"),
            Line::from(""),
            Line::styled(secret.clone(), t.title()),
            Line::from(""),
            Line::styled(
                "Copy it now (select it with the mouse), then press Enter.",
                t.dim(),
            ),
        ];
        f.render_widget(Clear, area);
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title("Store this key")),
            area,
        );
    }
}

/// A rectangle of at most `w` x `h`, centred in `area`.
fn popup(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    r
}

fn help(f: &mut Frame, app: &App) {
    let t = app.theme;
    let mut lines = vec![Line::styled(
        format!("{} keys", app.screen.title()),
        t.title(),
    )];
    let row = |(k, what): &(&str, &str)| {
        Line::from(vec![
            Span::styled(format!("{k:<16}"), t.title()),
            Span::raw(what.to_string()),
        ])
    };
    lines.extend(app.screen.keys().iter().map(row));
    lines.push(Line::from(""));
    lines.push(Line::styled("Everywhere", t.title()));
    lines.extend(GLOBAL_KEYS.iter().map(row));
    let area = popup(f.area(), 64, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title("Help (Esc closes)")),
        area,
    );
}

fn draw_form(f: &mut Frame, app: &App, form: &Form) {
    let t = app.theme;
    let mut lines = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus && !form.confirming;
        let value = format!("{}{}", field.shown(), if focused { "_" } else { "" });
        let label = Span::styled(
            format!("{:>14}: ", field.label),
            if focused { t.selected() } else { t.title() },
        );
        lines.push(Line::from(vec![
            label,
            Span::raw(format!("{value:<24} ")),
            Span::styled(field.hint, t.dim()),
        ]));
    }
    lines.push(Line::from(""));
    if let Some(e) = &form.error {
        lines.push(Line::styled(format!("✗ {e}"), t.bad()));
    }
    lines.push(if form.busy {
        Line::from("saving...")
    } else if form.confirming {
        Line::styled(
            format!("{}  y/Enter: yes   n/Esc: no", form.question),
            t.title(),
        )
    } else {
        Line::styled(
            "Tab/↑↓ move   Enter: review and confirm   Esc: cancel (nothing is saved)",
            t.dim(),
        )
    });
    let width = f.area().width.saturating_sub(4).min(100);
    let area = popup(f.area(), width, lines.len() as u16 + 4);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Line::styled(form.title.clone(), t.title()))),
        area,
    );
}
