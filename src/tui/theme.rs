//! Styles. Everything that matters is carried by text or by bold/reverse, so the
//! screens read the same on light and dark backgrounds and with `NO_COLOR` set
//! (<https://no-color.org>); colour only adds emphasis.

use ratatui::style::{Color, Modifier, Style};

/// The dashboard's styles, with or without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty.
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    /// Without colour (tests, `NO_COLOR`).
    pub fn plain() -> Theme {
        Theme { color: false }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    /// Titles and headers.
    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The selected row or tab: reverse video, visible without colour.
    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// Failures and the lost-server banner.
    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Success.
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    /// Secondary text (hints, units).
    pub fn dim(self) -> Style {
        if self.color {
            Style::default().add_modifier(Modifier::DIM)
        } else {
            Style::default()
        }
    }

    /// Charts and gauges.
    pub fn chart(self) -> Style {
        self.fg(Color::Yellow)
    }
}
