//! Diagnostics: every problem names its place in the spec (JSON pointer, and line:column when the
//! text is at hand) and, where there is one, the fix. They are collected, never first-only.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation goes on; something was skipped or approximated.
    Warning,
    /// Generation stops; nothing is written.
    Error,
}

/// A line and column in the spec file, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// One problem found in the spec or the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// JSON pointer of the place in the spec (`#/paths/~1pets/get`), or empty for the whole file.
    pub pointer: String,
    /// Line and column of that place, filled in by [`Diagnostics::locate`].
    pub position: Option<Position>,
    /// What is wrong, and for skips, what was skipped.
    pub message: String,
    /// How to fix it, when there is a clear fix.
    pub fix: Option<String>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            pointer: pointer.into(),
            position: None,
            message: message.into(),
            fix: None,
        }
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(pointer, message)
        }
    }

    /// Adds how to fix it.
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// Renders the diagnostic the way a compiler does, naming `file`.
    pub fn render(&self, file: &str) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        out.push_str(&format!("{label}: {}\n", self.message));
        let place = match self.position {
            Some(pos) => format!("{file}:{}:{}", pos.line, pos.column),
            None => file.to_owned(),
        };
        if self.pointer.is_empty() {
            out.push_str(&format!("  --> {place}\n"));
        } else {
            out.push_str(&format!("  --> {place} ({})\n", self.pointer));
        }
        if let Some(fix) = &self.fix {
            out.push_str(&format!("  = fix: {fix}\n"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("spec"))
    }
}

/// All diagnostics of one run, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All of them.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// How many there are of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Fills in line and column for every diagnostic whose pointer `locate` can place.
    pub fn locate(&mut self, locate: impl Fn(&str) -> Option<Position>) {
        for d in &mut self.items {
            if d.position.is_none() && !d.pointer.is_empty() {
                d.position = locate(&d.pointer);
            }
        }
    }

    /// Renders all, naming `file`.
    pub fn render(&self, file: &str) -> String {
        self.items
            .iter()
            .map(|d| d.render(file))
            .collect::<Vec<_>>()
            .join("")
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("spec"))
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `base/token`, with the token escaped.
pub fn join_pointer(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_token(token))
}
