//! The `:` command line, in the manner of k9s: type a command, Tab completes it, Enter
//! runs it, Esc closes it.

use super::event::Key;

/// Every command the line knows, for completion.
pub const COMMANDS: &[&str] = &[
    "overview",
    "logs",
    "providers",
    "provider add",
    "vk",
    "vk create",
    "teams",
    "team create",
    "customers",
    "customer create",
    "settings",
    "help",
    "quit",
];

/// What is being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CmdLine {
    /// The text so far.
    pub input: String,
}

impl CmdLine {
    /// The commands that start with what was typed.
    pub fn matches(&self) -> Vec<&'static str> {
        let typed = self.input.trim_start();
        COMMANDS
            .iter()
            .copied()
            .filter(|c| c.starts_with(typed))
            .collect()
    }

    /// Handles a key: `None` keeps the line open, `Some(None)` closes it, `Some(Some(c))`
    /// runs command `c`.
    pub fn update(&mut self, key: Key) -> Option<Option<String>> {
        match key {
            Key::Esc => return Some(None),
            Key::Enter => {
                let typed = self.input.trim().to_string();
                if typed.is_empty() {
                    return Some(None);
                }
                // A unique prefix runs its command: `:prov` is `:providers`.
                let m = self.matches();
                let run = if m.len() == 1 && !COMMANDS.contains(&typed.as_str()) {
                    m[0].to_string()
                } else {
                    typed
                };
                return Some(Some(run));
            }
            Key::Tab => self.complete(),
            Key::Backspace => {
                self.input.pop();
            }
            Key::Char(c) => self.input.push(c),
            _ => {}
        }
        None
    }

    /// Extends the input to the longest prefix all matches share; on a complete
    /// command, moves to the next match (so Tab cycles).
    fn complete(&mut self) {
        let m = self.matches();
        let Some(first) = m.first() else {
            return;
        };
        let common = m.iter().fold(first.to_string(), |acc, c| {
            acc.chars()
                .zip(c.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        });
        if common.len() > self.input.trim_start().len() {
            self.input = common;
        } else if let Some(i) = COMMANDS.iter().position(|c| *c == self.input) {
            // Cycle through all commands in order when the line is a full command.
            self.input = COMMANDS[(i + 1) % COMMANDS.len()].to_string();
        } else {
            self.input = first.to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> CmdLine {
        let mut c = CmdLine::default();
        for ch in s.chars() {
            c.update(Key::Char(ch));
        }
        c
    }

    #[test]
    fn tab_completes_to_the_shared_prefix_then_cycles() {
        let mut c = typed("pro");
        c.update(Key::Tab);
        assert_eq!(c.input, "provider");
        c.update(Key::Tab);
        assert_eq!(c.input, "providers");
        c.update(Key::Tab);
        assert_eq!(c.input, "provider add");
    }

    #[test]
    fn enter_runs_a_unique_prefix_and_esc_closes() {
        assert_eq!(
            typed("set").update(Key::Enter),
            Some(Some("settings".into()))
        );
        assert_eq!(typed("vk").update(Key::Enter), Some(Some("vk".into())));
        assert_eq!(
            typed("vk cr").update(Key::Enter),
            Some(Some("vk create".into()))
        );
        assert_eq!(typed("vk").update(Key::Esc), Some(None));
    }
}
