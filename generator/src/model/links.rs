//! What each tool does to which resource, and the needs/yields index that links the tools:
//! `products_retrieve` needs a Product's `slug`, which `products_list` and `products_create`
//! yield. Everything here is derived from the spec and the conventions of DRF's routers it
//! encodes: a collection at `/products/`, its items at `/products/{slug}/`, nested collections
//! and `@action`s below an item, lookup fields as path parameters, and foreign keys named after
//! the resource they point at.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Action, Answer, Location, Need, Tool, Yield};

/// Query arguments a DRF list takes words in (SearchFilter's `search`, and common others).
const SEARCH_ARGUMENTS: &[&str] = &["search", "q", "query"];

/// The action an operation performs, from DRF's operationId suffixes, else its method and path.
pub fn action(operation_id: Option<&str>, method: &str, path: &str) -> Action {
    let item = ends_with_param(path);
    if let Some(id) = operation_id {
        for (suffix, action) in [
            ("_partial_update", Action::PartialUpdate),
            ("_list", Action::List),
            ("_retrieve", Action::Retrieve),
            ("_create", Action::Create),
            ("_update", Action::Update),
            ("_destroy", Action::Destroy),
        ] {
            if id.ends_with(suffix) {
                return action;
            }
        }
    }
    match (method, item) {
        ("GET", false) => Action::List,
        ("GET", true) => Action::Retrieve,
        ("POST", false) => Action::Create,
        ("PUT", true) => Action::Update,
        ("PATCH", true) => Action::PartialUpdate,
        ("DELETE", true) => Action::Destroy,
        _ => Action::Other,
    }
}

