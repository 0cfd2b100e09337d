//! The `spec2mcp` binary as a user runs it: exit codes, diagnostics that point at the line, no
//! partial output on errors, and `--check`.

use std::path::Path;
use std::process::{Command, Output};

fn spec2mcp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spec2mcp"))
        .args(args)
        .output()
        .expect("the spec2mcp binary runs")
}

/// `spec2mcp generate --spec SPEC --out OUT`.
fn generate(spec: &str, out: &Path) -> Output {
    spec2mcp(&[
        "generate",
        "--spec",
        spec,
        "--out",
        &out.display().to_string(),
    ])
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file");
    path.display().to_string()
}

const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: Mini, version: '1'}\npaths:\n  /items/{id}:\n    get:\n      operationId: getItem\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses: {'200': {description: ok}}\n";

#[test]
fn generates_then_check_passes_and_detects_staleness() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(dir.path(), "mini.yaml", MINIMAL);
    let out = dir.path().join("mini-mcp");
    let out_s = out.display().to_string();
    let gen = spec2mcp(&["generate", "--spec", &spec, "--out", &out_s]);
    assert!(gen.status.success(), "{}", stderr(&gen));
    assert!(
        stderr(&gen).contains("1 operations → 1 tools"),
        "{}",
        stderr(&gen)
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml written");
    assert!(
        manifest.contains("name = \"mini-mcp\""),
        "default name is the title slug + -mcp"
    );
    assert!(manifest.contains("[workspace]"), "standalone by default");

    let check = spec2mcp(&["generate", "--spec", &spec, "--out", &out_s, "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    // An edited spec: one op module changes, a removed op's module is stale.
    let changed = MINIMAL.replace("getItem", "fetchItem");
    write(dir.path(), "mini.yaml", &changed);
    let check = spec2mcp(&["generate", "--spec", &spec, "--out", &out_s, "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let text = stderr(&check);
    assert!(text.contains("is stale"), "{text}");
    assert!(
        text.contains("added    src/api/ops/fetch_item.rs"),
        "{text}"
    );
    assert!(text.contains("stale    src/api/ops/get_item.rs"), "{text}");
    assert!(text.contains("fix: spec2mcp generate --spec"), "{text}");

    // Regenerating removes the stale module and the check passes again.
    let gen = spec2mcp(&["generate", "--spec", &spec, "--out", &out_s]);
    assert!(gen.status.success());
    assert!(!out.join("src/api/ops/get_item.rs").exists());
    let check = spec2mcp(&["generate", "--spec", &spec, "--out", &out_s, "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn invalid_yaml_is_one_error_with_a_line_and_no_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(
        dir.path(),
        "bad.yaml",
        "openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: 1\n",
    );
    let out = dir.path().join("out");
    let run = generate(&spec, &out);
    assert_eq!(run.status.code(), Some(2));
    let text = stderr(&run);
    assert!(text.contains("not valid YAML"), "{text}");
    assert!(
        text.contains("bad.yaml:"),
        "names the file and line: {text}"
    );
    assert!(!out.exists(), "no partial output directory");
}

#[test]
fn swagger_2_gets_a_conversion_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(
        dir.path(),
        "old.json",
        r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
    );
    let run = generate(&spec, &dir.path().join("o"));
    assert_eq!(run.status.code(), Some(2));
    let text = stderr(&run);
    assert!(text.contains("Swagger 2.0"), "{text}");
    assert!(text.contains("swagger2openapi"), "{text}");
    assert!(text.contains("old.json:1:2 (#/swagger)"), "placed: {text}");
}

#[test]
fn check_passes_however_the_paths_are_spelled_and_wherever_it_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("api")).expect("dir");
    write(&dir.path().join("api"), "schema.yml", MINIMAL);
    let run_in = |cwd: &Path, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_spec2mcp"))
            .current_dir(cwd)
            .args(args)
            .output()
            .expect("the spec2mcp binary runs")
    };
    let gen = run_in(
        dir.path(),
        &[
            "generate",
            "--spec",
            "./api/schema.yml",
            "--out",
            "crates/mini-mcp",
        ],
    );
    assert!(gen.status.success(), "{}", stderr(&gen));
    let lib = std::fs::read_to_string(dir.path().join("crates/mini-mcp/src/lib.rs")).unwrap();
    assert!(
        lib.contains("from ../../api/schema.yml (sha256"),
        "the spec is named from the crate's folder: {lib}"
    );
    let absolute_spec = dir.path().join("api/schema.yml").display().to_string();
    let absolute_out = dir.path().join("crates/mini-mcp").display().to_string();
    for (cwd, spec, out) in [
        (
            dir.path().to_path_buf(),
            "api/schema.yml",
            "crates/mini-mcp/",
        ),
        (dir.path().join("api"), "schema.yml", "../crates/./mini-mcp"),
        (
            std::env::temp_dir(),
            absolute_spec.as_str(),
            absolute_out.as_str(),
        ),
    ] {
        let check = run_in(&cwd, &["generate", "--spec", spec, "--out", out, "--check"]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{spec} {out}: {}",
            stderr(&check)
        );
    }
}

#[test]
fn bad_flags_are_named_with_a_suggestion_before_the_spec_is_read() {
    let out = |args: &[&str]| {
        let run = spec2mcp(args);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        stderr(&run)
    };
    let text = out(&[
        "generate",
        "--spec",
        "missing.yaml",
        "--out",
        "o",
        "--methods",
        "GET,PSOT",
    ]);
    assert!(text.contains("'PSOT' for '--methods"), "{text}");
    assert!(
        !text.contains("missing.yaml"),
        "the spec is not blamed: {text}"
    );
    let text = out(&[
        "generate",
        "--spec",
        "missing.yaml",
        "--out",
        "o",
        "--name",
        "My Pet",
    ]);
    assert!(text.contains("'My Pet' for '--name"), "{text}");
    let text = out(&["generate", "--spec", "missing.yaml", "--out", "o", "--chek"]);
    assert!(
        text.contains("--check"),
        "a similar flag is suggested: {text}"
    );
}

#[test]
fn dangling_refs_are_errors_with_pointer_and_line_all_collected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Nope'\n      responses: {'200': {description: ok}}\n  /b:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/AlsoNope'\n      responses: {'200': {description: ok}}\n";
    let spec = write(dir.path(), "dangling.yaml", text);
    let out = dir.path().join("out");
    let run = generate(&spec, &out);
    assert_eq!(run.status.code(), Some(2));
    let text = stderr(&run);
    assert!(
        text.contains("dangling.yaml:7:"),
        "line of the first $ref: {text}"
    );
    assert!(text.contains("#/paths/~1a/get/parameters/0/$ref"), "{text}");
    assert!(
        text.contains("dangling.yaml:12:"),
        "both problems are reported: {text}"
    );
    assert!(text.contains("2 error(s)"), "{text}");
    assert!(!out.exists());
}

