//! Files in `multipart/form-data` bodies: a file argument carries its content as base64, or,
//! when the operator started the server with `--upload-dir DIR`, a path inside that folder.
//!
//! The trust question: a path lets the agent choose which local file goes to the API, so it is
//! off unless the operator names a folder, and a path is resolved (symbolic links included)
//! and refused unless it stays inside that folder.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A file argument, as the tool's input schema describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileArg {
    /// The file's bytes, base64-encoded (standard alphabet, padding optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_base64: Option<String>,
    /// A path relative to the server's `--upload-dir`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The file name sent with it (default: the path's file name, else `upload`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Its media type (default: guessed from the file name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// A file ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBytes {
    /// Its content.
    pub bytes: Vec<u8>,
    /// The name sent with it.
    pub filename: String,
    /// The media type, when the caller gave one.
    pub media_type: Option<String>,
}

impl FileArg {
    /// The file's bytes and name; `upload_dir` is the folder paths are allowed in, if any. The
    /// error says what is wrong in words that name the argument's parts.
    pub fn resolve(&self, upload_dir: Option<&Path>) -> Result<FileBytes, String> {
        let bytes = match (&self.content_base64, &self.path) {
            (Some(_), Some(_)) => {
                return Err("give `content_base64` or `path`, not both".to_owned());
            }
            (None, None) => return Err("give the file as `content_base64` (or `path`)".to_owned()),
            (Some(content), None) => decode(content)?,
            (None, Some(path)) => read_inside(upload_dir, path)?,
        };
        let from_path = self
            .path
            .as_deref()
            .and_then(|p| Path::new(p).file_name())
            .map(|n| n.to_string_lossy().into_owned());
        Ok(FileBytes {
            bytes,
            filename: self
                .filename
                .clone()
                .or(from_path)
                .unwrap_or_else(|| "upload".to_owned()),
            media_type: self.media_type.clone(),
        })
    }
}

fn decode(content: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let compact: String = content.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(compact.trim_end_matches('='))
        .map_err(|err| format!("`content_base64` is not base64: {err}"))
}

/// The bytes of `path` resolved inside `upload_dir`; refused outside it, or with no folder.
fn read_inside(upload_dir: Option<&Path>, path: &str) -> Result<Vec<u8>, String> {
    let Some(dir) = upload_dir else {
        return Err(
            "this server takes files as `content_base64` only: `path` needs the server to be started with --upload-dir DIR"
                .to_owned(),
        );
    };
    let resolved = resolve_inside(dir, path)?;
    std::fs::read(&resolved)
        .map_err(|err| format!("cannot read `{path}` in the upload folder: {err}"))
}

/// `path` inside `dir`, symbolic links followed; an error when it leads outside.
pub fn resolve_inside(dir: &Path, path: &str) -> Result<PathBuf, String> {
    let root = dir
        .canonicalize()
        .map_err(|err| format!("the upload folder {} cannot be used: {err}", dir.display()))?;
    let candidate = root.join(path);
    let resolved = candidate
        .canonicalize()
        .map_err(|err| format!("no file `{path}` in the upload folder ({err})"))?;
    if !resolved.starts_with(&root) {
        return Err(format!(
            "`{path}` is outside the upload folder; only files inside it can be sent"
        ));
    }
    if !resolved.is_file() {
        return Err(format!("`{path}` in the upload folder is not a file"));
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(content: Option<&str>, path: Option<&str>) -> FileArg {
        FileArg {
            content_base64: content.map(str::to_owned),
            path: path.map(str::to_owned),
            filename: None,
            media_type: None,
        }
    }

    #[test]
    fn content_is_decoded_and_paths_stay_inside_the_folder() {
        let file = arg(Some("aGVsbG8="), None).resolve(None).unwrap();
        assert_eq!(
            (file.bytes.as_slice(), file.filename.as_str()),
            (&b"hello"[..], "upload")
        );
        assert!(arg(Some("%%%"), None)
            .resolve(None)
            .unwrap_err()
            .contains("not base64"));
        assert!(arg(None, None).resolve(None).is_err());

        let dir = std::env::temp_dir().join(format!("spec2mcp-upload-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("in")).unwrap();
        std::fs::write(dir.join("in/a.txt"), b"inside").unwrap();
        std::fs::write(dir.join("secret.txt"), b"outside").unwrap();
        let inside = dir.join("in");
        let file = arg(None, Some("a.txt")).resolve(Some(&inside)).unwrap();
        assert_eq!(
            (file.bytes.as_slice(), file.filename.as_str()),
            (&b"inside"[..], "a.txt")
        );
        let escape = arg(None, Some("../secret.txt"))
            .resolve(Some(&inside))
            .unwrap_err();
        assert!(escape.contains("outside the upload folder"), "{escape}");
        let absolute = dir.join("secret.txt").display().to_string();
        assert!(arg(None, Some(&absolute)).resolve(Some(&inside)).is_err());
        assert!(arg(None, Some("a.txt"))
            .resolve(None)
            .unwrap_err()
            .contains("--upload-dir"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
