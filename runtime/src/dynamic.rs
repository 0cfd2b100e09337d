//! The large-API mode (`ToolMode::Dynamic`): instead of one tool per operation, `tools/list`
//! offers three meta tools — search the operations, describe one, call one — so an API with a
//! thousand operations costs an agent a few KB of context instead of megabytes. Calls still go
//! through the generated tool's typed input and the same executor; nothing here builds requests.

use std::collections::HashMap;
use std::sync::Arc;

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use serde_json::{json, Value};

use crate::def::ApiDef;

/// `search_operations`: find operations by words.
pub const SEARCH: &str = "search_operations";
/// `describe_operation`: one operation's description and input schema.
pub const DESCRIBE: &str = "describe_operation";
/// `call_operation`: call one operation by name.
pub const CALL: &str = "call_operation";

/// Most results one search returns.
const MAX_LIMIT: usize = 50;
const DEFAULT_LIMIT: usize = 10;

/// Which meta tool a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meta {
    /// `search_operations`.
    Search,
    /// `describe_operation`.
    Describe,
    /// `call_operation`.
    Call,
}

impl Meta {
    /// The meta tool called `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Meta> {
        match name {
            SEARCH => Some(Meta::Search),
            DESCRIBE => Some(Meta::Describe),
            CALL => Some(Meta::Call),
            _ => None,
        }
    }
}

/// The three meta tools as `tools/list` shows them.
pub fn meta_tools(api: &ApiDef) -> Vec<Tool> {
    let count = api.tools.len();
    let read_only = api.tools.iter().all(|t| t.hints.read_only);
    let destructive = api.tools.iter().any(|t| t.hints.destructive);
    let search = tool(
        SEARCH,
        "Search operations",
        format!(
            "Find operations of the {} ({count} in all) by words in their name, path, summary, \
             tags, filters and the fields they answer with. Returns names to pass to `{DESCRIBE}` \
             and `{CALL}`.",
            api.title
        ),
        json!({
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "Words to look for, e.g. `list repository issues`. Empty lists the first operations."},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT, "description": "Most operations to return."}
            },
            "required": ["query"],
            "additionalProperties": false
        }),
        ToolAnnotations::with_title("Search operations")
            .read_only(true)
            .open_world(false),
    );
    let describe = tool(
        DESCRIBE,
        "Describe an operation",
        format!(
            "The full description of one operation: what it does, its HTTP method and path, and \
             the JSON Schema of the arguments `{CALL}` takes for it."
        ),
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": format!("An operation name from `{SEARCH}`.")}
            },
            "required": ["name"],
            "additionalProperties": false
        }),
        ToolAnnotations::with_title("Describe an operation")
            .read_only(true)
            .open_world(false),
    );
    let mut call_hints = ToolAnnotations::with_title("Call an operation")
        .read_only(read_only)
        .open_world(true);
    if !read_only {
        call_hints = call_hints.destructive(destructive).idempotent(false);
    }
    let call = tool(
        CALL,
        "Call an operation",
        format!(
            "Calls one operation of the {} over HTTP. `arguments` must follow the input schema \
             `{DESCRIBE}` gives for it; a wrong argument is reported by field and nothing is sent.",
            api.title
        ),
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": format!("An operation name from `{SEARCH}`.")},
                "arguments": {"type": "object", "description": "The operation's arguments.", "default": {}}
            },
            "required": ["name"],
            "additionalProperties": false
        }),
        call_hints,
    );
    vec![search, describe, call]
}

fn tool(
    name: &'static str,
    title: &str,
    description: String,
    schema: Value,
    hints: ToolAnnotations,
) -> Tool {
    let schema: JsonObject = match schema {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    };
    let mut tool = Tool::new(name, description, Arc::new(schema));
    tool.title = Some(title.to_owned());
    tool.with_annotations(hints)
}

