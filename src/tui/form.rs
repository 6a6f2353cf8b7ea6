//! A form: labelled text fields, a confirmation step, and an inline error line.
//!
//! A form writes nothing by itself: Enter on a valid form asks for confirmation, and
//! only a confirmed form hands its [`Action`] out. A refusal from the server comes
//! back as the error line, with every field as the user left it.

use super::event::{Action, Key};

/// One input of a form.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its label.
    pub label: &'static str,
    /// What was typed.
    pub value: String,
    /// Shown as `*` (secrets); `env.VAR` references are shown as typed.
    pub masked: bool,
    /// What it takes, shown beside it.
    pub hint: &'static str,
}

impl Field {
    /// A field with an initial value.
    pub fn new(label: &'static str, value: impl Into<String>, hint: &'static str) -> Field {
        Field {
            label,
            value: value.into(),
            masked: false,
            hint,
        }
    }

    /// A secret field.
    pub fn secret(label: &'static str, hint: &'static str) -> Field {
        Field {
            masked: true,
            ..Field::new(label, "", hint)
        }
    }

    /// What the screen shows: secrets as stars unless they are `env.` references.
    pub fn shown(&self) -> String {
        if self.masked && !self.value.starts_with("env.") {
            "*".repeat(self.value.chars().count())
        } else {
            self.value.clone()
        }
    }

    /// The value without surrounding blanks.
    pub fn get(&self) -> &str {
        self.value.trim()
    }
}

/// Turns a form's fields into the change it makes, or the problems to show.
pub type Build = fn(&[Field], &Context) -> Result<Action, Vec<String>>;

/// What a form's builder may need besides its fields (the object being edited).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// The id (or name) of the object edited.
    pub id: String,
    /// Extra data the builder keeps (a provider key's full settings).
    pub extra: Option<serde_json::Value>,
}

/// A form on screen.
#[derive(Debug, Clone)]
pub struct Form {
    /// Its title.
    pub title: String,
    /// The inputs (none for a yes/no question).
    pub fields: Vec<Field>,
    /// The field typed into.
    pub focus: usize,
    /// The problems of the last attempt, or the server's refusal.
    pub error: Option<String>,
    /// Asking "sure?".
    pub confirming: bool,
    /// Sent; waiting for the server's answer.
    pub busy: bool,
    /// The question asked before writing.
    pub question: String,
    /// How the change is made from the fields.
    pub make: Make,
    /// The builder's context.
    pub context: Context,
}

/// Where a form's change comes from.
#[derive(Debug, Clone)]
pub enum Make {
    /// Built from the fields (and validated) by this function.
    Fields(Build),
    /// Fixed in advance: a yes/no question.
    Fixed(Box<Action>),
}

/// What a key did to a form.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Still open.
    Stay,
    /// Closed without writing.
    Cancel,
    /// Confirmed: make this change.
    Submit(Action),
}

impl Form {
    /// A form with fields.
    pub fn new(
        title: impl Into<String>,
        question: impl Into<String>,
        fields: Vec<Field>,
        build: Build,
        context: Context,
    ) -> Form {
        Form {
            title: title.into(),
            fields,
            focus: 0,
            error: None,
            confirming: false,
            busy: false,
            question: question.into(),
            make: Make::Fields(build),
            context,
        }
    }

    /// A yes/no question that makes `action` when confirmed.
    pub fn confirm(title: impl Into<String>, question: impl Into<String>, action: Action) -> Form {
        Form {
            title: title.into(),
            fields: Vec::new(),
            focus: 0,
            error: None,
            confirming: true,
            busy: false,
            question: question.into(),
            make: Make::Fixed(Box::new(action)),
            context: Context::default(),
        }
    }

    /// The change the fields describe, or what is wrong with them.
    pub fn action(&self) -> Result<Action, Vec<String>> {
        match &self.make {
            Make::Fields(build) => build(&self.fields, &self.context),
            Make::Fixed(action) => Ok((**action).clone()),
        }
    }

    /// Handles one key.
    pub fn update(&mut self, key: Key) -> Step {
        if self.busy {
            return Step::Stay;
        }
        if self.confirming {
            return match key {
                Key::Char('y') | Key::Enter => match self.action() {
                    Ok(action) => {
                        self.busy = true;
                        Step::Submit(action)
                    }
                    Err(problems) => {
                        self.error = Some(problems.join("; "));
                        self.confirming = false;
                        Step::Stay
                    }
                },
                Key::Char('n') | Key::Esc if self.fields.is_empty() => Step::Cancel,
                Key::Char('n') | Key::Esc => {
                    self.confirming = false;
                    Step::Stay
                }
                _ => Step::Stay,
            };
        }
        let n = self.fields.len().max(1);
        match key {
            Key::Esc => return Step::Cancel,
            Key::Tab | Key::Down => self.focus = (self.focus + 1) % n,
            Key::BackTab | Key::Up => self.focus = (self.focus + n - 1) % n,
            Key::Backspace => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.value.pop();
                }
            }
            Key::Char(c) => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.value.push(c);
                }
            }
            Key::Enter => match self.action() {
                Ok(_) => {
                    self.error = None;
                    self.confirming = true;
                }
                Err(problems) => self.error = Some(problems.join("; ")),
            },
            _ => {}
        }
        Step::Stay
    }

    /// The server refused: say why and let the user fix the fields.
    pub fn refused(&mut self, message: String) {
        self.busy = false;
        self.confirming = false;
        self.error = Some(message);
    }
}
