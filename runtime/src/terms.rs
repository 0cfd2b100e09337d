//! Words → search terms, shared by the generator (which indexes each tool's name, path, tags,
//! texts and DRF semantics) and the runtime (which reads queries): one definition, so a query
//! and a tool meet on the same terms. Dependency-free: the generator compiles this same file.
//!
//! A term is a lower-case stem (`repositories` → `repository`, `listing` → `list`); stop words
//! are dropped; words an agent uses for the same action or for the caller itself meet on one
//! concept term (`show`, `fetch`, `details` → `get`; `me`, `mine`, `i` → `my`).

/// Words that carry no meaning for finding an operation.
const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "and",
    "or",
    "is",
    "are",
    "am",
    "be",
    "was",
    "what",
    "which",
    "how",
    "do",
    "does",
    "can",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "there",
    "please",
    "some",
    "any",
    "into",
    "about",
    "via",
    "you",
    "your",
    "api",
    "endpoint",
    "operation",
];

/// Words and the concept terms each stands for: DRF's actions, searching, the caller itself,
/// and people. Plain English an agent uses for the same thing, nothing about any one API.
const CONCEPTS: &[(&[&str], &[&str])] = &[
    (
        &[
            "get",
            "show",
            "view",
            "display",
            "fetch",
            "read",
            "retrieve",
            "detail",
            "details",
            "info",
            "information",
            "single",
            "specific",
            "particular",
            "inspect",
            "describe",
        ],
        &["get"],
    ),
    (
        &[
            "list",
            "all",
            "every",
            "each",
            "browse",
            "enumerate",
            "index",
            "history",
            "many",
        ],
        &["list"],
    ),
    (
        &["search", "find", "query", "lookup", "matching", "filter"],
        &["search"],
    ),
    (
        &[
            "create", "add", "new", "make", "post", "submit", "register", "upload", "invite",
        ],
        &["creat"],
    ),
    (
        &[
            "update", "edit", "change", "modify", "rename", "set", "patch", "replace", "alter",
        ],
        &["updat"],
    ),
    (
        &[
            "delete", "remove", "destroy", "drop", "erase", "unset", "revoke",
        ],
        &["delet"],
    ),
    (
        &[
            "my",
            "me",
            "mine",
            "i",
            "myself",
            "own",
            "self",
            "authenticated",
            "whoami",
        ],
        &["my"],
    ),
    (&["who"], &["user"]),
    (
        &["person", "people", "someone", "somebody"],
        &["user", "member"],
    ),
];

/// The concept terms a word stands for, if it is an action word, a word for the caller, or a
/// word for people.
pub fn concepts(word: &str) -> &'static [&'static str] {
    CONCEPTS
        .iter()
        .find(|(words, _)| words.contains(&word))
        .map(|(_, concepts)| *concepts)
        .unwrap_or(&[])
}

/// Common abbreviations and the word they stand for, so `repo` meets `repository`.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("repo", "repository"),
    ("org", "organization"),
    ("config", "configuration"),
    ("auth", "authentication"),
    ("env", "environment"),
    ("stat", "statistic"),
    ("app", "application"),
    ("doc", "document"),
    ("msg", "message"),
    ("pr", "pull"),
    ("id", "identifier"),
];

/// The terms of `text` for indexing: words split on anything but letters and digits and at
/// camelCase humps, lower-cased, stop words dropped, stemmed; the concept terms of a word that
/// stands for one are added; a long `-er`/`-or` noun also gives its verb (`followers` →
/// `follow`, `contributors` → `contribut`).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in words(text) {
        if STOP.contains(&word.as_str()) {
            continue;
        }
        let stemmed = stem(&word);
        for concept in concepts(&word) {
            if **concept != stemmed {
                out.push((*concept).to_owned());
            }
        }
        out.extend(verb_of(&stemmed));
        out.push(stemmed);
    }
    out
}

/// [`terms`] without concept terms: the words as they are, for prose (descriptions), where
/// "all" or "new" describe rather than ask.
pub fn plain_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in words(text) {
        if STOP.contains(&word.as_str()) {
            continue;
        }
        let stemmed = stem(&word);
        out.extend(verb_of(&stemmed));
        out.push(stemmed);
    }
    out
}

/// The verb of a long agent noun: `follower` → `follow`, `contributor` → `contribut`.
fn verb_of(stemmed: &str) -> Option<String> {
    if stemmed.len() < 8 {
        return None;
    }
    let verb = stemmed
        .strip_suffix("er")
        .or_else(|| stemmed.strip_suffix("or"))?;
    Some(verb.to_owned())
}