/// Whether the path's last segment is a parameter: `/products/{slug}/`.
fn ends_with_param(path: &str) -> bool {
    segments(path).last().is_some_and(|s| s.starts_with('{'))
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// The collection a path's parameter `param` is an item of: `/api/products/` for `slug` in
/// `/api/products/{slug}/reviews/`.
fn collection_of(path: &str, param: &str) -> Option<String> {
    let marker = format!("{{{param}}}");
    let at = path.find(&marker)?;
    Some(path[..at].to_owned())
}

/// Links the tools: each one's resource and parent, custom actions below items, and the
/// needs/yields index.
pub fn link(tools: &mut [Tool]) {
    // Collections: the path of every list tool, with its resource and the tool.
    // A collection answers with a list or a page (`/echo/` answering one object is not one).
    let lists: BTreeMap<String, (String, String)> = tools
        .iter()
        .filter(|t| is_collection(t))
        .filter_map(|t| {
            let resource = t.semantics.resource.clone()?;
            Some((t.path.clone(), (resource, t.name.clone())))
        })
        .collect();
    let resource_at = |collection: &str| lists.get(collection).map(|(r, _)| r.clone());

    // The lookup fields of each resource: the parameter names of its item paths.
    let mut lookups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for tool in tools.iter() {
        for arg in tool.args.iter().filter(|a| a.location == Location::Path) {
            if let Some(resource) =
                collection_of(&tool.path, &arg.param).and_then(|c| resource_at(&c))
            {
                let fields = lookups.entry(resource).or_default();
                if !fields.contains(&arg.param) {
                    fields.push(arg.param.clone());
                }
            }
        }
    }

    // Resource, parent and custom actions below an item.
    for tool in tools.iter_mut() {
        let parts = segments(&tool.path);
        let below_item = parts.len() >= 2
            && !parts[parts.len() - 1].starts_with('{')
            && parts[parts.len() - 2].starts_with('{');
        if below_item {
            let param = parts[parts.len() - 2].trim_matches(|c| c == '{' || c == '}');
            let parent = collection_of(&tool.path, param).and_then(|c| resource_at(&c));
            let action_name = parts[parts.len() - 1].replace('-', "_");
            let same_resource =
                tool.semantics.resource.is_none() || tool.semantics.resource == parent;
            let collection_answer = matches!(tool.semantics.answer, Answer::List | Answer::Page);
            // `/products/{slug}/publish/` acts on the product: a custom action; whereas
            // `/products/{slug}/reviews/` is a collection of another resource below it.
            if same_resource && !collection_answer {
                tool.semantics.action = Action::Custom(action_name);
                if tool.semantics.resource.is_none() {
                    tool.semantics.resource = parent.clone();
                }
            }
            tool.semantics.parent = parent.filter(|p| Some(p) != tool.semantics.resource.as_ref());
        } else if let Some((name, resource)) = list_route(&tool.path, &lists).filter(|(_, r)| {
            tool.semantics.resource.is_none() || tool.semantics.resource.as_ref() == Some(r)
        }) {
            // `/products/search/` beside the `/products/` collection, on its resource: an
            // `@action(detail=False)`.
            tool.semantics.action = Action::Custom(name);
            tool.semantics.resource = Some(resource);
        } else if tool.semantics.resource.is_none() {
            // An item operation without a schema: the resource of its collection.
            let collection = segments_prefix(&tool.path);
            tool.semantics.resource = resource_at(&collection);
        }
    }

    // What each tool's answer yields.
    for tool in tools.iter_mut() {
        let Some(resource) = tool.semantics.resource.clone() else {
            continue;
        };
        let prefix = match tool.semantics.answer {
            Answer::Page => "results[].",
            Answer::List => "[].",
            Answer::One => "",
            Answer::Other => continue,
        };
        let mut fields: Vec<String> = lookups.get(&resource).cloned().unwrap_or_default();
        if !fields.iter().any(|f| f == "id") {
            fields.push("id".to_owned());
        }
        tool.yields = fields
            .into_iter()
            .filter(|f| tool.semantics.fields.contains(f))
            .map(|field| Yield {
                at: format!("{prefix}{field}"),
                resource: resource.clone(),
                field,
            })
            .collect();
    }

    // Who yields what: lists first, then the other tools that answer with the resource but
    // do not already need it (a create, not a retrieve).
    let yielders = |tools: &[Tool], resource: &str, field: &str, asker: &str| -> Vec<String> {
        let mut found: Vec<(u8, String)> = tools
            .iter()
            .filter(|t| t.name != asker)
            .filter(|t| {
                t.yields
                    .iter()
                    .any(|y| y.resource == resource && y.field == field)
            })
            .filter(|t| {
                !t.args.iter().any(|a| {
                    a.location == Location::Path
                        && a.param == field
                        && t.semantics.resource.as_deref() == Some(resource)
                })
            })
            .map(|t| {
                let rank = match t.semantics.action {
                    Action::List => 0,
                    Action::Create => 1,
                    _ => 2,
                };
                (rank, t.name.clone())
            })
            .collect();
        found.sort();
        found.into_iter().map(|(_, name)| name).take(3).collect()
    };
    let search_for = |tools: &[Tool], resource: &str| -> Option<(String, String)> {
        tools
            .iter()
            .filter(|t| is_collection(t) && t.semantics.resource.as_deref() == Some(resource))
            .find_map(|t| {
                t.args
                    .iter()
                    .find(|a| {
                        a.location == Location::Query
                            && SEARCH_ARGUMENTS.contains(&a.param.as_str())
                    })
                    .map(|a| (t.name.clone(), a.wire.clone()))
            })
    };
    // Resources by the name a foreign key would have: `category` → Category.
    let by_field_name: BTreeMap<String, String> = lists
        .values()
        .map(|(resource, _)| (heck_snake(resource), resource.clone()))
        .collect();

    let mut all_needs = Vec::new();
    for tool in tools.iter() {
        let mut needs: Vec<Need> = Vec::new();
        let mut push = |argument: String, resource: String, field: String| {
            if needs.iter().any(|n| n.argument == argument) {
                return;
            }
            let from = yielders(tools, &resource, &field, &tool.name);
            let search = search_for(tools, &resource).filter(|(list, _)| *list != tool.name);
            needs.push(Need {
                argument,
                resource,
                field,
                from,
                search,
            });
        };
        for arg in &tool.args {
            match arg.location {
                Location::Path => {
                    if let Some(resource) =
                        collection_of(&tool.path, &arg.param).and_then(|c| resource_at(&c))
                    {
                        push(arg.wire.clone(), resource, arg.param.clone());
                    }
                }
                Location::Query => {
                    if let Some((resource, field)) =
                        foreign_key(&arg.param, &by_field_name, &lookups)
                    {
                        push(arg.wire.clone(), resource, field);
                    }
                }
                _ => {}
            }
        }
        if let Some(body) = &tool.body {
            let properties = tool
                .input_schema
                .pointer(&format!("/properties/{}/properties", body.wire))
                .and_then(Value::as_object);
            for name in properties.into_iter().flat_map(|p| p.keys()) {
                if let Some((resource, field)) = foreign_key(name, &by_field_name, &lookups) {
                    push(format!("{}.{name}", body.wire), resource, field);
                }
            }
        }
        all_needs.push(needs);
    }
    for (tool, needs) in tools.iter_mut().zip(all_needs) {
        tool.needs = needs;
    }
}

/// Whether a tool lists a collection: a list action answering with a list or a page.
fn is_collection(tool: &Tool) -> bool {
    tool.semantics.action == Action::List
        && matches!(tool.semantics.answer, Answer::List | Answer::Page)
}

/// The resource and field an argument named like a foreign key identifies: `category` (a
/// Category by its lookup field), `category_id` or `owner_id` (by `id`), DRF's and Django's
/// naming. `None` for any other name.
fn foreign_key(
    name: &str,
    by_field_name: &BTreeMap<String, String>,
    lookups: &BTreeMap<String, Vec<String>>,
) -> Option<(String, String)> {
    let lookup_of = |resource: &String| {
        lookups
            .get(resource)
            .and_then(|l| l.first().cloned())
            .unwrap_or_else(|| "id".to_owned())
    };
    if let Some(resource) = by_field_name.get(name) {
        return Some((resource.clone(), lookup_of(resource)));
    }
    for suffix in ["_id", "_slug", "_pk"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            if let Some(resource) = by_field_name.get(stem) {
                let field = if suffix == "_slug" { "slug" } else { "id" };
                return Some((resource.clone(), field.to_owned()));
            }
        }
    }
    None
}

