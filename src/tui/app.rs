//! The dashboard's state machine: [`App::update`] takes an [`Event`] and returns the
//! [`Effect`]s to carry out. No I/O and no drawing happen here (the view is
//! `view::draw(&App, ..)`), so every key path is testable by feeding events.

use super::cmdline::CmdLine;
use super::event::{Data, Effect, Event, Feed, Key, Outcome};
use super::form::{Form, Step};
use super::forms;
use super::model::{Avail, Live};
use super::screens::{
    keys::Keys, logs::Logs, overview::Overview, providers::Providers, settings::Settings, Reply,
    Screen,
};
use super::theme::Theme;
use crate::admin::Kind;

/// Everything the dashboard shows.
#[derive(Debug, Clone)]
pub struct App {
    /// The screen in front.
    pub screen: Screen,
    /// Overview state (charts, range, freeze).
    pub overview: Overview,
    /// The log tail.
    pub logs: Logs,
    /// Providers and their keys.
    pub providers: Providers,
    /// Virtual keys, teams, customers.
    pub keys: Keys,
    /// Client settings.
    pub settings: Settings,
    /// The server is not answering: why, and seconds to the next try.
    pub lost: Option<(String, u64)>,
    /// An open form or question.
    pub form: Option<Form>,
    /// A new key's value, shown once until dismissed.
    pub secret: Option<String>,
    /// The `:` command line, when open.
    pub cmdline: Option<CmdLine>,
    /// The `?` overlay.
    pub help: bool,
    /// The last action's result, for the status line.
    pub status: Option<Outcome>,
    /// Where the dashboard is attached, for the header.
    pub server: String,
    /// Styles.
    pub theme: Theme,
    /// Set once `q` or Ctrl-C was pressed.
    pub quit: bool,
}

impl App {
    /// A dashboard attached to `server`, with nothing fetched yet.
    pub fn new(server: impl Into<String>, theme: Theme) -> App {
        App {
            screen: Screen::Overview,
            overview: Overview::default(),
            logs: Logs::default(),
            providers: Providers::default(),
            keys: Keys::default(),
            settings: Settings::default(),
            lost: None,
            form: None,
            secret: None,
            cmdline: None,
            help: false,
            status: None,
            server: server.into(),
            theme,
            quit: false,
        }
    }

