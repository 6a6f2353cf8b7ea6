//! One module per screen: its state, its keys, and its drawing.

pub mod keys;
pub mod logs;
pub mod overview;
pub mod providers;
pub mod settings;

use super::event::Effect;
use super::form::Form;
use crate::admin::Kind;

/// The screens, in tab order (number keys 1-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Live traffic.
    Overview,
    /// The request log.
    Logs,
    /// Providers and keys.
    Providers,
    /// Virtual keys, teams, customers.
    Keys,
    /// Client settings.
    Settings,
}

impl Screen {
    /// Every screen, in tab order.
    pub const ALL: [Screen; 5] = [
        Screen::Overview,
        Screen::Logs,
        Screen::Providers,
        Screen::Keys,
        Screen::Settings,
    ];

    /// Its tab label.
    pub fn title(self) -> &'static str {
        match self {
            Screen::Overview => "Overview",
            Screen::Logs => "Logs",
            Screen::Providers => "Providers",
            Screen::Keys => "Virtual keys",
            Screen::Settings => "Settings",
        }
    }

    /// The next screen (Tab).
    pub fn next(self) -> Screen {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The previous screen (Shift-Tab).
    pub fn prev(self) -> Screen {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    /// The screen a `:` command names, and for the keys screen which list.
    pub fn named(name: &str) -> Option<(Screen, Option<Kind>)> {
        Some(match name {
            "overview" => (Screen::Overview, None),
            "logs" => (Screen::Logs, None),
            "providers" => (Screen::Providers, None),
            "vk" => (Screen::Keys, Some(Kind::VirtualKey)),
            "teams" => (Screen::Keys, Some(Kind::Team)),
            "customers" => (Screen::Keys, Some(Kind::Customer)),
            "settings" => (Screen::Settings, None),
            _ => return None,
        })
    }

    /// The screen's own keys, for the help overlay (the footer shows the first few).
    pub fn keys(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Screen::Overview => overview::KEYS,
            Screen::Logs => logs::KEYS,
            Screen::Providers => providers::KEYS,
            Screen::Keys => keys::KEYS,
            Screen::Settings => settings::KEYS,
        }
    }
}

/// Keys every screen shares, for the help overlay.
pub const GLOBAL_KEYS: &[(&str, &str)] = &[
    ("1-5 Tab", "switch screen"),
    (":", "command line (Tab completes)"),
    ("?", "this help"),
    ("j/k ↑/↓", "move"),
    ("Esc", "back out"),
    ("q Ctrl-C", "quit"),
];

/// What a screen's key handling asks of the app.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Nothing beyond the screen's own state.
    Nothing,
    /// Something for the outside world.
    Effect(Effect),
    /// Open a form.
    Form(Form),
}

/// Moves a selection by one within `len` rows.
pub fn step(selected: &mut usize, len: usize, down: bool) {
    if len == 0 {
        *selected = 0;
    } else if down {
        *selected = (*selected + 1).min(len - 1);
    } else {
        *selected = selected.saturating_sub(1);
    }
}
