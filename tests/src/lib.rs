//! What the repository generates and checks in: the example server and the golden crates.
//!
//! `cargo xtask codegen` writes them and the `codegen` test fails when any is stale, both from
//! this one list.

use std::path::Path;

use spec2mcp::{emit::File, generate, write, Config, Failure, Generated, Options};

/// One generated crate kept in the repository.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Spec, relative to the repository root; with `django`, the project's `manage.py`.
    pub spec: &'static str,
    /// The spec is the schema drf-spectacular makes in the Django project of `spec`.
    pub django: bool,
    /// Output folder, relative to the repository root.
    pub out: &'static str,
    /// Package name.
    pub name: &'static str,
    /// Methods that become tools (`None`: the default, GET only).
    pub methods: Option<&'static [&'static str]>,
    /// Config file, relative to the repository root.
    pub config: Option<&'static str>,
}

/// Everything `cargo xtask codegen` regenerates.
pub const TARGETS: &[Target] = &[
    Target {
        spec: "example/manage.py",
        django: true,
        out: "generated-example",
        name: "shop-mcp",
        methods: None,
        config: None,
    },
    Target {
        spec: "example/schema.yml",
        django: false,
        out: "tests/goldens/shop-writes",
        name: "shop-writes-mcp",
        methods: Some(&["GET", "POST", "PUT", "PATCH", "DELETE"]),
        config: None,
    },
    Target {
        spec: "example/schema.yml",
        django: false,
        out: "tests/goldens/shop-shaped",
        name: "shop-shaped-mcp",
        methods: None,
        config: Some("tests/fixtures/shop-shaped.spec2mcp.toml"),
    },
    Target {
        spec: "tests/fixtures/types-zoo.yaml",
        django: false,
        out: "tests/goldens/types-zoo",
        name: "zoo-mcp",
        methods: Some(&["GET", "POST", "PUT"]),
        config: None,
    },
    Target {
        spec: "tests/fixtures/naming-edges.yaml",
        django: false,
        out: "tests/goldens/naming-edges",
        name: "naming-mcp",
        methods: Some(&["GET", "POST"]),
        config: None,
    },
    Target {
        spec: "tests/fixtures/petstore.json",
        django: false,
        out: "tests/goldens/petstore",
        name: "petstore-mcp",
        methods: None,
        config: Some("tests/fixtures/petstore.spec2mcp.toml"),
    },
];

/// Generates `target` in memory, exactly as `cargo xtask codegen` writes it.
pub fn generate_target(root: &Path, target: &Target) -> Result<Generated, Failure> {
    let relative = spec2mcp::source::relative_to(&root.join(target.spec), &root.join(target.out));
    let mut options = if target.django {
        // The repository's own virtualenv (made by `cargo xtask test`), whatever is active, so
        // the checked-in crate does not depend on the shell it was generated from.
        let python = root.join(".venv/bin/python");
        let mut options = Options::django(spec2mcp::django::Project {
            manage_py: root.join(target.spec),
            settings: None,
            python: python.is_file().then_some(python),
        });
        options.spec_display = Some(format!("Django project {}", target.spec));
        options.source = Some(format!("Django project {relative}"));
        options
    } else {
        let mut options = Options::new(root.join(target.spec));
        options.spec_display = Some(target.spec.to_owned());
        options.source = Some(relative);
        options
    };
    options.name = Some(target.name.to_owned());
    options.methods = target
        .methods
        .map(|m| m.iter().map(|s| (*s).to_owned()).collect());
    options.workspace_member = true;
    options.command = "cargo xtask codegen".to_owned();
    // The repository's crates share the workspace's runtime crate instead of each holding a copy.
    options.runtime = spec2mcp::emit::RuntimeSource::Path(spec2mcp::source::relative_to(
        &root.join("runtime"),
        &root.join(target.out),
    ));
    if let Some(config) = target.config {
        options.config = Config::load(&root.join(config)).map_err(|diagnostics| Failure::Spec {
            file: config.to_owned(),
            diagnostics,
        })?;
    }
    generate(&options)
}

/// Files of `target` that differ from what is on disk.
pub fn stale_files(root: &Path, target: &Target, files: &[File]) -> Result<write::Changes, String> {
    write::diff(&root.join(target.out), files).map_err(|e| e.to_string())
}

/// Where two files' lines first differ: `line N: "left" / "right"` (an absent line is empty).
/// Shared by the 3.0/3.1 comparisons of the tests and the corpus.
pub fn first_difference<S: AsRef<str>>(a: &[S], b: &[S]) -> Option<String> {
    let at = (0..a.len().max(b.len()))
        .find(|&i| a.get(i).map(AsRef::as_ref) != b.get(i).map(AsRef::as_ref))?;
    let line = |side: &[S]| side.get(at).map_or("", AsRef::as_ref).to_owned();
    Some(format!("line {}: {:?} / {:?}", at + 1, line(a), line(b)))
}
