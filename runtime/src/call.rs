//! The call of a generated tool, from arguments to result, in the order an agent's mistakes and
//! a list's pages call for it:
//!
//! 1. the arguments are checked against the input schema; if they do not fit, what converts
//!    without loss is converted ([`crate::coerce`]) and they are checked again;
//! 2. words where an identifier belongs are looked up with the resource's list tool
//!    ([`crate::recover`]): a read takes the one match, a write gets the candidates;
//! 3. the typed parse and the request;
//! 4. a 404 on a read, for an identifier given as words, is looked up the same way and retried;
//! 5. a failure says its kind, whether retrying helps, and the tool that fixes it
//!    ([`crate::outcome::classify`]);
//! 6. a page says the arguments of the next one ([`crate::paging`]), or with `--max-pages` the
//!    next ones are fetched too.
//!
//! Whatever was converted, resolved or fetched is said in the result's text and `_meta`.

use rmcp::model::{CallToolResult, JsonObject, Tool};
use serde_json::{json, Value};

use crate::args::ArgsError;
use crate::caller::Caller;
use crate::check::check;
use crate::coerce::{coerce, Conversion};
use crate::def::{ApiDef, NeedDef, ToolDef};
use crate::executor::{Called, Executor};
use crate::outcome::{self, Fix};
use crate::recover::{self, Resolution};
use crate::server::invalid_arguments;

/// `_meta` key of the conversions made: `[{field, from, to}]`.
pub const META_CONVERTED: &str = "spec2mcp/converted";
/// `_meta` key of the identifiers resolved: `[{argument, given, resolved, via}]`.
pub const META_RESOLVED: &str = "spec2mcp/resolved";
/// `_meta` key of the next page: `{arguments}` (or `{url}` when no arguments express it).
pub const META_NEXT: &str = "spec2mcp/next";
/// `_meta` key of the answer's pagination headers: `{name: value}`.
pub const META_HEADERS: &str = "spec2mcp/headers";

/// What the pipeline may do on its own.
#[derive(Debug, Clone, Copy)]
pub struct CallPolicy {
    /// Convert arguments that convert without loss (off with `--strict-arguments`).
    pub coerce: bool,
    /// Pages one read may fetch (`--max-pages`, default 1: the next page's arguments only).
    pub max_pages: usize,
    /// Largest body passed back whole, which fetched pages together stay within.
    pub max_bytes: usize,
}

/// One call of a generated tool.
pub struct ToolCall<'a> {
    /// The API.
    pub api: &'static ApiDef,
    /// The listed tools, by the same index as `api.tools` (their parsed input schemas).
    pub listed: &'a [Tool],
    /// Sends the requests.
    pub executor: &'a Executor,
    /// Who is calling.
    pub caller: &'a Caller,
    /// What the pipeline may do.
    pub policy: CallPolicy,
}

/// What the call did besides calling: said in the result.
#[derive(Default)]
struct Notes {
    converted: Vec<Conversion>,
    resolved: Vec<Value>,
}

