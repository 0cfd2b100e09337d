//! How generated files name the spec they came from.
//!
//! A checked-in crate must check clean from any working directory and however the paths were
//! typed (`./schema.yml`, `schema.yml`, an absolute path). So headers and `tools.json` record the
//! spec relative to the output folder, lexically normalised, with `/` separators.

use std::path::{Component, Path, PathBuf};

/// `target` as seen from the folder `base`: `../example/schema.yml` for `example/schema.yml` seen
/// from `generated-example`. Relative inputs are taken from the current directory. When no
/// relative path exists (another drive), the file name alone.
pub fn relative_to(target: &Path, base: &Path) -> String {
    let target = absolute(target);
    let base = absolute(base);
    let (Some(t), Some(b)) = (
        normalised(&target).map(|p| parts(&p)),
        normalised(&base).map(|p| parts(&p)),
    ) else {
        return file_name(&target);
    };
    if t.first() != b.first() {
        return file_name(&target);
    }
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out: Vec<String> = vec!["..".to_owned(); b.len() - common];
    out.extend(t[common..].iter().cloned());
    if out.is_empty() {
        ".".to_owned()
    } else {
        out.join("/")
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// `a/./b/../c` → `a/c`; `None` when `..` climbs above the root.
fn normalised(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

fn parts(path: &Path) -> Vec<String> {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_the_same_paths_agree() {
        let cwd = std::env::current_dir().unwrap();
        let expected = "../example/schema.yml";
        for (spec, out) in [
            ("example/schema.yml", "generated-example"),
            ("./example/schema.yml", "generated-example/"),
            ("example/../example/schema.yml", "./generated-example"),
        ] {
            assert_eq!(relative_to(Path::new(spec), Path::new(out)), expected);
            let (spec, out) = (cwd.join(spec), cwd.join(out));
            assert_eq!(relative_to(&spec, &out), expected, "absolute");
        }
        assert_eq!(
            relative_to(Path::new("schema.yml"), Path::new(".")),
            "schema.yml"
        );
        assert_eq!(
            relative_to(Path::new("a/schema.yml"), Path::new("a/b/c")),
            "../../schema.yml"
        );
    }
}
