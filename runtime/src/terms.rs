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
    "s",
    "t",
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
    "did",
    "has",
    "have",
    "had",
    "will",
    "would",
    "could",
    "should",
    "they",
    "them",
    "their",
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
    "as",
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
            "fetch",
            "read",
            "retrieve",
            "detail",
            "details",
            "info",
            "information",
            "single",
            "one",
            "specific",
            "particular",
            "inspect",
            "describe",
        ],
        &["get"],
    ),
    (&["show", "view", "display", "see", "look"], &["show"]),
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
            "setup", "generate", "connect",
        ],
        &["creat"],
    ),
    (
        &[
            "update",
            "edit",
            "change",
            "modify",
            "rename",
            "set",
            "patch",
            "replace",
            "alter",
            "enable",
            "disable",
            "activate",
            "deactivate",
        ],
        &["updat"],
    ),
    (
        &[
            "delete",
            "remove",
            "destroy",
            "drop",
            "erase",
            "unset",
            "revoke",
            "end",
            "terminate",
            "disconnect",
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

/// Words English uses for the same thing, and the one both stand for, so "the newest release"
/// meets `get-latest-release`.
const SAME_WORDS: &[(&str, &str)] = &[
    ("newest", "latest"),
    ("folder", "directory"),
    ("cost", "price"),
    ("cheap", "price"),
    ("cheaper", "price"),
    ("cheapest", "price"),
    ("expensive", "price"),
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

/// Between the sections of a tool's index entry, which the generator writes and the runtime's
/// search reads: `term:weight …` (counted in the tool's length), the head's terms (see
/// [`head_terms`]), the `term:weight …` of the answer's fields and the query filters (not
/// counted in its length: a large answer does not make a tool less relevant), its kind (see
/// [`kind_term`]), the kinds of the things its path identifies (`organiz team`), then
/// `deprecated` when the spec marks the operation so.
pub const SECTION: &str = " | ";

/// The terms a query must hold to name `text` whole, each once: a word's stem, or for a word
/// that stands for a concept the concept, which any word for it names (`add_user` is named by
/// "add a user" and by "create a user").
pub fn head_terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in words(text) {
        if STOP.contains(&word.as_str()) {
            continue;
        }
        let term = concepts(&word)
            .first()
            .map_or_else(|| stem(&word), |concept| (*concept).to_owned());
        if !out.contains(&term) {
            out.push(term);
        }
    }
    out
}

/// The kind of thing a resource is: the term of its last word, the noun English puts last in a
/// compound (`UserDeleteStage` is a stage, `ServiceConnection` a connection, `full-repository`
/// a repository). A query that asks for that noun asks for this resource rather than for one
/// that merely mentions it.
pub fn kind_term(resource: &str) -> Option<String> {
    let last = words(resource)
        .into_iter()
        .rev()
        .find(|w| !STOP.contains(&w.as_str()) && !QUALIFIERS.contains(&w.as_str()))?;
    Some(stem(&last))
}

/// Words schema names put after the noun to say which variant of it they are (GitHub's
/// `team-full`, `nullable-simple-user`; DRF's `PatchedUserRequest`, `PaginatedUserList`).
const QUALIFIERS: &[&str] = &[
    "basic",
    "detail",
    "details",
    "full",
    "item",
    "list",
    "minimal",
    "nullable",
    "paginated",
    "patched",
    "request",
    "response",
    "simple",
    "summary",
];

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

/// Two-word verbs that stand for one action (`set up` a provider creates one).
const PHRASES: &[(&str, &str, &str)] = &[
    ("set", "up", "creat"),
    ("sign", "up", "creat"),
    ("turn", "on", "updat"),
    ("turn", "off", "updat"),
    ("log", "out", "delet"),
    ("look", "up", "get"),
    // The state, not the act: "who am I logged in as" asks about the authenticated caller.
    ("logged", "in", "my"),
    ("signed", "in", "my"),
];

/// Words after which a query names the context of what it asks for, not the thing itself:
/// in "the releases of a project" the releases are asked for, the project only narrows them.
const PREPOSITIONS: &[&str] = &[
    "of", "for", "to", "in", "on", "at", "by", "with", "from", "about", "into", "via", "like",
    "within", "under", "over", "per", "across", "between", "than",
];

/// How much a word of the context counts beside a word of what is asked for.
const CONTEXT: f64 = 0.5;
/// How much a word for showing counts: "show the releases" asks for the releases; it meets a
/// `view_key` operation, but only a little.
const SHOW: f64 = 0.3;
/// How much `who`'s hint (people) counts: it says what kind of thing is asked for, not which.
const WHO: f64 = 0.5;

/// A query as the search reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    /// Each term once, with how much it counts: 1 for what is asked for and for action and
    /// caller words, less for the context after a preposition.
    pub terms: Vec<(String, f64)>,
    /// The action the query implies without naming one: `list` when it names things in the
    /// plural (`the releases of a project`) or asks "who" does something, else `get` (a
    /// question about one thing); none when it names an action. It ranks what the query's own
    /// terms found; on its own it finds nothing.
    pub implied: Option<&'static str>,
    /// The kinds of thing it asks for: the nouns it names at full weight (not the context
    /// after a preposition), and people when it asks "who".
    pub things: Vec<String>,
}

/// The terms of a query (see [`read_query`]), without their weights.
pub fn query_terms(text: &str) -> Vec<String> {
    read_query(text).terms.into_iter().map(|(t, _)| t).collect()
}

/// The action a query implies (see [`Asked::implied`]).
pub fn implied_action(text: &str) -> Option<&'static str> {
    read_query(text).implied
}