impl ToolCall<'_> {
    /// Runs the tool at `index` with `args`.
    pub async fn run(&self, index: usize, mut args: JsonObject) -> CallToolResult {
        let def = &self.api.tools[index];
        let schema = &*self.listed[index].input_schema;
        let mut notes = Notes::default();
        let mut checked = check(&args, schema);
        if checked.is_err() && self.policy.coerce {
            let converted = coerce(&mut args, schema);
            if !converted.is_empty() {
                notes.converted = converted;
                checked = check(&args, schema);
            }
        }
        if let Err(err) = &checked {
            if let Some(need) = need_at(def, &err.field) {
                match self.words_for(def, need, &args, &err.field).await {
                    Lookup::Resolved(value, record) => {
                        recover::set_argument(&mut args, need.argument, value);
                        notes.resolved.push(record);
                        checked = check(&args, schema);
                    }
                    Lookup::Refused(result) => return notes.apply(result),
                    Lookup::NotWords => {}
                }
            }
        }
        // Kept for a retry after a 404 only where a lookup could make one.
        let kept = def
            .needs
            .iter()
            .any(|n| n.search.is_some())
            .then(|| args.clone());
        let request = match checked.and_then(|()| (def.build)(args)) {
            Ok(request) => request,
            Err(err) => {
                tracing::info!(tool = def.name, field = %err.field, "rejected arguments");
                let result = invalid_arguments(def.name, &err);
                return notes.apply(with_fix_for(result, def, &err.field));
            }
        };
        let mut called = self.executor.exchange(def, request, self.caller).await;
        let mut args = kept;
        if called.status == Some(404) && def.hints.read_only && notes.resolved.is_empty() {
            match self.retry_not_found(def, args.as_ref()).await {
                Some(Retry::Resolved(retried, resolved_args, record)) => {
                    called = *retried;
                    notes.resolved.push(record);
                    args = Some(resolved_args);
                }
                Some(Retry::Candidates(note)) => outcome::append_text(&mut called.result, &note),
                None => {}
            }
        }
        if called.status == Some(404) && !def.hints.read_only {
            if let Some(note) = self.candidates_for_write(def, args.as_ref()).await {
                outcome::append_text(&mut called.result, &note);
            }
        }
        if called.result.is_error == Some(true) {
            if called.status == Some(404) {
                if let Some(need) =
                    item_need(def).filter(|n| !n.from.is_empty() || n.search.is_some())
                {
                    called.result = outcome::with_fix(called.result, &fix_of(need));
                }
            }
            return notes.apply(called.result);
        }
        let result = self.pages(def, schema, args, called).await;
        notes.apply(result)
    }

    /// Looks the words given for `need` up, if they are words: a read takes the one match, a
    /// write (or no single match) gets an error with the candidates.
    async fn words_for(
        &self,
        def: &ToolDef,
        need: &NeedDef,
        args: &JsonObject,
        field: &str,
    ) -> Lookup {
        let (Some((list, search)), Some(Value::String(words))) =
            (need.search, recover::argument(args, need.argument))
        else {
            return Lookup::NotWords;
        };
        let found = match self.search(list, search, words).await {
            Ok(found) => found,
            Err(result) => return Lookup::Refused(result),
        };
        let what = format!("a {}'s {}", need.resource, need.field);
        let refuse = |text: String| {
            let err = ArgsError {
                field: field.to_owned(),
                message: text,
            };
            Lookup::Refused(outcome::with_fix(
                invalid_arguments(def.name, &err),
                &fix_of(need),
            ))
        };
        match found {
            Resolution::One(value, label) if def.hints.read_only => Lookup::Resolved(
                value.clone(),
                with_label(recover::record(need.argument, words, &value, list, search), &label),
            ),
            Resolution::One(value, label) => refuse(format!(
                "{words:?} is not {what}; `{list}` found one match, {}, but this tool changes data, so it does not pick for you: call it again with that value",
                recover::describe(&[(value, label)])
            )),
            Resolution::Several(candidates) => refuse(format!(
                "{words:?} is not {what}; `{list}` ({search}={words:?}) finds several: {}. Call again with one of these values",
                recover::describe(&candidates)
            )),
            Resolution::Nothing => refuse(format!(
                "{words:?} is not {what}, and `{list}` ({search}={words:?}) finds none"
            )),
        }
    }

    /// After a 404 on a read: if the item's identifier was given as words the list tool can
    /// look up, and exactly one resource matches, the call again with its identifier.
    async fn retry_not_found(
        &self,
        def: &'static ToolDef,
        args: Option<&JsonObject>,
    ) -> Option<Retry> {
        let args = args?;
        let need = item_need(def)?;
        let (list, search) = need.search?;
        let words = recover::argument(args, need.argument)?.as_str()?;
        let (value, label) = match self.search(list, search, words).await.ok()? {
            Resolution::One(value, label) => (value, label),
            Resolution::Several(candidates) => {
                return Some(Retry::Candidates(format!(
                    "`{list}` ({search}={words:?}) finds several: {}. Call again with one of these values.",
                    recover::describe(&candidates)
                )))
            }
            Resolution::Nothing => return None,
        };
        if value.as_str() == Some(words) {
            return None;
        }
        let mut resolved = args.clone();
        recover::set_argument(&mut resolved, need.argument, value.clone());
        let schema = &*self.listed[self.index_of(def.name)?].input_schema;
        check(&resolved, schema).ok()?;
        let request = (def.build)(resolved.clone()).ok()?;
        let called = self.executor.exchange(def, request, self.caller).await;
        let record = with_label(
            recover::record(need.argument, words, &value, list, search),
            &label,
        );
        Some(Retry::Resolved(Box::new(called), resolved, record))
    }

    /// After a 404 on a write: what the list tool finds for the identifier given, said but never
    /// acted on.
    async fn candidates_for_write(
        &self,
        def: &ToolDef,
        args: Option<&JsonObject>,
    ) -> Option<String> {
        let need = item_need(def)?;
        let (list, search) = need.search?;
        let words = recover::argument(args?, need.argument)?.as_str()?;
        let candidates = match self.search(list, search, words).await.ok()? {
            Resolution::One(value, label) => vec![(value, label)],
            Resolution::Several(candidates) => candidates,
            Resolution::Nothing => return None,
        };
        Some(format!(
            "Candidates from `{list}` ({search}={words:?}): {}. This tool changes data, so it does not pick one: call it again with the `{}` you mean.",
            recover::describe(&candidates),
            need.argument
        ))
    }

    /// Calls the list tool `list` with `words` in its `search` argument and reads its answer.
    async fn search(
        &self,
        list: &str,
        search: &str,
        words: &str,
    ) -> Result<Resolution, CallToolResult> {
        let field = self
            .api
            .tools
            .iter()
            .flat_map(|t| t.needs)
            .find(|n| n.search.map(|(l, _)| l) == Some(list))
            .map(|n| n.field)
            .unwrap_or("id");
        let Some(index) = self.index_of(list) else {
            return Ok(Resolution::Nothing);
        };
        let def = &self.api.tools[index];
        let mut args = JsonObject::new();
        args.insert(search.to_owned(), Value::String(words.to_owned()));
        let request = match (def.build)(args) {
            Ok(request) => request,
            Err(err) => return Err(invalid_arguments(def.name, &err)),
        };
        let called = self.executor.exchange(def, request, self.caller).await;
        if called.result.is_error == Some(true) {
            return Err(called.result);
        }
        let answer = called.result.structured_content.unwrap_or(Value::Null);
        Ok(recover::resolve(&answer, field, words))
    }

    /// A successful answer with the next page's arguments, or (with `--max-pages`) with the
    /// next pages' items.
    async fn pages(
        &self,
        def: &'static ToolDef,
        schema: &JsonObject,
        args: Option<JsonObject>,
        first: Called,
    ) -> CallToolResult {
        let mut result = first.result;
        let mut next = first.next;
        add_headers(&mut result, &first.page_headers);
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        // The call's arguments: kept for a lookup, else read back from nothing but the page.
        let mut args = args.unwrap_or_default();
        let mut fetched = 1;
        while let (Some(url), true) = (
            &next,
            fetched < self.policy.max_pages && def.hints.read_only,
        ) {
            let Some(next_args) = crate::paging::next_arguments(url, &args, &properties) else {
                break;
            };
            let Ok(request) = (def.build)(next_args.clone()) else {
                break;
            };
            let page = self.executor.exchange(def, request, self.caller).await;
            let (Some(mut more), false) = (
                page.result.structured_content,
                page.result.is_error == Some(true),
            ) else {
                break;
            };
            let Some(items) = crate::paging::items_mut(&mut more).map(std::mem::take) else {
                break;
            };
            let Some(all) = result
                .structured_content
                .as_mut()
                .and_then(crate::paging::items_mut)
            else {
                break;
            };
            all.extend(items);
            fetched += 1;
            next = page.next;
            args = next_args;
            if let Some(map) = result
                .structured_content
                .as_mut()
                .and_then(Value::as_object_mut)
            {
                if map.contains_key("next") {
                    map.insert(
                        "next".into(),
                        next.clone().map_or(Value::Null, Value::String),
                    );
                }
            }
            let size = result
                .structured_content
                .as_ref()
                .map_or(0, |v| v.to_string().len());
            if size > self.policy.max_bytes {
                break;
            }
        }
        if fetched > 1 {
            if let Some(structured) = &result.structured_content {
                let count =
                    crate::paging::items_mut(&mut structured.clone()).map_or(0, |i| i.len());
                let body = match structured.get("result") {
                    Some(array) if structured.as_object().is_some_and(|m| m.len() == 1) => {
                        array.to_string()
                    }
                    _ => structured.to_string(),
                };
                result.content = vec![rmcp::model::ContentBlock::text(body)];
                outcome::append_text(
                    &mut result,
                    &format!("Note: {fetched} pages fetched ({count} items)."),
                );
            }
        }
        if let Some(url) = next {
            let note = match crate::paging::next_arguments(&url, &args, &properties) {
                Some(next_args) => {
                    let line = format!(
                        "More results: call `{}` with {} for the next page.",
                        def.name,
                        Value::Object(next_args.clone())
                    );
                    set_meta(&mut result, META_NEXT, json!({"arguments": next_args}));
                    line
                }
                None => {
                    set_meta(&mut result, META_NEXT, json!({"url": url}));
                    format!("More results at {url} (no arguments of this tool ask for that page).")
                }
            };
            outcome::append_text(&mut result, &note);
        }
        result
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.api.tools.iter().position(|t| t.name == name)
    }
}