#[test]
fn unsupported_operations_are_skipped_with_a_located_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "{MINIMAL}  /upload:\n    post:\n      operationId: upload\n      requestBody:\n        content:\n          application/octet-stream:\n            schema: {{type: string, format: binary}}\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let spec = write(dir.path(), "mixed.yaml", &text);
    let out = dir.path().join("out");
    let run = spec2mcp(&[
        "generate",
        "--spec",
        &spec,
        "--out",
        &out.display().to_string(),
        "--methods",
        "GET,POST",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(text.contains("warning: skipped POST /upload"), "{text}");
    assert!(text.contains("mixed.yaml:14:"), "{text}");
    assert!(
        text.contains("2 operations → 1 tools; 1 skipped (0 filtered out, 1 unsupported)"),
        "{text}"
    );
    let readme = std::fs::read_to_string(out.join("README.md")).expect("README");
    assert!(
        readme.contains("`POST /upload`"),
        "the README lists what was skipped"
    );
}

#[test]
fn a_relative_server_url_is_kept_as_the_path_a_host_gets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(
        dir.path(),
        "rel.yaml",
        &MINIMAL.replace("paths:\n", "servers: [{url: /api/v3}]\npaths:\n"),
    );
    let out = dir.path().join("rel-mcp");
    let run = generate(&spec, &out);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(
        text.contains("the first server URL `/api/v3` is relative")
            && text.contains("MINI_MCP_BASE_URL"),
        "{text}"
    );
    let api = std::fs::read_to_string(out.join("src/api/mod.rs")).expect("api");
    assert!(api.contains("server_path: Some(\"/api/v3\")"), "{api}");
    let readme = std::fs::read_to_string(out.join("README.md")).expect("README");
    assert!(
        readme
            .contains("MINI_MCP_BASE_URL=https://api.example.com/api/v3 ./target/release/mini-mcp"),
        "the example shows the path: {readme}"
    );
    assert!(readme.contains("gets `/api/v3` appended"), "{readme}");
}