/// Reads a query: a word that stands for a concept gives only its concept terms (the question
/// "commit history" asks for a list, not for "history"), other words their stems; words after
/// the first preposition count less when words before it name something.
pub fn read_query(text: &str) -> Asked {
    let words = words(text);
    let mut found: Vec<(String, f64, bool)> = Vec::new();
    let mut acts = false;
    let mut plural = false;
    let mut in_context = false;
    let mut skip = false;
    let mut who = false;
    for (at, word) in words.iter().enumerate() {
        if std::mem::take(&mut skip) {
            continue;
        }
        let next = words.get(at + 1).map(String::as_str);
        if let Some((_, _, concept)) = PHRASES
            .iter()
            .find(|(first, second, _)| first == word && Some(*second) == next)
        {
            acts |= ACTIONS.contains(concept);
            skip = true;
            found.push(((*concept).to_owned(), 1.0, false));
            continue;
        }
        if word == "who" {
            // "who am I", "who is …" ask about one person; "who starred …" and "who is
            // following …" about several.
            let doing = words
                .get(at + 2)
                .is_some_and(|w| w.len() > 5 && w.ends_with("ing"));
            plural |= !matches!(next, Some("am" | "is")) || doing;
            who = true;
            found.push(("user".to_owned(), WHO, false));
            continue;
        }
        if PREPOSITIONS.contains(&word.as_str()) {
            in_context |= found.iter().any(|(_, _, named)| *named);
            continue;
        }
        // "repositories a team can access": a determiner right after the things asked for
        // opens a clause about them; what the clause names is context. (After a singular word
        // it may be a verb's object instead: "email a user a link".)
        let after_plural = at > 0 && {
            let previous = &words[at - 1];
            previous.len() > 3 && previous.ends_with('s') && stem(previous) != *previous
        };
        if matches!(word.as_str(), "a" | "an" | "the" | "this" | "that")
            && after_plural
            && found.last().is_some_and(|(_, _, named)| *named)
        {
            in_context = true;
            continue;
        }
        // "runners registered for a repository": a participle between a noun and a preposition
        // describes the noun; it is not the action asked for, nor a thing to match (it would
        // meet the noun made from it: `configured` a webhook's `config`). What follows is
        // context.
        let after_noun = found.last().is_some_and(|(_, _, named)| *named);
        let object_follows = words.len() > at + 2;
        if after_noun
            && participle(word)
            && next.is_some_and(|n| PREPOSITIONS.contains(&n))
            && object_follows
        {
            in_context = true;
            continue;
        }
        if STOP.contains(&word.as_str()) {
            continue;
        }
        let weight = if in_context { CONTEXT } else { 1.0 };
        let concept_terms = concepts(word);
        if concept_terms.is_empty() {
            let stemmed = stem(word);
            plural |= word.len() > 3 && word.ends_with('s') && stemmed != *word;
            if let Some(verb) = verb_of(&stemmed) {
                found.push((verb, weight, true));
            }
            found.push((stemmed, weight, true));
        } else {
            acts |= concept_terms.iter().any(|c| ACTIONS.contains(c));
            let weight = if concept_terms == ["show"] { SHOW } else { 1.0 };
            found.extend(
                concept_terms
                    .iter()
                    .map(|c| ((*c).to_owned(), weight, false)),
            );
            // A verb for a change says more than the change: "invite" meets `invitations`,
            // "deactivate" an `is_active` field.
            if concept_terms.iter().any(|c| CHANGES.contains(c)) {
                let stemmed = stem(word);
                if !concept_terms.contains(&stemmed.as_str()) {
                    found.push((stemmed, OWN_WORD, false));
                }
            }
        }
    }
    let mut things: Vec<String> = found
        .iter()
        .filter(|(_, w, named)| *named && *w >= 1.0)
        .map(|(t, _, _)| t.clone())
        .collect();
    if who {
        things.push("user".to_owned());
    }
    let mut terms: Vec<(String, f64)> = Vec::new();
    for (term, weight, _) in found {
        match terms.iter_mut().find(|(t, _)| *t == term) {
            Some((_, w)) => *w = w.max(weight),
            None => terms.push((term, weight)),
        }
    }
    let implied = (!acts).then_some(if plural { "list" } else { "get" });
    Asked {
        terms,
        implied,
        things,
    }
}

