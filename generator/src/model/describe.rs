//! Titles and descriptions that tell tools apart.
//!
//! DRF writes one docstring per viewset, so its list, retrieve, create… share one sentence, and
//! operations without a summary get no title. Where the spec's own text is missing or shared
//! with other operations, a description is composed from what the spec does say: the action,
//! the resource, the filters, what comes back; a title reads as English ("Get one product").
//! The spec's own text is kept when it is specific to the operation. Every description ends
//! with where the identifiers it needs come from (the needs/yields index). Nothing is invented:
//! each piece is the spec's or DRF's conventions', and composed texts are marked as derived.

use std::collections::HashMap;

use heck::{ToSnakeCase, ToTitleCase};

use super::{Action, Answer, Location, Tool};

/// Fields named in a composed description before the list is cut with `…`.
const FIELDS_SHOWN: usize = 6;
/// Filters named in a composed list description.
const FILTERS_SHOWN: usize = 4;
/// Longest piece of shared spec text kept after a composed description.
const SHARED_KEPT: usize = 160;

/// Query arguments that page or order a list rather than filter it.
const PAGING: &[&str] = &[
    "page",
    "page_size",
    "limit",
    "offset",
    "cursor",
    "ordering",
    "search",
];

/// Sets every tool's title and description. `shared` counts how many operations of the spec
/// have each description text; `derive` off keeps the spec's texts as they are.
pub fn describe(tools: &mut [Tool], shared: &HashMap<String, usize>, derive: bool) {
    for tool in tools.iter_mut() {
        let own = tool.description.clone();
        let is_shared = shared.get(&own).copied().unwrap_or(0) > 1;
        if tool.title.is_empty() {
            match composed_title(tool).filter(|_| derive) {
                Some(title) => {
                    tool.title = title;
                    tool.derived.title = true;
                }
                None => tool.title = tool.name.to_title_case(),
            }
        }
        let composed = composed_description(tool).filter(|_| derive);
        tool.description = match composed {
            Some(composed) if own.is_empty() || is_shared => {
                tool.derived.description = true;
                match first_sentence(&own) {
                    Some(context) if context.len() <= SHARED_KEPT => {
                        format!("{composed} {context}")
                    }
                    _ => composed,
                }
            }
            _ if own.is_empty() => format!("{} {}", tool.method, tool.path),
            _ => own,
        };
        if let Some(line) = needs_line(tool) {
            tool.description = format!("{}\n\n{line}", tool.description.trim_end());
        }
    }
}

/// `slug: from products_list, products_create; category: from categories_list.`
fn needs_line(tool: &Tool) -> Option<String> {
    let parts: Vec<String> = tool
        .needs
        .iter()
        .filter(|n| !n.from.is_empty())
        .map(|n| format!("{}: from {}", n.argument, n.from.join(", ")))
        .collect();
    (!parts.is_empty()).then(|| format!("{}.", parts.join("; ")))
}

/// Words of a component name: `OrderLine` → `order line`.
fn words(resource: &str) -> String {
    resource.to_snake_case().replace('_', " ")
}

/// A simple English plural of the last word: `category` → `categories`.
fn plural(words: &str) -> String {
    if let Some(stem) = words.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            return format!("{stem}ies");
        }
    }
    if words.ends_with(['s', 'x', 'z']) || words.ends_with("ch") || words.ends_with("sh") {
        return format!("{words}es");
    }
    format!("{words}s")
}