/// Arguments of a meta tool that are not what its schema says.
#[derive(Debug)]
pub struct MetaArgsError {
    /// The field at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl MetaArgsError {
    /// The `isError` result naming the field, worded like a generated tool's argument error
    /// (an empty field is left out).
    pub fn into_result(self, tool: &str) -> CallToolResult {
        let err = crate::args::ArgsError {
            field: self.field.to_owned(),
            message: self.message,
        };
        CallToolResult::error(vec![ContentBlock::text(format!(
            "Invalid arguments for tool `{tool}`: {err}"
        ))])
    }
}

fn reject_unknown(args: &JsonObject, known: &[&str]) -> Result<(), MetaArgsError> {
    match crate::args::unknown_field(args, known) {
        Some(message) => Err(MetaArgsError { field: "", message }),
        None => Ok(()),
    }
}

fn string_field(
    args: &JsonObject,
    field: &'static str,
    required: bool,
) -> Result<Option<String>, MetaArgsError> {
    match args.get(field) {
        Some(Value::String(text)) => Ok(Some(text.clone())),
        None if !required => Ok(None),
        None => Err(MetaArgsError {
            field,
            message: "missing field".to_owned(),
        }),
        Some(other) => Err(MetaArgsError {
            field,
            message: format!("expected a string, got {other}"),
        }),
    }
}

/// `search_operations`: operations ranked by BM25 over the terms the generator gave each tool
/// (name, path, tags, texts, DRF action and resource, whether it is about the caller, the
/// needs/yields index, the answer's fields and the query filters), the query read with the
/// same rules ([`SearchIndex::rank`]); ties in table order.
pub fn search(
    api: &ApiDef,
    index: &SearchIndex,
    args: &JsonObject,
) -> Result<CallToolResult, MetaArgsError> {
    reject_unknown(args, &["query", "limit"])?;
    let query = string_field(args, "query", true)?.unwrap_or_default();
    let limit = match args.get("limit") {
        None | Some(Value::Null) => DEFAULT_LIMIT,
        Some(value) => match value.as_u64() {
            Some(n) if (1..=MAX_LIMIT as u64).contains(&n) => n as usize,
            _ => {
                return Err(MetaArgsError {
                    field: "limit",
                    message: format!("expected an integer from 1 to {MAX_LIMIT}, got {value}"),
                })
            }
        },
    };
    let ranked = index.rank(&query);
    let total = if crate::terms::terms(&query).is_empty() {
        api.tools.len()
    } else {
        ranked.len()
    };
    let order: Vec<usize> = if crate::terms::terms(&query).is_empty() {
        (0..api.tools.len()).collect()
    } else {
        ranked.iter().map(|(index, _)| *index).collect()
    };
    let operations: Vec<Value> = order
        .iter()
        .take(limit)
        .map(|&index| {
            let def = &api.tools[index];
            json!({
                "name": def.name,
                "title": def.title,
                "method": def.method.as_str(),
                "path": def.path,
                "tags": def.tags,
            })
        })
        .collect();
    let structured = json!({
        "matches": total,
        "operations": operations,
        "next": format!("Call `{DESCRIBE}` with one of these names for its arguments, then `{CALL}`."),
    });
    Ok(structured_result(structured))
}

/// An inverted index of the tools' weighted search terms, for BM25 ranking. Built on the first
/// search (splitting the generated strings), so start-up does not pay for it.
#[derive(Debug)]
pub struct SearchIndex {
    postings: HashMap<String, Vec<(usize, f64)>>,
    lengths: Vec<f64>,
    average: f64,
    heads: Vec<Vec<String>>,
    /// The kinds of thing each tool is about (its resource's, its collection's).
    kinds: Vec<Vec<String>>,
    /// The kinds of the things each tool's path identifies.
    identifies: Vec<Vec<String>>,
    /// Whether the spec marks each tool's operation deprecated.
    deprecated: Vec<bool>,
}

/// How much more a tool scores when the query names its whole head (what its path ends in).
const HEAD_BONUS: f64 = 0.3;
/// How much more a tool scores, when the query asks for a kind of thing (its words at full
/// weight name a tool's kind), unless all its kinds are known and none is asked for: "delete
/// a user" asks for a user, not for a stage that deletes users. A tool whose resource is
/// unknown (an answer without a named schema) is not judged.
const KIND_BONUS: f64 = 0.3;
/// How much less a tool scores for each thing its path identifies that the query does not
/// name: "members of an organization" asks for the organization's members, not a team's.
const UNNAMED_IDENTIFIED: f64 = 0.15;
/// How much less a deprecated operation scores: the spec says to use another, which a search
/// should offer first, while still finding this one when asked for by its own words.
const DEPRECATED: f64 = 0.5;