/// Whether `word` can be a past participle: a regular `-ed` form, or a common irregular one.
fn participle(word: &str) -> bool {
    const IRREGULAR: &[&str] = &[
        "found", "made", "done", "given", "taken", "seen", "shown", "written", "sent", "built",
        "kept", "held",
    ];
    (word.len() > 4 && word.ends_with("ed")) || IRREGULAR.contains(&word)
}

/// The concept terms of actions that change something.
const CHANGES: &[&str] = &["creat", "updat", "delet"];

/// How much a verb for a change counts as itself, beside the change it stands for.
const OWN_WORD: f64 = 0.5;

/// The concept terms that are DRF actions.
const ACTIONS: &[&str] = &["get", "list", "creat", "updat", "delet"];

/// Lower-case words, split at non-alphanumerics and camelCase humps (`getUserRepos` → get,
/// user, repos).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    // Capitals in a row at the end of `current`.
    let mut capitals = 0;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            // `fooBar` splits before `B`; so does `TOTPDevice` before `D`, the capital that
            // starts a word after an acronym of two letters or more (`OAuth` stays whole).
            let after_acronym = c.is_uppercase()
                && capitals >= 2
                && capitals == current.chars().count()
                && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if (c.is_uppercase() && previous_lower || after_acronym) && !current.is_empty() {
                out.push(std::mem::take(&mut current));
                capitals = 0;
            }
            capitals = if c.is_uppercase() { capitals + 1 } else { 0 };
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
            current.extend(c.to_lowercase());
        } else {
            previous_lower = false;
            capitals = 0;
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
    let stemmed = match ABBREVIATIONS
        .iter()
        .chain(SAME_WORDS)
        .find(|(short, _)| *short == stemmed)
    {
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
    // The plural first, then what the singular ends in: `ratings` → `rating` → `rat`, as
    // `rating` does.
    let w = singular(w);
    for suffix in ["ing", "ed"] {
        if let Some(base) = w.strip_suffix(suffix) {
            if base.len() >= 3 {
                return undouble(base);
            }
            // A two-letter verb lost its `e`: `using`, `used` → `use`, as `uses` is.
            if short_verb(base) {
                return format!("{base}e");
            }
        }
    }
    // The one a verb is done to meets the verb: `assignee` → `assign`.
    if let Some(base) = w.strip_suffix("ee").filter(|b| b.len() >= 5) {
        return base.to_owned();
    }
    // A noun made from a verb meets the verb: `invitation` → `invit` as `invite` does,
    // `deployment` → `deploy`.
    for suffix in ["ation", "ment"] {
        if let Some(base) = w.strip_suffix(suffix).filter(|b| b.len() >= 4) {
            return base.to_owned();
        }
    }
    w
}

/// A vowel then a consonant (`us`, `ag`): what `use` or `age` leave of themselves before
/// `-ing`/`-ed`. (`need` → `ne`, `thing` → `th` are not verbs that lost an `e`.)
fn short_verb(base: &str) -> bool {
    let b = base.as_bytes();
    b.len() == 2 && b"aeiou".contains(&b[0]) && !b"aeiouy".contains(&b[1])
}

/// A plural's singular (`repositories` → `repository`, `branches` → `branch`, `emojis` →
/// `emoji`); other words as they are.
fn singular(w: &str) -> String {
    if let Some(base) = w.strip_suffix("ies") {
        return format!("{base}y");
    }
    for suffix in ["sses", "ches", "shes", "xes"] {
        if let Some(base) = w.strip_suffix(suffix) {
            return format!("{base}{}", &suffix[..suffix.len() - 2]);
        }
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("sis") {
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
    fn a_resource_is_the_kind_its_last_word_names() {
        assert_eq!(kind_term("UserDeleteStage"), Some(stem("stage")));
        assert_eq!(kind_term("User"), Some(stem("user")));
        assert_eq!(kind_term("full-repository"), Some(stem("repository")));
        assert_eq!(kind_term("AuthenticatedSession"), Some(stem("sessions")));
        assert_eq!(kind_term("TOTPDevice"), Some(stem("device")));
        assert_eq!(kind_term("team-full"), Some(stem("team")));
        assert_eq!(kind_term("PatchedUserRequest"), Some(stem("user")));
        // A noun, not the concept a word may stand for in a query ("info" for get).
        assert_eq!(kind_term("SystemInfo"), Some(stem("info")));
        assert_eq!(words("SAMLProvider"), ["saml", "provider"]);
        assert_eq!(words("OAuth2Provider"), ["oauth2", "provider"]);
        assert_eq!(words("UserSAMLSource"), ["user", "saml", "source"]);
        assert_eq!(kind_term(""), None);
    }

    #[test]
    fn words_meet_on_stems_and_concepts() {
        assert_eq!(stem("repositories"), "repository");
        assert_eq!(stem("branches"), "branch");
        assert_eq!(stem("starred"), "star");
        assert_eq!(stem("listing"), "list");
        assert_eq!(stem("commits"), "commit");
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("analysis"), "analysis");
        assert_eq!(stem("emojis"), "emoji");
        assert_eq!(stem("arrived"), stem("arrive"));
        assert_eq!(stem("updating"), stem("update"));
        assert_eq!(stem("echoes"), "echo");
        assert_eq!(stem("invitations"), stem("invite"));
        assert_eq!(stem("deployments"), "deploy");
        assert_eq!(stem("assignees"), stem("assigned"));
        assert_eq!(stem("ratings"), stem("rating"));
        assert_eq!(stem("mappings"), stem("mapping"));
        assert_eq!(stem("configuration"), stem("configure"));
        assert_eq!(stem("using"), stem("use"));
        assert_eq!(stem("used"), stem("uses"));
        assert_ne!(stem("needs"), stem("knee"));
        assert_ne!(stem("things"), "the");
        assert_eq!(terms("followers"), ["follow", "follower"]);
        assert_eq!(stem("repos"), stem("repositories"));
        assert_eq!(stem("newest"), stem("latest"));
        assert_eq!(stem("cheaper"), stem("price"));
        assert_eq!(stem("folder"), stem("directory"));
        assert_eq!(terms("getUserRepos"), ["get", "user", "repository"]);
        assert_eq!(terms("view_key"), ["show", "view", "key"]);
        assert_eq!(
            terms("Show the details of one product"),
            ["show", "get", "detail", "get", "one", "product"]
        );
    }

    type Weighted = Vec<(String, f64)>;

    /// The weighted terms of `query`, and `expected` in the same shape.
    fn weights(query: &str, expected: &[(&str, f64)]) -> (Weighted, Weighted) {
        let expected = expected
            .iter()
            .map(|(t, w)| ((*t).to_owned(), *w))
            .collect();
        (read_query(query).terms, expected)
    }

    #[test]
    fn a_query_weighs_what_it_asks_for_above_its_context() {
        let (found, expected) = weights(
            "the releases of a project",
            &[("releas", 1.0), ("project", CONTEXT)],
        );
        assert_eq!(found, expected);
        assert_eq!(implied_action("the releases of a project"), Some("list"));
        // Nothing named before the preposition: what follows is what is asked for.
        let (found, expected) =
            weights("details of a single issue", &[("get", 1.0), ("issu", 1.0)]);
        assert_eq!(found, expected);
        assert_eq!(implied_action("details of a single issue"), None);
        assert_eq!(query_terms("get the releases"), ["get", "releas"]);
        assert_eq!(implied_action("get the releases"), None);
        assert_eq!(query_terms("commit history"), ["commit", "list"]);
        assert_eq!(implied_action("show the readme"), Some("get"));
        let (found, expected) = weights("show the readme", &[("show", SHOW), ("readm", 1.0)]);
        assert_eq!(found, expected);
        assert_eq!(
            query_terms("end a user's login session"),
            ["delet", "end", "user", "login", "session"]
        );
        // A clause about the things asked for names their context.
        let (found, expected) = weights(
            "which repositories a team can access",
            &[("repository", 1.0), ("team", CONTEXT), ("access", CONTEXT)],
        );
        assert_eq!(found, expected);
        // After a singular word the determiner may start a verb's object: all is asked for.
        let email = read_query("email a user a link");
        assert!(email.terms.iter().all(|(_, w)| *w == 1.0), "{email:?}");
    }

    #[test]
    fn who_asks_about_people_and_verbs_keep_their_own_word() {
        let (found, expected) = weights("who am i", &[("user", WHO), ("my", 1.0)]);
        assert_eq!(found, expected);
        assert_eq!(implied_action("who am i"), Some("get"));
        assert_eq!(implied_action("who starred this repo"), Some("list"));
        // A participle that describes the noun before it is neither the action asked for nor
        // a term: "webhooks configured on a repo" asks for webhooks, not their configuration.
        let (found, expected) = weights(
            "runners registered for a repository",
            &[("runner", 1.0), ("repository", CONTEXT)],
        );
        assert_eq!(found, expected);
        assert_eq!(
            implied_action("runners registered for a repository"),
            Some("list")
        );
        // "who is <doing>" asks for several people.
        assert_eq!(implied_action("who is following me"), Some("list"));
        assert_eq!(implied_action("who is the owner"), Some("get"));
        assert_eq!(
            read_query("was this pull request merged").implied,
            Some("get")
        );
        // Ending the question, it is what the question is about ("what the user consented to").
        let consented = read_query("what the user consented to");
        assert!(
            consented.terms.contains(&(stem("consented"), 1.0)),
            "{consented:?}"
        );
        let things = |q: &str| read_query(q).things;
        assert_eq!(
            things("who starred this repo"),
            [stem("starred"), stem("repo"), "user".into()]
        );
        assert_eq!(things("the releases of a project"), [stem("releases")]);
        assert!(things("details of a single issue").contains(&stem("issue")));
        let (found, expected) = weights(
            "invite someone",
            &[
                ("creat", 1.0),
                ("invit", OWN_WORD),
                ("user", 1.0),
                ("member", 1.0),
            ],
        );
        assert_eq!(found, expected);
        assert_eq!(
            query_terms("set up a provider"),
            ["creat", "provid", "provider"]
        );
        assert_eq!(implied_action("set up a provider"), None);
        // Being logged in is the caller's state, not an action: the question is still "get".
        let (found, expected) = weights("who am i logged in as", &[("user", WHO), ("my", 1.0)]);
        assert_eq!(found, expected);
        assert_eq!(implied_action("who am i logged in as"), Some("get"));
    }

    #[test]
    fn a_head_is_named_by_any_word_for_its_concepts() {
        assert_eq!(head_terms("add_user"), ["creat", "user"]);
        assert_eq!(head_terms("set_password"), ["updat", "password"]);
        assert_eq!(head_terms("releases"), ["releas"]);
    }
}