/// The terms of a query: a word that stands for a concept gives only its concept terms (the
/// question "commit history" asks for a list, not for "history"), other words their stems.
pub fn query_terms(text: &str) -> Vec<String> {
    asked_terms(text).0
}

/// The action a query implies without naming one: `list` when it names things in the plural
/// (`the releases of a project`), else `get` (a question about one thing); none when it names
/// an action. It ranks what the query's own terms found; on its own it finds nothing.
pub fn implied_action(text: &str) -> Option<&'static str> {
    asked_terms(text).1
}

fn asked_terms(text: &str) -> (Vec<String>, Option<&'static str>) {
    let mut out = Vec::new();
    let mut acts = false;
    let mut plural = false;
    for word in words(text) {
        if STOP.contains(&word.as_str()) {
            continue;
        }
        let found = concepts(&word);
        if found.is_empty() {
            let stemmed = stem(&word);
            plural |= word.len() > 3 && word.ends_with('s') && stemmed != word;
            out.extend(verb_of(&stemmed));
            out.push(stemmed);
        } else {
            acts |= found.iter().any(|c| ACTIONS.contains(c));
            out.extend(found.iter().map(|c| (*c).to_owned()));
        }
    }
    let implied = (!acts).then_some(if plural { "list" } else { "get" });
    (out, implied)
}

/// The concept terms that are DRF actions.
const ACTIONS: &[&str] = &["get", "list", "creat", "updat", "delet"];

/// Lower-case words, split at non-alphanumerics and camelCase humps (`getUserRepos` → get,
/// user, repos).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && previous_lower && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
            current.extend(c.to_lowercase());
        } else {
            previous_lower = false;
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A light English stem: plurals, `-ing`, `-ed`, possessives, a final silent `e`
/// (`repositories` → `repository`, `branches` → `branch`, `starred` → `star`, `listing` →
/// `list`, `arrived` and `arrive` → `arriv`). Short words are kept.
pub fn stem(word: &str) -> String {
    let stemmed = suffixless(word);
    let stemmed = match ABBREVIATIONS.iter().find(|(short, _)| *short == stemmed) {
        Some((_, long)) => suffixless(long),
        None => stemmed,
    };
    match stemmed.strip_suffix('e') {
        Some(base) if stemmed.len() > 4 => base.to_owned(),
        _ => stemmed,
    }
}

fn suffixless(word: &str) -> String {
    let w = word.trim_end_matches("'s");
    if w.len() <= 3 {
        return w.to_owned();
    }
    if let Some(base) = w.strip_suffix("ies") {
        return format!("{base}y");
    }
    for suffix in ["sses", "ches", "shes", "xes"] {
        if let Some(base) = w.strip_suffix(suffix) {
            return format!("{base}{}", &suffix[..suffix.len() - 2]);
        }
    }
    if let Some(base) = w.strip_suffix("ing").filter(|b| b.len() >= 3) {
        return undouble(base);
    }
    if let Some(base) = w.strip_suffix("ed").filter(|b| b.len() >= 3) {
        return undouble(base);
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..w.len() - 1].to_owned();
    }
    w.to_owned()
}

/// `starr` → `star`, `committ` → `commit`: the doubled consonant `-ed`/`-ing` leaves.
fn undouble(base: &str) -> String {
    let bytes = base.as_bytes();
    let n = bytes.len();
    if n >= 2 && bytes[n - 1] == bytes[n - 2] && !b"aeiouls".contains(&bytes[n - 1]) {
        base[..n - 1].to_owned()
    } else {
        base.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_meet_on_stems_and_concepts() {
        assert_eq!(stem("repositories"), "repository");
        assert_eq!(stem("branches"), "branch");
        assert_eq!(stem("starred"), "star");
        assert_eq!(stem("listing"), "list");
        assert_eq!(stem("commits"), "commit");
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("arrived"), stem("arrive"));
        assert_eq!(stem("updating"), stem("update"));
        assert_eq!(stem("echoes"), "echo");
        assert_eq!(terms("who am I"), ["user", "who", "my", "i"]);
        assert_eq!(terms("followers"), ["follow", "follower"]);
        assert_eq!(stem("repos"), stem("repositories"));
        assert_eq!(implied_action("the releases of a project"), Some("list"));
        assert_eq!(query_terms("get the releases"), ["get", "releas"]);
        assert_eq!(implied_action("get the releases"), None);
        assert_eq!(query_terms("commit history"), ["commit", "list"]);
        assert_eq!(query_terms("who am i"), ["user", "my"]);
        assert_eq!(implied_action("who am i"), Some("get"));
        assert_eq!(terms("getUserRepos"), ["get", "user", "repository"]);
        assert_eq!(
            terms("Show the details of one product"),
            ["get", "show", "get", "detail", "one", "product"]
        );
    }
}