/// What a 404 on a read came to.
enum Retry {
    /// The call again with the one match's identifier, and the record of it.
    Resolved(Box<Called>, JsonObject, Value),
    /// Several matched: the note listing them.
    Candidates(String),
}

/// What looking words up came to.
enum Lookup {
    /// The identifier, and the record of it.
    Resolved(Value, Value),
    /// An error result to answer with (candidates, none, or the lookup's own failure).
    Refused(CallToolResult),
    /// The argument is not words a list can look up.
    NotWords,
}

impl Notes {
    /// Says in `result` what was converted and resolved.
    fn apply(self, mut result: CallToolResult) -> CallToolResult {
        if !self.converted.is_empty() {
            let said: Vec<String> = self
                .converted
                .iter()
                .map(|c| format!("`{}` from {} to {}", c.field, c.from, c.to))
                .collect();
            outcome::append_text(
                &mut result,
                &format!("Note: converted without loss: {}.", said.join(", ")),
            );
            let records: Vec<Value> = self
                .converted
                .iter()
                .map(|c| json!({"field": c.field, "from": c.from, "to": c.to}))
                .collect();
            set_meta(&mut result, META_CONVERTED, Value::Array(records));
        }
        if !self.resolved.is_empty() {
            for record in &self.resolved {
                let line = format!(
                    "Note: `{}` {} was resolved to {} by `{}` ({}={}): exactly one match{}.",
                    record["argument"].as_str().unwrap_or_default(),
                    record["given"],
                    record["resolved"],
                    record["via"]["tool"].as_str().unwrap_or_default(),
                    record["via"]["argument"].as_str().unwrap_or_default(),
                    record["given"],
                    record
                        .get("label")
                        .and_then(Value::as_str)
                        .filter(|l| !l.is_empty())
                        .map(|l| format!(", {l:?}"))
                        .unwrap_or_default(),
                );
                outcome::append_text(&mut result, &line);
            }
            set_meta(&mut result, META_RESOLVED, Value::Array(self.resolved));
        }
        result
    }
}