/// `a product`, `an order`.
fn indefinite(words: &str) -> String {
    let article = if words.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {words}")
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// The title of a tool whose operation has no summary, from its action and resource.
fn composed_title(tool: &Tool) -> Option<String> {
    let resource = words(tool.semantics.resource.as_deref()?);
    let parent = tool.semantics.parent.as_deref().map(words);
    Some(match &tool.semantics.action {
        Action::List => match parent {
            Some(parent) => format!("List the {} of {}", plural(&resource), indefinite(&parent)),
            None => format!("List {}", plural(&resource)),
        },
        Action::Retrieve => format!("Get one {resource}"),
        Action::Create => format!("Create {}", indefinite(&resource)),
        Action::Update => format!("Update {}", indefinite(&resource)),
        Action::PartialUpdate => format!("Partially update {}", indefinite(&resource)),
        Action::Destroy => format!("Delete {}", indefinite(&resource)),
        Action::Custom(name) => format!(
            "{} {}",
            capitalized(&name.replace('_', " ")),
            indefinite(&resource)
        ),
        Action::Other => return None,
    })
}

/// A description from the action, the resource, its lookup, the filters and the answer.
fn composed_description(tool: &Tool) -> Option<String> {
    let resource_name = tool.semantics.resource.as_deref()?;
    let resource = words(resource_name);
    let lookup = tool
        .args
        .iter()
        .rev()
        .find(|a| a.location == Location::Path)
        .map(|a| a.param.clone());
    let by = |lookup: &Option<String>| match lookup {
        Some(field) => format!(" by its {field}"),
        None => String::new(),
    };
    let parent = tool.semantics.parent.as_deref().map(words);
    let first = match &tool.semantics.action {
        Action::List => {
            let filters: Vec<&str> = tool
                .args
                .iter()
                .filter(|a| a.is_open() && a.location == Location::Query)
                .filter(|a| !PAGING.contains(&a.param.as_str()))
                .map(|a| a.wire.as_str())
                .collect();
            let filtered = match filters.len() {
                0 => String::new(),
                n if n <= FILTERS_SHOWN => format!(", filtered by {}", filters.join(", ")),
                _ => format!(", filtered by {}, …", filters[..FILTERS_SHOWN].join(", ")),
            };
            let searchable = if tool.args.iter().any(|a| a.is_open() && a.param == "search") {
                ", or found by words (`search`)"
            } else {
                ""
            };
            match &parent {
                Some(parent) => format!(
                    "List the {} of one {parent}{}{filtered}{searchable}.",
                    plural(&resource),
                    by(&lookup)
                ),
                None => format!("List {}{filtered}{searchable}.", plural(&resource)),
            }
        }
        Action::Retrieve => format!("Get one {resource}{}.", by(&lookup)),
        Action::Create => match &parent {
            Some(parent) => format!(
                "Create {} of one {parent}{}.",
                indefinite(&resource),
                by(&lookup)
            ),
            None => format!("Create {}.", indefinite(&resource)),
        },
        Action::Update => format!(
            "Update {}{}, replacing all its fields.",
            indefinite(&resource),
            by(&lookup)
        ),
        Action::PartialUpdate => format!(
            "Partially update {}{}: only the fields given change.",
            indefinite(&resource),
            by(&lookup)
        ),
        Action::Destroy => format!("Delete {}{}.", indefinite(&resource), by(&lookup)),
        Action::Custom(name) => format!(
            "{} {}{} (the API's `{name}` action).",
            capitalized(&name.replace('_', " ")),
            indefinite(&resource),
            by(&lookup)
        ),
        Action::Other => return None,
    };
    let fields = &tool.semantics.fields;
    let shown = if fields.len() > FIELDS_SHOWN {
        format!("{}, …", fields[..FIELDS_SHOWN].join(", "))
    } else {
        fields.join(", ")
    };
    let end = if shown.ends_with('…') { "" } else { "." };
    let returns = match (tool.semantics.answer, fields.is_empty()) {
        (_, true) | (Answer::Other, _) => String::new(),
        (Answer::Page, false) => format!(" Returns a page of {resource_name}: {shown}{end}"),
        (Answer::List, false) => format!(" Returns a list of {resource_name}: {shown}{end}"),
        (Answer::One, false) => format!(" Returns {resource_name}: {shown}{end}"),
    };
    Some(format!("{first}{returns}"))
}

/// The first sentence of `text` (to its first `. `, or the first line), when there is text.
fn first_sentence(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let sentence = match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    };
    Some(sentence.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_plurals_and_articles() {
        assert_eq!(words("OrderLine"), "order line");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("product"), "products");
        assert_eq!(indefinite("order"), "an order");
        assert_eq!(
            first_sentence("The catalogue. Of books.\nMore").as_deref(),
            Some("The catalogue.")
        );
    }
}
