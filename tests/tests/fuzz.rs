//! Property tests of the loader and the model: no input may panic or hang.
//!
//! Two generators: arbitrary text (with YAML and JSON fragments mixed in) for the loader, and
//! random OpenAPI-shaped documents — odd names, dangling and cyclic `$ref`s, every parameter
//! location and style, unions with discriminators, wrong types where objects belong — for the
//! whole pipeline with every method enabled. Each case must return (`Ok` or a diagnostic)
//! within a deadline; a success must also be code that parses (emit checks that with `syn`).
//! Failing inputs proptest finds are kept in `proptest-regressions/fuzz.txt` and replayed first.

use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Runs `f` on its own thread; panics (failing the case) if it panics or takes too long.
fn within_deadline<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(Ok(value)) => value,
        Ok(Err(_)) => panic!("the generator panicked on this input"),
        Err(_) => panic!("the generator took more than 20 s on this input (a hang?)"),
    }
}

fn generate_text(text: String) -> Result<usize, String> {
    let result = run_pipeline(text);
    // `FUZZ_STATS=1 cargo test --test fuzz -- --nocapture` shows how deep the cases get.
    if std::env::var_os("FUZZ_STATS").is_some() {
        match &result {
            Ok(files) => eprintln!("fuzz: generated {files} files"),
            Err(e) => eprintln!("fuzz: {}", e.replace('\n', " | ")),
        }
    }
    result
}

fn run_pipeline(text: String) -> Result<usize, String> {
    within_deadline(move || {
        let spec = spec2mcp::load::load_str(&text, "fuzz.yaml").map_err(|d| d.to_string())?;
        let mut options = spec2mcp::Options::new("fuzz.yaml");
        options.name = Some("fuzz-mcp".into());
        options.methods = Some(
            ["GET", "POST", "PUT", "PATCH", "DELETE"]
                .map(String::from)
                .to_vec(),
        );
        spec2mcp::generate_loaded(&spec, &options, "fuzz.yaml")
            .map(|g| g.files.len())
            .map_err(|e| e.to_string())
    })
}

const NAMES: &[&str] = &[
    "id",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "async",
    "r#type",
    "1st",
    "123",
    "ñame",
    "名前",
    "",
    " ",
    "a-b",
    "a.b",
    "a[b]",
    "__",
    "_",
    "additional_properties",
    "body",
    "Body",
    "pet_type",
    "x_x",
    "X-Header",
    "🙂",
    "null",
    "true",
    "$ref",
    "{id}",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => proptest::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[a-z]{60,90}",
        1 => any::<String>(),
    ]
}

fn reference() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (0..4u8).prop_map(|i| json!({"$ref": format!("#/components/schemas/S{i}")})),
        1 => Just(json!({"$ref": "#/components/schemas/Missing"})),
        1 => Just(json!({"$ref": "other.yaml#/Thing"})),
        1 => Just(json!({"$ref": "#/paths"})),
        1 => Just(json!({"$ref": 7})),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        proptest::sample::select(
            &["string", "integer", "number", "boolean", "null", "object", "array", "file", ""][..]
        )
        .prop_map(|t| json!({"type": t})),
        Just(json!({"type": ["string", "null"]})),
        Just(json!({"type": "integer", "format": "int32", "exclusiveMinimum": 3})),
        Just(json!({"type": "string", "format": "binary"})),
        Just(json!({"enum": ["a", "", "a", null, "A", "1"]})),
        Just(json!({"enum": [1, "two", 3.5, true]})),
        Just(json!({"enum": []})),
        Just(json!({"const": "fixed"})),
        Just(json!({})),
        Just(json!(true)),
        Just(json!(false)),
        Just(json!("not a schema")),
        Just(json!(null)),
        reference(),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            (
                proptest::collection::vec((name(), inner.clone()), 0..5),
                proptest::collection::vec(name(), 0..3),
                prop_oneof![Just(None), Just(Some(json!(true))), Just(Some(json!(false))), inner.clone().prop_map(Some)],
                any::<bool>(),
            )
                .prop_map(|(props, required, additional, nullable)| {
                    let mut s = json!({"type": "object", "properties": props.into_iter().collect::<Map<_, _>>(), "required": required});
                    if let Some(a) = additional {
                        s["additionalProperties"] = a;
                    }
                    if nullable {
                        s["nullable"] = json!(true);
                    }
                    s
                }),
            inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            (
                proptest::sample::select(&["allOf", "oneOf", "anyOf"][..]),
                proptest::collection::vec(inner.clone(), 0..4),
                prop_oneof![Just(None), name().prop_map(Some)],
                any::<bool>(),
            )
                .prop_map(|(key, members, tag, with_props)| {
                    let mut s = json!({ key: members });
                    if let Some(tag) = tag {
                        s["discriminator"] = json!({"propertyName": tag, "mapping": {"a": "#/components/schemas/S0", "b": "S1", "c": "#/nowhere"}});
                    }
                    if with_props {
                        s["properties"] = json!({"extra": {"type": "string"}});
                    }
                    s
                }),
            (reference(), any::<bool>()).prop_map(|(mut r, nullable)| {
                r["description"] = json!("a sibling of $ref");
                if nullable {
                    r["nullable"] = json!(true);
                }
                r
            }),
        ]
    })
}

