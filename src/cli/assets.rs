//! Shell completions and man pages generated from the clap definitions. The committed
//! copies under `completions/` and `man/` are checked by a test, so they cannot go stale.

use clap::{CommandFactory, ValueEnum};

use super::Cli;

/// Shells with completion scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

impl Shell {
    /// Every shell.
    pub const ALL: [Shell; 4] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Powershell];

    /// The conventional file name of the script.
    pub fn file_name(self) -> &'static str {
        match self {
            Shell::Bash => "bifrost.bash",
            Shell::Zsh => "_bifrost",
            Shell::Fish => "bifrost.fish",
            Shell::Powershell => "_bifrost.ps1",
        }
    }
}

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> String {
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    let mut out = Vec::new();
    clap_complete::generate(generator, &mut Cli::command(), "bifrost", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Man pages: (file name, roff text) for `bifrost` and every subcommand.
pub fn man_pages() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut root = Cli::command();
    root.build();
    render(&root, "bifrost", &mut out);
    out
}

fn render(cmd: &clap::Command, name: &str, out: &mut Vec<(String, String)>) {
    let page = cmd.clone().name(name.to_string());
    let mut roff = Vec::new();
    if clap_mangen::Man::new(page).render(&mut roff).is_ok() {
        out.push((
            format!("{name}.1"),
            String::from_utf8_lossy(&roff).into_owned(),
        ));
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        render(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}