#[test]
fn refuses_to_overwrite_a_crate_it_did_not_generate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(dir.path(), "mini.yaml", MINIMAL);
    let out = dir.path().join("mine");
    std::fs::create_dir_all(&out).expect("dir");
    std::fs::write(out.join("Cargo.toml"), "[package]\nname = \"mine\"\n").expect("manifest");
    let run = generate(&spec, &out);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("did not generate"),
        "{}",
        stderr(&run)
    );
    assert!(
        stderr(&run).contains("= fix: pass an empty or new folder to --out"),
        "{}",
        stderr(&run)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("Cargo.toml")).unwrap_or_default(),
        "[package]\nname = \"mine\"\n"
    );
}

/// Real drf-spectacular schemas of the example app before and after a change (`tests/drift/`).
fn repo_file(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn diff_reports_a_rename_as_breaking_and_exits_1() {
    let run = spec2mcp(&[
        "diff",
        &repo_file("example/schema.yml"),
        &repo_file("tests/drift/schema-renamed.yml"),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let out = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        out,
        "Breaking changes (1):\n  products_list: argument `min_price` removed\n\
         Compatible changes (2):\n  products_list: description of `category` changed\n  products_list: optional argument `price_min` added\n\
         1 breaking, 2 compatible change(s)\n"
    );
}

#[test]
fn diff_reports_a_type_change_and_accepts_manifests() {
    // The old side is the checked-in manifest of the generated example, the new side a spec.
    let run = spec2mcp(&[
        "diff",
        &repo_file("generated-example/tools.json"),
        &repo_file("tests/drift/schema-retyped.yml"),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        out.contains("products_list: type of `max_price` changed from number to string"),
        "{out}"
    );
}

#[test]
fn diff_of_a_compatible_change_exits_0() {
    let run = spec2mcp(&[
        "diff",
        &repo_file("example/schema.yml"),
        &repo_file("tests/drift/schema-compatible.yml"),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        out.contains("optional argument `name_contains` added"),
        "{out}"
    );
    assert!(
        out.ends_with("0 breaking, 2 compatible change(s)\n"),
        "{out}"
    );
}

#[test]
fn diff_sees_writes_when_asked_to() {
    let spec = repo_file("example/schema.yml");
    let run = spec2mcp(&["diff", &spec, &spec, "--methods", "GET,POST"]);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "0 breaking, 0 compatible change(s)\n"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let old = write(dir.path(), "old.yaml", MINIMAL);
    let new = write(dir.path(), "new.yaml", &MINIMAL.replace("get:", "delete:"));
    let run = spec2mcp(&["diff", &old, &new, "--methods", "GET,DELETE"]);
    assert_eq!(run.status.code(), Some(1));
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        out.contains("get_item: is now destructive")
            && out.contains("get_item: is no longer read-only"),
        "{out}"
    );
}

#[test]
fn a_bad_config_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(dir.path(), "mini.yaml", MINIMAL);
    let config = write(dir.path(), "spec2mcp.toml", "metods = [\"GET\"]\n");
    let out = dir.path().join("out");
    let run = spec2mcp(&[
        "generate",
        "--spec",
        &spec,
        "--out",
        &out.display().to_string(),
        "--config",
        &config,
    ]);
    assert_eq!(run.status.code(), Some(2));
    let text = stderr(&run);
    assert!(
        text.contains("spec2mcp.toml") && text.contains("metods"),
        "{text}"
    );
    assert!(!out.exists());
}

#[test]
fn a_webhooks_only_document_says_why_it_has_no_tools() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(
        dir.path(),
        "hooks.yaml",
        "openapi: 3.1.0\ninfo: {title: Hooks, version: '1'}\nwebhooks:\n  newPet:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object}\n      responses: {'200': {description: ok}}\n",
    );
    let out = dir.path().join("out");
    let run = generate(&spec, &out);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(
        text.contains("only 1 webhook(s)") && text.contains("no tools"),
        "{text}"
    );
    assert!(text.contains("0 operations → 0 tools"), "{text}");
}

#[test]
fn mode_dynamic_is_recorded_in_the_crate_and_its_regenerate_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(dir.path(), "mini.yaml", MINIMAL);
    let out = dir.path().join("mini-mcp");
    let out_s = out.display().to_string();
    let gen = spec2mcp(&[
        "generate", "--spec", &spec, "--out", &out_s, "--mode", "dynamic",
    ]);
    assert!(gen.status.success(), "{}", stderr(&gen));
    let api = std::fs::read_to_string(out.join("src/api/mod.rs")).expect("api written");
    assert!(api.contains("mode: ToolMode::Dynamic"), "{api}");
    assert!(
        api.contains("--mode dynamic"),
        "the header's command keeps the mode"
    );
    let readme = std::fs::read_to_string(out.join("README.md")).expect("README written");
    assert!(readme.contains("`search_operations`"), "{readme}");
    // The config file can set it too, and a wrong value is a clear error.
    let config = write(dir.path(), "spec2mcp.toml", "mode = \"sideways\"\n");
    let bad = spec2mcp(&[
        "generate", "--spec", &spec, "--out", &out_s, "--config", &config,
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("sideways"), "{}", stderr(&bad));
    let bad_flag = spec2mcp(&["generate", "--spec", &spec, "--out", &out_s, "--mode", "x"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    assert!(
        stderr(&bad_flag).contains("operations or dynamic"),
        "{}",
        stderr(&bad_flag)
    );
}

#[test]
fn headers_in_the_config_choose_who_fills_them_and_typos_are_pointed_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, text, out) = generate_with_config(
        dir.path(),
        "[headers]\n\"X-Request-Tag\" = \"environment\"\n\"X-CSRFToken\" = \"argument\"\n\"X-Reqest-Tagg\" = \"generated\"\n",
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("names `X-Reqest-Tagg`, which no operation has as a header parameter; did you mean `X-Request-Tag`?"),
        "{text}"
    );
    let echo = std::fs::read_to_string(out.join("src/api/ops/echo_query.rs")).expect("op");
    assert!(
        !echo.contains("X-Request-Tag"),
        "moved to the server: {echo}"
    );
    let headers = std::fs::read_to_string(out.join("src/api/ops/echo_headers.rs")).expect("op");
    assert!(
        headers.contains("\"X-CSRFToken\""),
        "an argument again: {headers}"
    );
    let readme = std::fs::read_to_string(out.join("README.md")).expect("README");
    assert!(
        readme.contains("`SHOP_API_MCP_HEADER_X_REQUEST_TAG` / `--header X-Request-Tag=…`"),
        "{readme}"
    );
}

/// Runs `generate` on the example schema with `config`; the exit code and stderr.
fn generate_with_config(dir: &Path, config: &str) -> (Option<i32>, String, std::path::PathBuf) {
    let config = write(dir, "spec2mcp.toml", config);
    let out = dir.join("shop");
    let run = spec2mcp(&[
        "generate",
        "--spec",
        &repo_file("example/schema.yml"),
        "--out",
        &out.display().to_string(),
        "--config",
        &config,
    ]);
    (run.status.code(), stderr(&run), out)
}

#[test]
fn mistakes_in_tool_names_templates_and_transforms_are_errors_with_the_nearest_name() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // A placeholder that does not exist.
        (
            "tool_name = \"{namespace}_{acton}\"\nnamespace = \"shop\"\n",
            "unknown placeholder `{acton}`; did you mean `action`?",
        ),
        ("tool_name = \"{namespace}_{action}\"\n", "sets no `namespace`"),
        ("tool_name = \"shop\"\n", "the template has no placeholder"),
        ("tool_name = \"{action\"\n", "is never closed"),
        // A tool the spec does not have.
        (
            "[tools.prodcts_list]\ntitle = \"x\"\n",
            "[tools.\"prodcts_list\"] names no tool; did you mean `products_list`?",
        ),
        // A rename of an operation the spec does not have.
        (
            "[rename]\nprodcts_list = \"browse\"\n",
            "[rename] names `prodcts_list`, which is no operationId or tool name of the spec; did you mean `products_list`?",
        ),
        // A pattern that matches nothing.
        ("[tools.\"orders_*\"]\ntitle = \"x\"\n", "[tools.\"orders_*\"] names no tool"),
        // An argument the tool does not have.
        (
            "[tools.products_list.args.pagesize]\nvalue = 2\n",
            "names `pagesize`, which `products_list` has no parameter called; did you mean `page_size`?",
        ),
        // Hiding what the operation requires.
        (
            "[tools.products_retrieve.args.slug]\nhide = true\n",
            "hides `slug` of `products_retrieve`, but the operation requires it",
        ),
        // A value of the wrong type.
        (
            "[tools.products_list.args.page_size]\nvalue = \"two\"\n",
            "the value \"two\", which its schema does not accept: it must be integer",
        ),
        // Two ways at once.
        (
            "[tools.products_list.args.page_size]\nvalue = 2\ndefault = 3\n",
            "more than one of hide, value and default",
        ),
        // Read-only and destructive at once.
        (
            "[tools.products_list]\nread_only = true\ndestructive = true\n",
            "both read_only and destructive",
        ),
    ];
    for (config, expected) in cases {
        let (code, text, out) = generate_with_config(dir.path(), config);
        assert_eq!(code, Some(2), "{config}\n{text}");
        assert!(
            text.contains(expected),
            "{config}\nexpected {expected:?} in:\n{text}"
        );
        assert!(text.contains("fix:"), "{text}");
        assert!(!out.exists(), "nothing may be written for {config}");
    }
}