impl SearchIndex {
    /// The index of `api`'s tools.
    pub fn new(api: &ApiDef) -> Self {
        SearchIndex::from_terms(api.tools.iter().map(|t| t.search_terms))
    }

    /// The index of tools given by their index entries (laid out as
    /// [`crate::terms::SECTION`] says), in table order.
    pub fn from_terms<'t>(tools: impl IntoIterator<Item = &'t str>) -> Self {
        let mut postings: HashMap<String, Vec<(usize, f64)>> = HashMap::new();
        let mut lengths = Vec::new();
        let mut heads = Vec::new();
        let mut kinds = Vec::new();
        let mut identifies = Vec::new();
        let mut deprecated = Vec::new();
        for (index, search_terms) in tools.into_iter().enumerate() {
            let mut sections = search_terms.split(crate::terms::SECTION);
            let weighted = sections.next().unwrap_or_default();
            let head = sections.next().unwrap_or_default();
            let fields = sections.next().unwrap_or_default();
            let kind = sections.next().unwrap_or_default();
            let identified = sections.next().unwrap_or_default();
            let flags = sections.next().unwrap_or_default();
            let mut length = 0.0;
            let mut entries: HashMap<&str, f64> = HashMap::new();
            for (section, counted) in [(weighted, true), (fields, false)] {
                for entry in section.split_whitespace() {
                    let Some((term, weight)) = entry.rsplit_once(':') else {
                        continue;
                    };
                    let weight: f64 = weight.parse().unwrap_or(1.0);
                    if counted {
                        length += weight;
                    }
                    *entries.entry(term).or_insert(0.0) += weight;
                }
            }
            for (term, weight) in entries {
                postings
                    .entry(term.to_owned())
                    .or_default()
                    .push((index, weight));
            }
            lengths.push(length);
            heads.push(head.split_whitespace().map(str::to_owned).collect());
            kinds.push(kind.split_whitespace().map(str::to_owned).collect());
            identifies.push(identified.split_whitespace().map(str::to_owned).collect());
            deprecated.push(flags.split_whitespace().any(|f| f == "deprecated"));
        }
        let average = lengths.iter().sum::<f64>() / lengths.len().max(1) as f64;
        SearchIndex {
            postings,
            lengths,
            average: average.max(1.0),
            heads,
            kinds,
            identifies,
            deprecated,
        }
    }

    /// The tools matching `query`, best first, with their scores: BM25 (k1 = 1.2, b = 0.75)
    /// with each query term weighted as [`crate::terms::read_query`] reads it, the action the
    /// query implies ranking what its terms found, a tool whose head the query names whole
    /// scoring [`HEAD_BONUS`] more, when the query asks for kinds of thing every tool not
    /// known to be of another kind [`KIND_BONUS`] more, [`UNNAMED_IDENTIFIED`] less for each
    /// thing its path identifies that the query does not name, and a deprecated operation
    /// [`DEPRECATED`] less.
    pub fn rank(&self, query: &str) -> Vec<(usize, f64)> {
        const K1: f64 = 1.2;
        const B: f64 = 0.75;
        let asked = crate::terms::read_query(query);
        let n = self.lengths.len() as f64;
        let mut scores: HashMap<usize, f64> = HashMap::new();
        let implied = asked
            .implied
            .filter(|t| !asked.terms.iter().any(|(a, _)| a == t));
        let terms = asked.terms.iter().map(|(t, w)| (t.as_str(), *w, false));
        for (term, asked_weight, only_ranks) in terms.chain(implied.map(|t| (t, 1.0, true))) {
            let Some(posting) = self.postings.get(term) else {
                continue;
            };
            let df = posting.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for &(index, weight) in posting {
                let norm = 1.0 - B + B * self.lengths[index] / self.average;
                let score = asked_weight * idf * weight * (K1 + 1.0) / (weight + K1 * norm);
                if only_ranks {
                    if let Some(found) = scores.get_mut(&index) {
                        *found += score;
                    }
                } else {
                    *scores.entry(index).or_insert(0.0) += score;
                }
            }
        }
        // The kinds of thing the query asks for that some tool is of. When it asks for none, no
        // tool's kind is judged.
        let asked_for: Vec<&str> = asked
            .things
            .iter()
            .filter(|t| self.kinds.iter().flatten().any(|k| k == *t))
            .map(String::as_str)
            .collect();
        for (index, score) in scores.iter_mut() {
            let head = &self.heads[*index];
            let named =
                !head.is_empty() && head.iter().all(|h| asked.terms.iter().any(|(t, _)| t == h));
            if named {
                *score *= 1.0 + HEAD_BONUS;
            }
            let kinds = &self.kinds[*index];
            let of_another_kind =
                !kinds.is_empty() && !kinds.iter().any(|k| asked_for.contains(&k.as_str()));
            if !asked_for.is_empty() && !of_another_kind {
                *score *= 1.0 + KIND_BONUS;
            }
            let unnamed = self.identifies[*index]
                .iter()
                .filter(|n| !asked.terms.iter().any(|(t, _)| t == *n))
                .count();
            *score *= (1.0 - UNNAMED_IDENTIFIED).powi(unnamed as i32);
            if self.deprecated[*index] {
                *score *= 1.0 - DEPRECATED;
            }
        }
        let mut ranked: Vec<(usize, f64)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
    }
}

