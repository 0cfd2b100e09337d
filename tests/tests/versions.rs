//! The same API written by drf-spectacular as OpenAPI 3.0.3 (`example/schema.yml`), 3.1.0 and
//! 3.2.0 (`tests/versions/`, from the example app with `SHOP_OAS_VERSION`) generates the same
//! server: the same tools, input and output schemas, and types, file for file. Only the header
//! naming the source spec and its hash may differ.

use std::path::{Path, PathBuf};

use spec2mcp::emit::File;
use spec2mcp_tests::{first_difference, generate_target, Target};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

const ALL: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

fn generated(spec: &'static str) -> Vec<File> {
    let target = Target {
        spec,
        django: false,
        out: "unused",
        name: "shop-writes-mcp",
        methods: Some(ALL),
        config: None,
    };
    generate_target(&root(), &target)
        .unwrap_or_else(|err| panic!("{spec}: {err}"))
        .files
}

/// The file without the lines that name the source spec or its hash.
fn body<'a>(file: &'a File, spec: &str) -> Vec<&'a str> {
    file.contents
        .lines()
        .filter(|l| !l.contains(spec) && !l.contains("specSha256"))
        .collect()
}

#[test]
fn oas_3_1_and_3_2_generate_the_same_server_as_3_0() {
    let base_spec = "example/schema.yml";
    let base = generated(base_spec);
    for spec in [
        "tests/versions/schema-3.1.0.yml",
        "tests/versions/schema-3.2.0.yml",
    ] {
        let text = std::fs::read_to_string(root().join(spec)).unwrap();
        assert!(
            !text.starts_with("openapi: 3.0"),
            "{spec} should not be a 3.0 document"
        );
        let other = generated(spec);
        let paths = |files: &[File]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(
            paths(&other),
            paths(&base),
            "{spec}: a different set of files"
        );
        for (a, b) in base.iter().zip(&other) {
            if let Some(difference) = first_difference(&body(a, base_spec), &body(b, spec)) {
                panic!(
                    "{spec}: {} differs from the 3.0.3 build at {difference} (3.0.3 first)",
                    a.path
                );
            }
        }
    }
}