#[test]
fn a_get_marked_destructive_is_neither_read_only_nor_retried() {
    let dir = tempfile::tempdir().unwrap();
    let (code, text, out) = generate_with_config(
        dir.path(),
        "[tools.slow]\ndestructive = true\n\n[tools.\"categories_*\"]\ndescription = \"Shelves.\"\n",
    );
    assert_eq!(code, Some(0), "{text}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("tools.json")).unwrap()).unwrap();
    let tool = |name: &str| {
        manifest["tools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()
            .clone()
    };
    let slow = tool("slow");
    assert_eq!(slow["annotations"]["readOnlyHint"], false);
    assert_eq!(slow["annotations"]["destructiveHint"], true);
    assert_eq!(slow["annotations"]["idempotentHint"], false);
    for name in ["categories_list", "categories_retrieve"] {
        assert!(
            tool(name)["description"]
                .as_str()
                .unwrap()
                .starts_with("Shelves."),
            "{name}"
        );
        assert!(tool(name).get("derived").is_none_or(|d| !d
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("description"))));
    }
}

#[test]
fn a_page_with_its_pagination_in_an_object_is_a_page_of_its_items() {
    // authentik's paginator: `results` beside a `pagination` object, not DRF's `count`/`next`.
    let spec = "openapi: 3.0.3\ninfo: {title: Brands, version: '1'}\npaths:\n  /brands/:\n    get:\n      operationId: brands_list\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/PaginatedBrandList'}\n  /brands/{brand_uuid}/:\n    get:\n      operationId: brands_retrieve\n      parameters:\n        - {name: brand_uuid, in: path, required: true, schema: {type: string, format: uuid}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Brand'}\ncomponents:\n  schemas:\n    Pagination:\n      type: object\n      properties: {next: {type: number}, count: {type: number}}\n    Brand:\n      type: object\n      properties: {brand_uuid: {type: string, format: uuid}, domain: {type: string}}\n    PaginatedBrandList:\n      type: object\n      properties:\n        pagination: {$ref: '#/components/schemas/Pagination'}\n        results: {type: array, items: {$ref: '#/components/schemas/Brand'}}\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(dir.path(), "brands.yaml", spec);
    let out = dir.path().join("brands-mcp");
    let run = generate(&spec, &out);
    assert!(run.status.success(), "{}", stderr(&run));
    let manifest = std::fs::read_to_string(out.join("tools.json")).expect("tools.json");
    let manifest: serde_json::Value = serde_json::from_str(&manifest).expect("json");
    let tool = |name: &str| {
        manifest["tools"]
            .as_array()
            .and_then(|tools| tools.iter().find(|t| t["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {manifest}"))
    };
    let list = tool("brands_list");
    assert_eq!(list["title"], "List brands", "{list}");
    assert!(
        list["description"]
            .as_str()
            .is_some_and(|d| d.contains("a page of Brand")),
        "{list}"
    );
    // The page's items are where the retrieve tool's identifier comes from.
    let retrieve = tool("brands_retrieve");
    assert!(retrieve.to_string().contains("brands_list"), "{retrieve}");
}