fn parameter() -> impl Strategy<Value = Value> {
    (
        name(),
        proptest::sample::select(
            &["path", "query", "header", "cookie", "body", "formData", ""][..],
        ),
        prop_oneof![
            3 => schema().prop_map(|s| json!({"schema": s})),
            1 => schema().prop_map(|s| json!({"content": {"application/json": {"schema": s}}})),
            1 => Just(json!({"content": {"text/plain": {}, "application/json": {}}})),
            1 => Just(json!({})),
        ],
        proptest::sample::select(
            &[
                None,
                Some("form"),
                Some("simple"),
                Some("deepObject"),
                Some("spaceDelimited"),
                Some("pipeDelimited"),
                Some("matrix"),
                Some("label"),
                Some("bogus"),
            ][..],
        ),
        any::<Option<bool>>(),
        any::<Option<bool>>(),
    )
        .prop_map(|(name, location, described, style, explode, required)| {
            let mut p = json!({"name": name, "in": location});
            if let (Value::Object(p), Value::Object(d)) = (&mut p, described) {
                p.extend(d);
            }
            if let Some(style) = style {
                p["style"] = json!(style);
            }
            if let Some(explode) = explode {
                p["explode"] = json!(explode);
            }
            if let Some(required) = required {
                p["required"] = json!(required);
            }
            p
        })
}

fn operation() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just(None), name().prop_map(Some)],
        proptest::collection::vec(parameter(), 0..4),
        prop_oneof![
            Just(None),
            (
                proptest::sample::select(&["application/json", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "application/vnd.api+json", "*/*"][..]),
                schema(),
            )
                .prop_map(|(media, s)| Some(json!({"required": true, "content": {media: {"schema": s}}}))),
        ],
        proptest::sample::select(&["200", "201", "204", "default", "2XX", "404"][..]),
        schema(),
    )
        .prop_map(|(operation_id, parameters, body, code, response)| {
            let mut op = json!({
                "parameters": parameters,
                "responses": {code: {"description": "r", "content": {"application/json": {"schema": response}}}},
            });
            if let Some(id) = operation_id {
                op["operationId"] = json!(id);
            }
            if let Some(body) = body {
                op["requestBody"] = body;
            }
            op
        })
}

