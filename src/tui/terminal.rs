//! Taking over the terminal and always giving it back: raw mode off, alternate screen
//! left and cursor shown on a normal exit, an error (the guard's `Drop`), and a panic
//! (a hook that restores before the panic message prints, so it stays readable).

use std::io::{self, Stdout};

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// The terminal, restored when dropped.
pub struct Guard {
    /// The ratatui terminal drawing on stdout.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

/// Puts the terminal back as the shell expects it; safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
}

/// Enters raw mode and the alternate screen, and installs the panic hook.
pub fn enter() -> io::Result<Guard> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode()?;
    let entered = execute!(io::stdout(), EnterAlternateScreen, Hide)
        .and_then(|()| Terminal::new(CrosstermBackend::new(io::stdout())));
    match entered {
        Ok(terminal) => Ok(Guard { terminal }),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}
