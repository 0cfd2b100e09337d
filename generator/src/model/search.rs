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
    for segment in tool
        .path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
    {
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
        tool.semantics
            .resource
            .as_deref()
            .and_then(terms::kind_term)
            .unwrap_or_default(),
        identified(&tool.path).join(" "),
    ]
    .join(terms::SECTION)
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
    let last = path
        .split('/')
        .rev()
        .find(|s| !s.is_empty() && !s.starts_with('{'))
        .unwrap_or_default();
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
    let text = tool.description.to_ascii_lowercase();
    (own_path && !names_someone)
        || text.contains("the authenticated user")
        || text.contains("the current user")
        || text.contains("the authenticated caller")
}

#[cfg(test)]
mod tests {
    use super::{identified, terms};

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
}
