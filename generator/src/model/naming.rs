//! Names: tool names on the wire and Rust identifiers, each made in exactly one place.
//!
//! Tool names are `[a-z0-9_]`, at most a configurable length (64 by default: clients prefix them,
//! e.g. `mcp__server__tool`), shortened deterministically with a hash of the full name, and made
//! unique in document order. Rust identifiers are ASCII, never keywords, and keep the wire name
//! through `#[serde(rename)]` in the emitted code.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Action, Settings, Tool};
use crate::config::{Piece, Placeholder};
use crate::diag::{join_pointer, Diagnostic};
use crate::resolve::Operation;

/// Rust keywords (2021 edition, strict and reserved) plus names that cannot be raw identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Latin letters with diacritics → their base letter (`Ü` → `U`), so `Ünïcödé` names stay
/// readable; other non-ASCII characters become separators.
fn fold(c: char) -> char {
    const FROM: &str =
        "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿŠšŽžČčĆćŁłŃńŚśŹźŻżĞğİıŞş";
    const TO: &str =
        "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyySsZzCcCcLlNnSsZzZzGgIiSs";
    FROM.chars()
        .position(|f| f == c)
        .and_then(|i| TO.chars().nth(i))
        .unwrap_or(c)
}

/// Keeps ASCII letters, digits and underscores, collapsing runs of underscores.
fn ascii_word(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(fold) {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end_matches('_').to_owned()
}

/// `tag's` → `tags`: an apostrophe inside a word joins it (operationIds written as sentences,
/// "List a tag's values"), where a case converter would split it (`tag_s`).
fn join_apostrophes(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|&(i, c)| {
            let apostrophe = matches!(c, '\'' | '’' | 'ʼ');
            let inside = i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
            !(apostrophe && inside)
        })
        .map(|(_, c)| *c)
        .collect()
}

/// Lower-case snake words of `raw`: `List a tag's values` → `list_a_tags_values`.
fn snake_words(raw: &str) -> String {
    ascii_word(&join_apostrophes(raw).to_snake_case()).to_ascii_lowercase()
}

/// A tool name from an operationId (or `method_path`), at most `max_len` characters.
pub fn tool_name(raw: &str, max_len: usize) -> String {
    let snake = snake_words(raw);
    let snake = if snake.is_empty() {
        "operation".to_owned()
    } else {
        snake
    };
    shorten(&snake, raw, max_len)
}

/// The tool name of an operation: the config's `rename` entry for its operationId (or for its
/// generated name), else the generated name made unique among `taken`.
pub fn operation_tool_name(
    op: &Operation<'_>,
    settings: &Settings,
    taken: &mut HashSet<String>,
) -> Result<String, Diagnostic> {
    let id = op
        .op
        .get("operationId")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty());
    let raw = raw_name(id, op.method, &op.path);
    let generated = tool_name(&raw, settings.max_tool_name_len);
    let renamed = id
        .and_then(|id| settings.rename.get(id))
        .or_else(|| settings.rename.get(&generated));
    if let Some(new) = renamed {
        let valid = !new.is_empty()
            && new.len() <= settings.max_tool_name_len
            && new
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(Diagnostic::error(
                join_pointer(&op.pointer, "operationId"),
                format!(
                    "the config renames this operation to `{new}`, which is not a valid tool name"
                ),
            )
            .with_fix(format!(
                "use only a-z, 0-9 and _ and at most {} characters",
                settings.max_tool_name_len
            )));
        }
        if !taken.insert(new.clone()) {
            return Err(Diagnostic::error(
                join_pointer(&op.pointer, "operationId"),
                format!(
                    "the config renames this operation to `{new}`, which another tool already has"
                ),
            )
            .with_fix("choose a different name in [rename]"));
        }
        return Ok(new.clone());
    }
    Ok(unique(generated, taken, settings.max_tool_name_len))
}