/// The index of the operation a `describe_operation` or `call_operation` names, or an error
/// that suggests the closest names.
pub fn operation(
    api: &ApiDef,
    index: &SearchIndex,
    args: &JsonObject,
    known: &[&str],
) -> Result<usize, MetaArgsError> {
    reject_unknown(args, known)?;
    let name = string_field(args, "name", true)?.unwrap_or_default();
    if let Some(position) = api.tools.iter().position(|t| t.name == name) {
        return Ok(position);
    }
    let mut suggestions: Vec<&str> =
        crate::suggest::closest(&name, api.tools.iter().map(|t| t.name), 3);
    for (position, _) in index.rank(&name.replace('_', " ")).into_iter().take(3) {
        if suggestions.len() < 3 && !suggestions.contains(&api.tools[position].name) {
            suggestions.push(api.tools[position].name);
        }
    }
    let hint = if suggestions.is_empty() {
        format!("use `{SEARCH}` to find operation names")
    } else {
        format!("did you mean {}?", suggestions.join(", "))
    };
    Err(MetaArgsError {
        field: "name",
        message: format!("no operation is called `{name}`; {hint}"),
    })
}

/// `describe_operation`: the operation's tool, as `tools/list` would have shown it.
pub fn describe(described: &Tool) -> CallToolResult {
    let value = serde_json::to_value(described).unwrap_or(Value::Null);
    structured_result(value)
}