/// The path up to its last parameter: `/api/products/` for `/api/products/{slug}/`.
/// The custom action and the resource of a path one literal segment below a collection:
/// (`search`, `Product`) for `/products/search/` when `/products/` lists products.
fn list_route(path: &str, lists: &BTreeMap<String, (String, String)>) -> Option<(String, String)> {
    let trimmed = path.trim_end_matches('/');
    let (parent, last) = trimmed.rsplit_once('/')?;
    if last.is_empty() || last.starts_with('{') {
        return None;
    }
    let (resource, _) = lists
        .get(&format!("{parent}/"))
        .or_else(|| lists.get(parent))?;
    Some((last.replace('-', "_"), resource.clone()))
}

fn segments_prefix(path: &str) -> String {
    match path.rfind('{') {
        Some(at) => path[..at].to_owned(),
        None => path.to_owned(),
    }
}

/// `OrderLine` → `order_line`.
fn heck_snake(name: &str) -> String {
    use heck::ToSnakeCase;
    name.to_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drf_actions_come_from_operation_ids_then_methods_and_paths() {
        assert_eq!(
            action(Some("products_partial_update"), "PATCH", "/p/{slug}/"),
            Action::PartialUpdate
        );
        assert_eq!(action(Some("listPets"), "GET", "/pets"), Action::List);
        assert_eq!(
            action(Some("showPetById"), "GET", "/pets/{id}"),
            Action::Retrieve
        );
        assert_eq!(action(None, "DELETE", "/pets/{id}"), Action::Destroy);
        assert_eq!(action(None, "POST", "/pets/{id}"), Action::Other);
        assert_eq!(
            collection_of("/api/products/{slug}/reviews/", "slug").as_deref(),
            Some("/api/products/")
        );
    }

    #[test]
    fn foreign_keys_follow_drf_naming() {
        let by_name = BTreeMap::from([("category".to_owned(), "Category".to_owned())]);
        let lookups = BTreeMap::from([("Category".to_owned(), vec!["slug".to_owned()])]);
        assert_eq!(
            foreign_key("category", &by_name, &lookups),
            Some(("Category".into(), "slug".into()))
        );
        assert_eq!(
            foreign_key("category_id", &by_name, &lookups),
            Some(("Category".into(), "id".into()))
        );
        assert_eq!(foreign_key("price", &by_name, &lookups), None);
    }
}
