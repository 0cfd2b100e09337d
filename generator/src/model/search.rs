//! The search terms of each tool, computed here so the large-API mode's `search_operations`
//! ranks without reading every description at start-up: the terms of the name, the path's
//! resources, the tags, the title, the action and the resource (as DRF names them), whether it is
//! about the caller itself, the needs/yields index and the description, each weighted by how
//! much it says about the operation.

use std::collections::BTreeMap;

use super::{Action, Location, Tool};

/// The same text → terms rules the runtime reads queries with.
#[path = "../../../runtime/src/terms.rs"]
#[allow(dead_code)] // the query side is the runtime's
mod terms;

/// How much a term found in each part says about the operation.
const NAME: u32 = 3;
const RESOURCE: u32 = 3;
const CALLER: u32 = 3;
const PATH: u32 = 2;
const TAG: u32 = 2;
const TITLE: u32 = 2;
const ACTION: u32 = 2;
const LINKED: u32 = 1;
const DESCRIPTION: u32 = 1;
/// A field of the answer (`price`, `default_branch`) or a query filter (`state`, `open`): what an
/// agent may ask about, but less than anything that names the operation.
const FIELD: f64 = 0.5;
/// Description characters indexed, at most: its first sentence says what the operation is.
const DESCRIPTION_INDEXED: usize = 240;

/// The tool's index entry, its sections as `terms::SECTION` lays them out: what the runtime's
/// search index is built from.
pub fn search_terms(tool: &Tool) -> String {
    let mut weights: BTreeMap<String, u32> = BTreeMap::new();
    let mut add = |text: &str, weight: u32| {
        for term in terms::terms(text) {
            *weights.entry(term).or_insert(0) += weight;
        }
    };
    add(&tool.name.replace('_', " "), NAME);
    for segment in named_segments(&tool.path) {
        add(segment, PATH);
    }
    for tag in &tool.tags {
        add(tag, TAG);
    }
    add(&tool.title, TITLE);
    if let Some(resource) = &tool.semantics.resource {
        add(resource, RESOURCE);
    }
    let action = match &tool.semantics.action {
        Action::List => "list",
        Action::Retrieve => "get",
        Action::Create => "create",
        Action::Update | Action::PartialUpdate => "update",
        Action::Destroy => "delete",
        Action::Custom(name) => name.as_str(),
        Action::Other => "",
    };
    if tool
        .args
        .iter()
        .any(|a| a.param == "search" || a.param == "q")
    {
        add("search", LINKED);
    }
    add(action, ACTION);
    if about_the_caller(tool) {
        add("my", CALLER);
    }
    for need in &tool.needs {
        add(&need.resource, LINKED);
    }
    for term in terms::plain_terms(&first_sentence(&tool.description)) {
        *weights.entry(term).or_insert(0) += DESCRIPTION;
    }
    let mut fields: BTreeMap<String, f64> = BTreeMap::new();
    for field in &tool.semantics.fields {
        for term in terms::plain_terms(field) {
            fields.insert(term, FIELD);
        }
    }
    for text in query_filters(tool) {
        for term in terms::plain_terms(&text) {
            fields.insert(term, FIELD);
        }
    }
    [
        joined(&weights),
        head(&tool.path).join(" "),
        joined(&fields),
        kinds(
            tool.semantics.resource.as_deref(),
            &tool.semantics.action,
            &tool.path,
        )
        .join(" "),
        identified(&tool.path).join(" "),
        if tool.deprecated { "deprecated" } else { "" }.to_owned(),
    ]
    .join(terms::SECTION)
    // Sections left empty at the end read as empty without being written.
    .trim_end_matches(terms::SECTION)
    .to_owned()
}

/// The kinds of thing a tool is about: its resource's (`simple-user` → `user`) and, for a DRF
/// action on a collection or its items, the collection's (`/orgs/{org}/members` → `member`):
/// the organization's members are users, and members too.
fn kinds(resource: Option<&str>, action: &Action, path: &str) -> Vec<String> {
    let Some(resource) = resource.and_then(terms::kind_term) else {
        // Of unknown kind: not judged by kind at all.
        return Vec::new();
    };
    let segments: Vec<&str> = named_segments(path).collect();
    // `/stages/email/` holds stages of one type: the path names the resource's kind already.
    let named_in_path = segments
        .iter()
        .any(|s| terms::kind_term(s).as_deref() == Some(resource.as_str()));
    let standard = !matches!(action, Action::Custom(_) | Action::Other);
    let collection = segments.last().filter(|_| standard && !named_in_path);
    let mut out = vec![resource];
    if let Some(kind) = collection.and_then(|s| terms::kind_term(s)) {
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    out
}

/// The path's segments that name something, its parameters left out (`/orgs/{org}/members`
/// → `orgs`, `members`).
fn named_segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
}

/// The things the path identifies, each the kind of the collection a parameter follows
/// (`/orgs/{org}/teams/{team_slug}/members` → `organiz`, `team`): what a caller must already
/// know to use the tool.
fn identified(path: &str) -> Vec<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut out: Vec<String> = Vec::new();
    for pair in segments.windows(2) {
        if pair[1].starts_with('{') && !pair[0].starts_with('{') {
            if let Some(kind) = terms::kind_term(pair[0]) {
                if !out.contains(&kind) {
                    out.push(kind);
                }
            }
        }
    }
    out
}