/// The arguments object of a `call_operation`.
pub fn call_arguments(args: &JsonObject) -> Result<JsonObject, MetaArgsError> {
    match args.get("arguments") {
        None | Some(Value::Null) => Ok(JsonObject::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(other) => Err(MetaArgsError {
            field: "arguments",
            message: format!("expected an object, got {other}"),
        }),
    }
}

fn structured_result(value: Value) -> CallToolResult {
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(value);
    result
}

#[cfg(test)]
mod tests {
    use super::SearchIndex;

    #[test]
    fn a_tool_whose_head_the_query_names_ranks_first() {
        // Same weights; only the head differs (what each path ends in).
        let index = SearchIndex::from_terms([
            "issu:3 get:2 comment:3 | comment | ",
            "issu:3 get:2 | issu | ",
        ]);
        let ranked = index.rank("details of a single issue");
        assert_eq!(ranked[0].0, 1, "{ranked:?}");
        assert_eq!(ranked.len(), 2);
    }

    #[test]
    fn the_tool_of_the_kind_asked_for_ranks_first() {
        let shared: Vec<String> = crate::terms::terms("user delete")
            .iter()
            .map(|t| format!("{t}:3"))
            .collect();
        let entry = |resource: &str| {
            let kind = crate::terms::kind_term(resource).unwrap_or_default();
            [shared.join(" "), String::new(), String::new(), kind].join(crate::terms::SECTION)
        };
        let entries = [entry("UserDeleteStage"), entry("User"), entry("")];
        let index = SearchIndex::from_terms(entries.iter().map(String::as_str));
        let score = |ranked: &[(usize, f64)], tool: usize| {
            ranked
                .iter()
                .find(|(i, _)| *i == tool)
                .map_or(0.0, |(_, s)| *s)
        };
        let ranked = index.rank("delete a user");
        assert!(score(&ranked, 1) > score(&ranked, 0), "{ranked:?}");
        // A tool of unknown kind is not judged: it keeps up with the one asked for.
        assert_eq!(score(&ranked, 2), score(&ranked, 1), "{ranked:?}");
        // Named only as context ("of a user"), the kind earns nothing.
        let context = index.rank("deletion stages of a user");
        assert!(score(&context, 0) > score(&context, 1), "{context:?}");
        // A query that asks for no kind of thing judges no tool by its kind, known or not.
        let none = index.rank("delete");
        assert!(
            none.iter().all(|(_, score)| *score == none[0].1),
            "{none:?}"
        );
    }

    #[test]
    fn a_tool_that_needs_a_thing_the_query_does_not_name_ranks_lower() {
        // Same terms; the first identifies a team besides the organization.
        let index = SearchIndex::from_terms([
            "member:3 list:2 organiz:2 | member |  | user | organiz team",
            "member:3 list:2 organiz:2 | member |  | user | organiz",
        ]);
        let ranked = index.rank("members of an organization");
        assert_eq!(ranked[0].0, 1, "{ranked:?}");
        // Named, the team costs nothing: table order decides.
        let ranked = index.rank("members of a team in an organization");
        assert_eq!(ranked[0].0, 0, "{ranked:?}");
        assert_eq!(ranked[0].1, ranked[1].1, "{ranked:?}");
    }

    #[test]
    fn a_tool_of_several_kinds_is_of_each() {
        // Two lists of members: one answers `simple-user`s from `/orgs/{org}/members`, the
        // other `team-member`s. Both are members; only the first is also a user.
        let index = SearchIndex::from_terms([
            "member:3 list:2 | member |  | member | ",
            "member:3 list:2 | member |  | user member | ",
            "member:3 list:2 | member |  | user | ",
        ]);
        let ranked = index.rank("members");
        assert_eq!(ranked[0].1, ranked[1].1, "{ranked:?}");
        assert!(ranked[1].1 > ranked[2].1, "{ranked:?}");
        assert_eq!(ranked[2].0, 2, "{ranked:?}");
    }

    #[test]
    fn a_deprecated_operation_ranks_below_its_replacement() {
        let index = SearchIndex::from_terms([
            "team:3 member:3 list:2 | member |  |  |  | deprecated",
            "team:3 member:3 list:2 | member |  |  |  | ",
        ]);
        let ranked = index.rank("team members");
        assert_eq!(ranked[0].0, 1, "{ranked:?}");
        // Still found when it is all there is.
        assert_eq!(ranked.len(), 2);
        assert!(ranked[1].1 > 0.0);
    }

    #[test]
    fn answer_fields_match_without_making_a_tool_longer() {
        let index = SearchIndex::from_terms([
            "product:3 list:2 | product | ",
            "product:3 list:2 | product | pric:0.5 nam:0.5",
        ]);
        // A field is found: the tool with it comes first, though second in table order.
        let ranked = index.rank("product price");
        assert_eq!(ranked[0].0, 1, "{ranked:?}");
        assert!(ranked[0].1 > ranked[1].1);
        // The fields do not lengthen the tool: without a field match both score the same.
        let plain = index.rank("products");
        assert_eq!(plain[0].1, plain[1].1);
        // A query for the field alone finds the tool that has it.
        assert_eq!(index.rank("price").len(), 1);
    }
}