    /// Applies one event; returns what must be done about it.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) => self.key(key),
            Event::Data(data) => {
                self.lost = None;
                self.data(data);
                Vec::new()
            }
            Event::Lost { reason, retry_secs } => {
                self.lost = Some((reason, retry_secs));
                Vec::new()
            }
            Event::FeedDropped {
                feed,
                reason,
                retry_secs,
            } => {
                let dropped = Some((reason, retry_secs));
                match feed {
                    Feed::Tail => self.logs.dropped = dropped,
                    Feed::Overview => self.overview.dropped = dropped,
                }
                Vec::new()
            }
            Event::Done(outcome) => {
                self.done(outcome);
                Vec::new()
            }
            Event::Problem(message) => {
                self.status = Some(Outcome::Failed(message));
                Vec::new()
            }
        }
    }

    fn data(&mut self, data: Data) {
        match data {
            Data::Spend(spend) => {
                let live: &mut Live = &mut self.overview.live;
                self.overview.missing = matches!(spend, Avail::Missing);
                (live.today, live.month) = spend.ready().copied().unwrap_or_default();
            }
            Data::Batch(batch) => {
                self.overview.dropped = None;
                self.overview.live.batch(&batch);
            }
            Data::Logs(rows) => self.logs.arrived(rows),
            Data::Tail(records) => self.logs.streamed(records),
            Data::Record(record) => self.logs.detail = Some(record),
            Data::Providers(list) => self.providers.arrived(list),
            Data::Governance {
                keys,
                usage,
                teams,
                customers,
            } => self.keys.arrived(keys, usage, teams, customers),
            Data::Settings(doc) => {
                self.settings.doc = doc;
                let len = self
                    .settings
                    .doc
                    .ready()
                    .map_or(0, |d| d.client_config.len());
                self.settings.selected = self.settings.selected.min(len.saturating_sub(1));
            }
        }
    }

    fn done(&mut self, outcome: Outcome) {
        match (&outcome, self.form.as_mut()) {
            (Outcome::Failed(message), Some(form)) if form.busy => {
                form.refused(message.clone());
            }
            (Outcome::Ok { secret, .. }, _) => {
                self.form = None;
                if secret.is_some() {
                    self.secret.clone_from(secret);
                }
            }
            _ => {}
        }
        self.status = Some(outcome);
    }

    fn key(&mut self, key: Key) -> Vec<Effect> {
        if key == Key::Interrupt {
            self.quit = true;
            return vec![Effect::Quit];
        }
        if self.secret.is_some() {
            if matches!(key, Key::Enter | Key::Esc) {
                self.secret = None;
            }
            return Vec::new();
        }
        if let Some(form) = self.form.as_mut() {
            return match form.update(key) {
                Step::Stay => Vec::new(),
                Step::Cancel => {
                    self.form = None;
                    Vec::new()
                }
                Step::Submit(action) => vec![Effect::Act(action)],
            };
        }
        if let Some(line) = self.cmdline.as_mut() {
            return match line.update(key) {
                None => Vec::new(),
                Some(None) => {
                    self.cmdline = None;
                    Vec::new()
                }
                Some(Some(command)) => {
                    self.cmdline = None;
                    self.command(&command)
                }
            };
        }
        if self.help {
            if matches!(key, Key::Esc | Key::Char('?') | Key::Char('q') | Key::Enter) {
                self.help = false;
            }
            return Vec::new();
        }
        if !self.captures() {
            match key {
                Key::Char('q') => {
                    self.quit = true;
                    return vec![Effect::Quit];
                }
                Key::Char('?') => {
                    self.help = true;
                    return Vec::new();
                }
                Key::Char(':') => {
                    self.cmdline = Some(CmdLine::default());
                    return Vec::new();
                }
                Key::Tab => {
                    self.screen = self.screen.next();
                    return Vec::new();
                }
                Key::BackTab => {
                    self.screen = self.screen.prev();
                    return Vec::new();
                }
                Key::Char(c @ '1'..='5') => {
                    self.screen = Screen::ALL[c as usize - '1' as usize];
                    return Vec::new();
                }
                _ => {}
            }
        }
        let reply = match self.screen {
            Screen::Overview => self.overview.key(key),
            Screen::Logs => self.logs.key(key),
            Screen::Providers => self.providers.key(key),
            Screen::Keys => self.keys.key(key),
            Screen::Settings => self.settings.key(key),
        };
        self.reply(reply)
    }

    fn reply(&mut self, reply: Reply) -> Vec<Effect> {
        match reply {
            Reply::Nothing => Vec::new(),
            Reply::Effect(e) => vec![e],
            Reply::Form(f) => {
                self.form = Some(f);
                Vec::new()
            }
        }
    }

    /// Whether the screen takes every key (typing a filter, reading a record).
    fn captures(&self) -> bool {
        self.screen == Screen::Logs && self.logs.captures()
    }

    /// Runs a `:` command (already completed by the command line).
    fn command(&mut self, command: &str) -> Vec<Effect> {
        let words: Vec<&str> = command.split_whitespace().collect();
        let (screen, kind, form) = match words.as_slice() {
            ["quit" | "q"] => {
                self.quit = true;
                return vec![Effect::Quit];
            }
            ["help"] => {
                self.help = true;
                return Vec::new();
            }
            ["vk", "create"] => (
                Screen::Keys,
                Some(Kind::VirtualKey),
                Some(forms::virtual_key(None)),
            ),
            ["team", "create"] => (
                Screen::Keys,
                Some(Kind::Team),
                Some(forms::org(Kind::Team, None)),
            ),
            ["customer", "create"] => (
                Screen::Keys,
                Some(Kind::Customer),
                Some(forms::org(Kind::Customer, None)),
            ),
            ["provider", "add"] => (Screen::Providers, None, Some(forms::provider())),
            [name] if Screen::named(name).is_some() => {
                let (screen, kind) = Screen::named(name).unwrap_or((self.screen, None));
                (screen, kind, None)
            }
            _ => {
                self.status = Some(Outcome::Failed(format!(
                    "unknown command `{command}`; press : then Tab to see them"
                )));
                return Vec::new();
            }
        };
        self.screen = screen;
        if let Some(kind) = kind {
            self.keys.show(kind);
        }
        self.form = form;
        Vec::new()
    }
}