/// What a tool's query parameters let an agent ask for: their names and the values of those
/// that take one of a list (`state`: `open`, `closed`, `all`), so "open pull requests" meets the
/// list that filters by `open`.
fn query_filters(tool: &Tool) -> Vec<String> {
    let mut out = Vec::new();
    for arg in tool
        .args
        .iter()
        .filter(|a| a.location == Location::Query && a.is_open())
    {
        out.push(arg.wire.clone());
        let schema = &tool.input_schema["properties"][&arg.wire];
        let listed = [&schema["enum"], &schema["items"]["enum"]];
        let variants = schema["anyOf"].as_array().into_iter().flatten();
        for values in listed
            .into_iter()
            .chain(variants.map(|v| &v["enum"]))
            .filter_map(|v| v.as_array())
        {
            out.extend(values.iter().filter_map(|v| v.as_str()).map(str::to_owned));
        }
    }
    out
}

fn joined<W: std::fmt::Display>(weights: &BTreeMap<String, W>) -> String {
    weights
        .iter()
        .map(|(term, weight)| format!("{term}:{weight}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The terms of what the path ends in, its last segment that is not a parameter: the thing
/// the operation is about (`/repos/{owner}/{repo}/releases` → `releas`), or its custom action
/// (`/users/{id}/set_password/` → `set`, `password`).
fn head(path: &str) -> Vec<String> {
    let last = named_segments(path).last().unwrap_or_default();
    terms::head_terms(last)
}

/// The description's first sentence (up to [`DESCRIPTION_INDEXED`] characters).
fn first_sentence(text: &str) -> String {
    let text: String = text.chars().take(DESCRIPTION_INDEXED).collect();
    match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text,
    }
}

/// Whether the operation is about the caller itself: a `/me/` or `/user/` path that names no
/// other user, or a description that says "the authenticated user".
fn about_the_caller(tool: &Tool) -> bool {
    let segments: Vec<&str> = tool.path.split('/').filter(|s| !s.is_empty()).collect();
    let names_someone = tool
        .args
        .iter()
        .any(|a| a.location == Location::Path && (a.param.contains("user") || a.param == "owner"));
    let own_path = segments.iter().enumerate().any(|(i, s)| {
        matches!(*s, "me" | "my" | "self" | "current" | "whoami")
            || (*s == "user"
                && segments
                    .get(i + 1)
                    .is_none_or(|next| !next.starts_with('{')))
    });
    (own_path && !names_someone) || says_caller(&tool.description)
}

/// Whether a description's first sentence, where an operation says what it is, says it is
/// about the caller: "If the authenticated user is also a member…" further on does not make a
/// list of an organization's members the caller's own.
fn says_caller(description: &str) -> bool {
    let text = first_sentence(description).to_ascii_lowercase();
    [
        "the authenticated user",
        "the current user",
        "the authenticated caller",
    ]
    .iter()
    .any(|phrase| text.contains(phrase))
}

#[cfg(test)]
mod tests {
    use super::{identified, kinds, says_caller, terms, Action};

    #[test]
    fn a_path_identifies_the_collections_its_parameters_follow() {
        let stems = |words: &[&str]| words.iter().map(|w| terms::stem(w)).collect::<Vec<_>>();
        assert_eq!(
            identified("/orgs/{org}/teams/{team_slug}/members"),
            stems(&["organization", "team"])
        );
        // `{repo}` follows a parameter, not a collection: the repository is named once.
        assert_eq!(
            identified("/repos/{owner}/{repo}/releases/{release_id}"),
            stems(&["repository", "release"])
        );
        assert_eq!(
            identified("/api/v1/core/users/{id}/set_password/"),
            stems(&["user"])
        );
        assert!(identified("/user").is_empty());
    }

    #[test]
    fn a_tool_is_of_its_resources_kind_and_its_collections() {
        let stems = |words: &[&str]| words.iter().map(|w| terms::stem(w)).collect::<Vec<_>>();
        // An organization's members are users, and members.
        assert_eq!(
            kinds(Some("simple-user"), &Action::List, "/orgs/{org}/members"),
            stems(&["user", "member"])
        );
        // `/stages/email/` holds stages of one type: `email` is no kind of thing here.
        assert_eq!(
            kinds(
                Some("EmailStage"),
                &Action::Retrieve,
                "/stages/email/{stage_uuid}/"
            ),
            stems(&["stage"])
        );
        // A custom action's path ends in what it does, not in a collection.
        assert_eq!(
            kinds(
                Some("User"),
                &Action::Custom("set_password".into()),
                "/users/{id}/set_password/"
            ),
            stems(&["user"])
        );
        // Of unknown kind, a tool is not judged by its path either.
        assert!(kinds(None, &Action::List, "/repos/{owner}/{repo}/contents").is_empty());
    }

    #[test]
    fn only_the_first_sentence_makes_a_tool_the_callers() {
        assert!(says_caller(
            "Lists repositories that the authenticated user has access to."
        ));
        assert!(!says_caller(
            "List all users who are members of an organization. If the authenticated user is \
             also a member of this organization then both concealed and public members will be \
             returned."
        ));
    }
}