fn document() -> impl Strategy<Value = Value> {
    (
        prop_oneof![
            8 => proptest::sample::select(&["3.0.3", "3.1.0", "3.2.0", "3.0.0"][..]),
            1 => proptest::sample::select(&["2.0", "4.0.0", "", "3"][..]),
        ],
        proptest::collection::vec(
            (
                proptest::sample::select(&["/a/{id}", "/b", "/{x}/{x}", "/c/{missing}", "no-slash", "/", "/ñ/{名前}", "/d/{id}.{format}"][..]),
                proptest::collection::vec(
                    (proptest::sample::select(&["get", "post", "put", "patch", "delete", "head", "trace", "parameters", "x-ext"][..]), operation()),
                    0..3,
                ),
            ),
            0..4,
        ),
        proptest::collection::vec(schema(), 4),
        any::<bool>(),
    )
        .prop_map(|(version, paths, schemas, with_security)| {
            let mut doc_paths = Map::new();
            for (path, ops) in paths {
                let item = doc_paths.entry(path.to_owned()).or_insert_with(|| json!({}));
                for (method, op) in ops {
                    item[method] = op;
                }
            }
            let mut doc = json!({
                "openapi": version,
                "info": {"title": "Fuzz", "version": "1"},
                "paths": doc_paths,
                "components": {"schemas": schemas.into_iter().enumerate().map(|(i, s)| (format!("S{i}"), s)).collect::<Map<_, _>>()},
            });
            if with_security {
                doc["components"]["securitySchemes"] = json!({
                    "k": {"type": "apiKey", "in": "header", "name": "X-Key"},
                    "b": {"type": "http", "scheme": "bearer"},
                    "m": {"type": "mutualTLS"},
                    "bad": {"type": "apiKey"},
                });
                doc["security"] = json!([{"k": []}, {"b": [], "missing": []}]);
            }
            doc
        })
}

/// Text the loader must survive: YAML and JSON fragments, cut and spliced.
fn text() -> impl Strategy<Value = String> {
    const FRAGMENTS: &[&str] = &[
        "openapi: 3.0.3\n",
        "openapi: 3.1.0\n",
        "swagger: '2.0'\n",
        "info: {title: t, version: '1'}\n",
        "paths:\n",
        "  /a:\n",
        "    get:\n",
        "      responses: {200: {description: ok}}\n",
        "&a [*a]\n",
        "<<: *b\n",
        "- - -\n",
        "{\"openapi\": \"3.0.0\", ",
        "\"paths\": {}}",
        "\t",
        "\u{feff}",
        ": :\n",
        "? complex\n: key\n",
        "!!binary aGk=\n",
        "%YAML 1.2\n---\n",
        "...\n",
        "'unterminated",
        "\"\\u00zz\"",
        "key: [1, 2\n",
        "x: &anchor\n  y: *anchor\n",
        "1e999999\n",
        "-0\n",
        "~\n",
        "components: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n",
    ];
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..12)
            .prop_map(|f| f.concat()),
        any::<String>(),
        proptest::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

proptest! {
    // 256 cases each by default; `FUZZ_CASES=20000` for a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_text_never_panics_or_hangs(text in text()) {
        let _ = generate_text(text);
    }

    #[test]
    fn openapi_shaped_documents_never_panic_or_hang(doc in document()) {
        let as_json = serde_json::to_string(&doc).unwrap();
        let _ = generate_text(as_json);
        // The same document as YAML goes through the YAML reader and its positions.
        let as_yaml = yaml_of(&doc, 0);
        let _ = generate_text(as_yaml);
    }
}

/// A small YAML writer (block style, everything quoted), so the YAML path is fuzzed too.
fn yaml_of(value: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| match v {
                Value::Object(m) if !m.is_empty() => {
                    format!("{pad}{}:\n{}", quoted(k), yaml_of(v, indent + 2))
                }
                Value::Array(a) if !a.is_empty() => {
                    format!("{pad}{}:\n{}", quoted(k), yaml_of(v, indent + 2))
                }
                _ => format!(
                    "{pad}{}: {}\n",
                    quoted(k),
                    serde_json::to_string(v).unwrap()
                ),
            })
            .collect(),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|v| match v {
                Value::Object(m) if !m.is_empty() => format!("{pad}-\n{}", yaml_of(v, indent + 2)),
                Value::Array(a) if !a.is_empty() => format!("{pad}-\n{}", yaml_of(v, indent + 2)),
                _ => format!("{pad}- {}\n", serde_json::to_string(v).unwrap()),
            })
            .collect(),
        other => format!("{pad}{}\n", serde_json::to_string(other).unwrap()),
    }
}

fn quoted(key: &str) -> String {
    serde_json::to_string(key).unwrap()
}
