//! `bifrost top`: the terminal dashboard for watching and managing a running server.
//!
//! Only this module names ratatui and crossterm. State and drawing are apart, as in
//! ratatui's templates and gitui: [`App`] is a state machine updated by [`Event`]s
//! (keys, data, lost server, finished actions) that returns [`Effect`]s; `view::draw`
//! is a function of the state; [`run`] is the one loop joining them to the terminal and
//! to a [`Source`] polled by a background task, so drawing never waits on I/O.

mod app;
mod cmdline;
mod event;
mod form;
mod forms;
mod model;
mod screens;
mod source;
mod tail;
mod terminal;
mod theme;
mod view;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tokio::sync::{mpsc, watch, Notify};

pub use app::App;
pub use event::{Effect, Event, Key};
pub use source::Source;
pub use theme::Theme;

/// Why the dashboard stopped early.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    /// The terminal could not be set up or drawn on.
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
}

fn key(k: KeyEvent) -> Option<Key> {
    if k.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    Some(match k.code {
        KeyCode::Char('c') | KeyCode::Char('d') if ctrl => Key::Interrupt,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        _ => return None,
    })
}

/// Reads keys on a thread of its own (crossterm's reader blocks) into the loop.
fn read_keys(events: mpsc::Sender<Event>, redraw: Arc<Notify>) {
    std::thread::spawn(move || loop {
        match crossterm::event::read() {
            Ok(crossterm::event::Event::Key(k)) => {
                if let Some(k) = key(k) {
                    if events.blocking_send(Event::Key(k)).is_err() {
                        return;
                    }
                }
            }
            Ok(crossterm::event::Event::Resize(..)) => redraw.notify_one(),
            Ok(_) => {}
            Err(_) => return,
        }
    });
}

/// Runs the dashboard on this terminal against `source` until the user quits.
pub async fn run(source: Arc<dyn Source>, server: String) -> Result<(), TuiError> {
    let mut guard = terminal::enter()?;
    let mut app = App::new(server, Theme::from_env());
    let (tx, mut rx) = mpsc::channel::<Event>(256);
    let (query_tx, query_rx) = watch::channel(event::LogQuery::default());
    let refresh = Arc::new(Notify::new());
    let redraw = Arc::new(Notify::new());
    let poller = tokio::spawn(source::poll(source.clone(), refresh.clone(), tx.clone()));
    let tail = tokio::spawn(tail::tail(source.clone(), query_rx, tx.clone()));
    let live = tokio::spawn(tail::overview(source.clone(), tx.clone()));
    read_keys(tx.clone(), redraw.clone());
    // A steady redraw rate: bursts of events are folded into one frame.
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    while !app.quit {
        if dirty {
            guard.terminal.draw(|f| view::draw(f, &app))?;
            dirty = false;
        }
        tokio::select! {
            Some(event) = rx.recv() => {
                let mut batch = vec![event];
                while let Ok(more) = rx.try_recv() {
                    batch.push(more);
                }
                for event in batch {
                    for effect in app.update(event) {
                        match effect {
                            Effect::Quit => app.quit = true,
                            Effect::Query(q) => {
                                let _ = query_tx.send(q);
                            }
                            Effect::Record(id) => {
                                let (source, tx) = (source.clone(), tx.clone());
                                tokio::spawn(async move {
                                    let _ = tx.send(source::record(source.as_ref(), &id).await).await;
                                });
                            }
                            Effect::Act(action) => {
                                let (source, tx, refresh) = (source.clone(), tx.clone(), refresh.clone());
                                tokio::spawn(async move {
                                    let outcome = source::act(source.as_ref(), action).await;
                                    refresh.notify_one();
                                    let _ = tx.send(Event::Done(outcome)).await;
                                });
                            }
                        }
                    }
                }
                dirty = true;
            }
            _ = redraw.notified() => {
                guard.terminal.autoresize()?;
                dirty = true;
            }
            _ = tokio::signal::ctrl_c() => app.quit = true,
            _ = tick.tick() => {}
        }
    }
    poller.abort();
    tail.abort();
    live.abort();
    drop(guard);
    Ok(())
}