fn with_label(mut record: Value, label: &str) -> Value {
    if !label.is_empty() {
        record["label"] = Value::String(label.to_owned());
    }
    record
}

fn set_meta(result: &mut CallToolResult, key: &str, value: Value) {
    let mut meta = result.meta.take().unwrap_or_default();
    meta.0.insert(key.to_owned(), value);
    result.meta = Some(meta);
}

/// Passes the answer's pagination headers on in `_meta`.
fn add_headers(result: &mut CallToolResult, headers: &[(String, String)]) {
    if headers.is_empty() {
        return;
    }
    let map: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(n, v)| (n.clone(), Value::String(v.clone())))
        .collect();
    set_meta(result, META_HEADERS, Value::Object(map));
}

/// The need whose argument `field` is (or is inside).
fn need_at<'d>(def: &'d ToolDef, field: &str) -> Option<&'d NeedDef> {
    def.needs
        .iter()
        .find(|n| field == n.argument || field.starts_with(&format!("{}.", n.argument)))
}

/// The need of the item the path names: its last path parameter.
fn item_need(def: &ToolDef) -> Option<&NeedDef> {
    let last = def
        .path
        .rsplit('{')
        .next()
        .and_then(|rest| rest.split('}').next())
        .filter(|_| def.path.contains('{'))?;
    def.needs.iter().find(|n| n.argument == last)
}

/// A classified failure at `field` with the way out, when `field` is an identifier.
fn with_fix_for(result: CallToolResult, def: &ToolDef, field: &str) -> CallToolResult {
    match need_at(def, field).filter(|n| !n.from.is_empty() || n.search.is_some()) {
        Some(need) => outcome::with_fix(result, &fix_of(need)),
        None => result,
    }
}

/// Where a valid value for `need` comes from.
fn fix_of(need: &NeedDef) -> Fix {
    let (tool, search) = match (need.search, need.from.first()) {
        (Some((list, search)), _) => (list.to_owned(), Some(search.to_owned())),
        (None, Some(tool)) => ((*tool).to_owned(), None),
        (None, None) => (String::new(), None),
    };
    Fix {
        tool,
        search,
        argument: need.argument.to_owned(),
        what: format!("a {}'s {}", need.resource, need.field),
    }
}