/// Renames the tools by the config's `tool_name` template, once they are built and their DRF
/// actions known (a custom `@action` is recognised only beside the other tools). A tool that
/// `rename` names keeps that name. Rust items keep the names the operationId gave them, so
/// changing the template changes only what agents see. References between tools (the needs
/// index) follow.
pub fn apply_template(tools: &mut [Tool], settings: &Settings) {
    let Some(pieces) = &settings.tool_name else {
        return;
    };
    let max = settings.max_tool_name_len;
    let renamed = |tool: &Tool| {
        let raw = raw_name(tool.operation_id.as_deref(), &tool.method, &tool.path);
        tool.operation_id
            .as_ref()
            .is_some_and(|id| settings.rename.contains_key(id))
            || settings.rename.contains_key(&tool_name(&raw, max))
    };
    let mut taken: HashSet<String> = tools
        .iter()
        .filter(|t| renamed(t))
        .map(|t| t.name.clone())
        .collect();
    let mut new_names = std::collections::HashMap::new();
    for tool in tools.iter().filter(|t| !renamed(t)) {
        let raw: String = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.clone(),
                Piece::Slot(slot) => placeholder(tool, *slot, settings),
            })
            .collect();
        let name = unique(tool_name(&raw, max), &mut taken, max);
        new_names.insert(tool.name.clone(), name);
    }
    let rename = |name: &mut String| {
        if let Some(new) = new_names.get(name.as_str()) {
            name.clone_from(new);
        }
    };
    for tool in tools.iter_mut() {
        rename(&mut tool.name);
        for need in &mut tool.needs {
            need.from.iter_mut().for_each(rename);
            if let Some((list, _)) = &mut need.search {
                rename(list);
            }
        }
    }
}

/// The text of one placeholder for `tool`.
fn placeholder(tool: &Tool, slot: Placeholder, settings: &Settings) -> String {
    let operation_id = || raw_name(tool.operation_id.as_deref(), &tool.method, &tool.path);
    match slot {
        Placeholder::OperationId => operation_id(),
        Placeholder::Tag => tool.tags.first().cloned().unwrap_or_default(),
        Placeholder::Resource => path_resource(&tool.path, &tool.semantics.action),
        Placeholder::Action => match tool.semantics.action.name() {
            "" => operation_id(),
            action => action.to_owned(),
        },
        Placeholder::Method => tool.method.to_ascii_lowercase(),
        Placeholder::Namespace => settings.namespace.clone(),
    }
}

/// The collection a path names: its last literal segment, or for a custom action (whose own
/// segment is last) the one before it. `products` for `/api/products/{slug}/publish/`.
fn path_resource(path: &str, action: &Action) -> String {
    let literals: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .collect();
    let skip = usize::from(matches!(action, Action::Custom(_)) && literals.len() > 1);
    literals
        .iter()
        .rev()
        .nth(skip)
        .map(|s| (*s).to_owned())
        .unwrap_or_default()
}

/// What a tool name is made from: the operationId, else `<method>_<path>`.
pub fn raw_name(operation_id: Option<&str>, method: &str, path: &str) -> String {
    match operation_id.filter(|id| !id.trim().is_empty()) {
        Some(id) => id.to_owned(),
        None => method_path_name(&method.to_ascii_lowercase(), path),
    }
}

/// Cuts `name` to `max_len` with an 8-hex-digit hash of `raw`, so two long names that share a
/// prefix stay different and the result does not depend on anything but `raw`.
fn shorten(name: &str, raw: &str, max_len: usize) -> String {
    if name.len() <= max_len {
        return name.to_owned();
    }
    let digest = Sha256::digest(raw.as_bytes());
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let keep = max_len.saturating_sub(hash.len() + 1);
    // Cut at the last word boundary that fits, so no word is left half-written (`…_pre`);
    // a single word longer than that is cut where it must be.
    let mid_word = name.as_bytes().get(keep).is_some_and(|b| *b != b'_');
    let base = match name[..keep].rfind('_') {
        Some(boundary) if mid_word && boundary > 0 => &name[..boundary],
        _ => name[..keep].trim_end_matches('_'),
    };
    format!("{base}_{hash}")
}

/// The fallback name of an operation without an operationId: `get_pets_id`.
pub fn method_path_name(method: &str, path: &str) -> String {
    format!("{method}_{path}")
}

/// Makes `name` unique among `taken` by appending `_2`, `_3`, … (keeping within `max_len`).
pub fn unique(name: String, taken: &mut HashSet<String>, max_len: usize) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    for n in 2.. {
        let suffix = format!("_{n}");
        let keep = max_len.saturating_sub(suffix.len()).min(name.len());
        let candidate = format!("{}{suffix}", name[..keep].trim_end_matches('_'));
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    unreachable!("an unbounded counter always finds a free name")
}

/// Makes a PascalCase `name` unique among `taken` by appending `2`, `3`, … (no underscore, so
/// the result stays camel case).
pub fn unique_pascal(name: String, taken: &mut HashSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    for n in 2.. {
        let candidate = format!("{name}{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    unreachable!("an unbounded counter always finds a free name")
}

/// A snake_case Rust identifier for a field or module.
pub fn snake_ident(raw: &str) -> String {
    let word = snake_words(raw);
    let word = if word.is_empty() {
        "field".to_owned()
    } else {
        word
    };
    let word = if word.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{word}")
    } else {
        word
    };
    not_keyword(word)
}

/// A PascalCase Rust identifier for a type or variant.
pub fn pascal_ident(raw: &str, empty: &str) -> String {
    let word = ascii_word(&join_apostrophes(raw).to_upper_camel_case());
    let word = word.replace('_', "");
    let word = if word.is_empty() {
        empty.to_owned()
    } else {
        word
    };
    let word = if word.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{word}")
    } else {
        word
    };
    not_keyword(word)
}

