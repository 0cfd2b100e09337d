//! What the types-zoo golden's generated types accept and send: the tool arguments an agent
//! gives go through the real `build` of each tool, and the request it lays out is checked.

use serde_json::{json, Map, Value};
use spec2mcp_runtime::request::Body;
use zoo_mcp::api::ops::{
    adopt_pet, count_animals, get_animal, list_animals, replace_animal, search_pets,
};
use zoo_mcp::api::types::{ListAnimalsFilter, RangeQuerySpecs};

fn args(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("an object")
}

fn sent_body(value: Value) -> Result<Value, String> {
    let request = adopt_pet::build(args(value)).map_err(|e| e.to_string())?;
    match request.body {
        Some(Body::Json(_, body)) => Ok(body),
        other => Err(format!("expected a JSON body, got {other:?}")),
    }
}

#[test]
fn a_discriminated_union_sends_the_tag_the_caller_chose() {
    let cat = json!({"pet_type": "cat", "indoor": true});
    assert_eq!(sent_body(json!({"body": cat})).unwrap(), cat);
    // Two mapping values for one schema stay two values: `kitten` is not rewritten to `cat`.
    let kitten = json!({"pet_type": "kitten", "indoor": false});
    assert_eq!(sent_body(json!({"body": kitten})).unwrap(), kitten);
    let dog = json!({"pet_type": "dog", "good_boy": true});
    assert_eq!(sent_body(json!({"body": dog})).unwrap(), dog);
    // No mapping entry: the schema name is the value.
    let lizard = json!({"pet_type": "Lizard", "scales": 3});
    assert_eq!(sent_body(json!({"body": lizard})).unwrap(), lizard);
}

#[test]
fn a_discriminated_union_names_the_field_when_the_tag_is_missing_or_unknown() {
    let missing = sent_body(json!({"body": {"indoor": true}})).unwrap_err();
    assert!(
        missing.contains("body") && missing.contains("pet_type"),
        "{missing}"
    );
    let unknown = sent_body(json!({"body": {"pet_type": "fish"}})).unwrap_err();
    assert!(
        unknown.contains("body") && unknown.contains("fish"),
        "{unknown}"
    );
    assert!(
        unknown.contains("kitten"),
        "lists the known tags: {unknown}"
    );
    // The variant's own rules still hold: Cat requires `indoor`, allows nothing else.
    let incomplete = sent_body(json!({"body": {"pet_type": "cat"}})).unwrap_err();
    assert!(incomplete.contains("indoor"), "{incomplete}");
    let extra =
        sent_body(json!({"body": {"pet_type": "cat", "indoor": true, "wings": 2}})).unwrap_err();
    assert!(extra.contains("wings"), "{extra}");
}

#[test]
fn a_parameter_described_with_json_content_is_sent_as_json_text() {
    let request = search_pets::build(args(json!({
        "where": {"color": "red", "legs": 4},
        "X-Trace-Note": "plain text",
    })))
    .unwrap();
    // `{"color":"red","legs":4}`, percent-encoded as one query value.
    assert_eq!(
        request.query,
        vec![(
            "where".to_owned(),
            "%7B%22color%22%3A%22red%22%2C%22legs%22%3A4%7D".to_owned()
        )]
    );
    assert_eq!(
        request.headers,
        vec![("X-Trace-Note", "plain text".to_owned())]
    );
    // Optional and not given: nothing is sent, not the text `null`.
    let request = search_pets::build(args(json!({}))).unwrap();
    assert!(request.query.is_empty() && request.headers.is_empty());
    let wrong = search_pets::build(args(json!({"where": {"legs": "four"}}))).unwrap_err();
    assert!(wrong.to_string().contains("where.legs"), "{wrong}");
}

#[test]
fn an_inline_schema_written_twice_is_one_type() {
    // Both tools' `filter` is the same Rust type (this would not compile otherwise), and the
    // titled inline schema is named after its title.
    let shared = ListAnimalsFilter {
        kind: Some("cat".into()),
        legs: Some(4),
    };
    let listed: Option<ListAnimalsFilter> = list_animals::parse(args(json!({
        "filter": {"kind": "cat", "legs": 4},
    })))
    .unwrap()
    .filter;
    let counted = count_animals::parse(args(json!({
        "filter": {"kind": "cat", "legs": 4},
        "born": {"gt": 1},
    })))
    .unwrap();
    assert_eq!(listed.as_ref(), Some(&shared));
    assert_eq!(counted.filter, Some(shared));
    assert_eq!(
        counted.born,
        Some(RangeQuerySpecs {
            gt: Some(1),
            lt: None
        })
    );
    let request = count_animals::request(&counted).unwrap();
    assert_eq!(
        request.query,
        [
            ("filter[kind]", "cat"),
            ("filter[legs]", "4"),
            ("born[gt]", "1")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[test]
fn an_inline_title_does_not_take_a_component_name() {
    // `Owner` is the component (it has `email`), though an inline schema titled `Owner` comes
    // first in the document: the animal's owner, read by a real tool, is that type.
    let replaced = replace_animal::parse(args(json!({
        "animal_id": 1,
        "body": {"name": "Rex", "kind": "dog", "owner": {"name": "Ada", "email": "ada@example.com"}},
    })))
    .unwrap();
    let owner: Option<zoo_mcp::api::types::Owner> = replaced.body.owner;
    assert_eq!(
        owner.and_then(|o| o.email),
        Some("ada@example.com".to_owned())
    );
    let input = get_animal::parse(args(json!({"animal_id": 1, "owned_by": {"name": "Ada"}})));
    assert_eq!(
        input.unwrap().owned_by.and_then(|o| o.name),
        Some("Ada".into())
    );
}

#[test]
fn a_union_that_accepts_anything_can_be_used_twice() {
    // `Loose` has a free-form member, so it is any value, at both of its uses.
    let request = count_animals::build(args(json!({"either": "text", "or_else": 3}))).unwrap();
    assert_eq!(
        request.query,
        [("either", "text"), ("or_else", "3")].map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}