fn not_keyword(word: String) -> String {
    if KEYWORDS.contains(&word.as_str()) {
        format!("{word}_")
    } else {
        word
    }
}

/// A package name as a slug: `Shop API` → `shop-api`.
pub fn slug(raw: &str) -> String {
    let snake = ascii_word(&raw.to_snake_case()).to_ascii_lowercase();
    let slug = snake.replace('_', "-");
    if slug.is_empty() {
        "api".to_owned()
    } else {
        slug
    }
}

/// `SHOP_MCP` for `shop-mcp`; `TOKEN_AUTH` for `tokenAuth`.
pub fn screaming(raw: &str) -> String {
    ascii_word(&raw.to_snake_case()).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_are_snake_ascii_and_bounded() {
        assert_eq!(tool_name("listPets", 64), "list_pets");
        assert_eq!(
            tool_name("products_reviews_list", 64),
            "products_reviews_list"
        );
        assert_eq!(
            tool_name("get_/api/products/{slug}/", 64),
            "get_api_products_slug"
        );
        assert_eq!(tool_name("Ärger-Über", 64), "arger_uber");
        assert_eq!(tool_name("Ünïcödé Öperation", 64), "unicode_operation");
        assert_eq!(tool_name("List a tag's values", 64), "list_a_tags_values");
        assert_eq!(tool_name("'quoted' names", 64), "quoted_names");
        let sentence =
            "retrieve_the_communication_preferences_of_the_authenticated_customer_account";
        let cut = tool_name(sentence, 64);
        assert!(cut.len() <= 64, "{cut}");
        let (base, hash) = cut.rsplit_once('_').unwrap();
        assert_eq!(
            (base, hash.len()),
            ("retrieve_the_communication_preferences_of_the", 8),
            "cut at a word boundary: {cut}"
        );
        let long = "a".repeat(40) + &"b".repeat(40);
        let short = tool_name(&long, 64);
        assert_eq!(short.len(), 64);
        assert_ne!(short, tool_name(&("a".repeat(40) + &"c".repeat(40)), 64));
        assert_eq!(short, tool_name(&long, 64), "deterministic");
    }

    #[test]
    fn unique_appends_counters_within_budget() {
        let mut taken = HashSet::new();
        assert_eq!(unique("a".into(), &mut taken, 64), "a");
        assert_eq!(unique("a".into(), &mut taken, 64), "a_2");
        assert_eq!(unique("a".into(), &mut taken, 64), "a_3");
        let mut taken = HashSet::new();
        let full = "x".repeat(10);
        unique(full.clone(), &mut taken, 10);
        assert_eq!(unique(full, &mut taken, 10), "xxxxxxxx_2");
    }

    #[test]
    fn template_resources_come_from_the_path() {
        let custom = Action::Custom("publish".into());
        assert_eq!(path_resource("/api/products/", &Action::List), "products");
        assert_eq!(
            path_resource("/api/products/{slug}/", &Action::Retrieve),
            "products"
        );
        assert_eq!(
            path_resource("/api/products/{slug}/publish/", &custom),
            "products"
        );
        assert_eq!(
            path_resource("/api/products/{slug}/reviews/", &Action::List),
            "reviews"
        );
        assert_eq!(path_resource("/", &Action::Other), "");
        assert_eq!(raw_name(None, "GET", "/pets/{id}"), "get_/pets/{id}");
        assert_eq!(raw_name(Some(" "), "GET", "/pets"), "get_/pets");
    }

    #[test]
    fn idents_avoid_keywords_and_digits() {
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("X-Request-Tag"), "x_request_tag");
        assert_eq!(snake_ident("2fa"), "n2fa");
        assert_eq!(snake_ident("$"), "field");
        assert_eq!(pascal_ident("self", "T"), "Self_");
        assert_eq!(pascal_ident("-created", "Empty"), "Created");
        assert_eq!(pascal_ident("", "Empty"), "Empty");
        assert_eq!(pascal_ident("404", "Empty"), "V404");
        assert_eq!(screaming("tokenAuth"), "TOKEN_AUTH");
        assert_eq!(slug("Shop API"), "shop-api");
    }
}
