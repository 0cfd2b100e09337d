//! YAML (and JSON, which YAML reads too) into a `serde_json::Value`, optionally recording the
//! position of every node by JSON pointer.
//!
//! Built on yaml-rust2's event parser rather than a serde YAML crate: mapping keys are always
//! text (a response code written `200:` stays the key `"200"`), and the same pass that builds the
//! value can say where each node is, so diagnostics get a line and column.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diag::{escape_token, Position};

/// A YAML syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub position: Position,
    /// What it found wrong.
    pub message: String,
}

/// Parses `text`; with `positions`, also returns where each node starts.
pub fn parse(
    text: &str,
    positions: bool,
) -> Result<(Value, Option<HashMap<String, Position>>), SyntaxError> {
    let mut builder = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        positions: positions.then(HashMap::new),
        key_mark: None,
        too_deep: None,
    };
    let mut parser = Parser::new_from_str(text);
    parser
        .load(&mut builder, false)
        .map_err(|err| SyntaxError {
            position: position(err.marker()),
            message: err.info().to_owned(),
        })?;
    if let Some(mark) = builder.too_deep {
        return Err(SyntaxError {
            position: position(&mark),
            message: format!("the document nests deeper than {MAX_DEPTH} levels"),
        });
    }
    let root = builder.root.unwrap_or(Value::Null);
    Ok((root, builder.positions))
}

fn position(mark: &Marker) -> Position {
    Position {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

enum Frame {
    Seq {
        anchor: usize,
        items: Vec<Value>,
        pointer: String,
    },
    Map {
        anchor: usize,
        map: Map<String, Value>,
        key: Option<String>,
        pointer: String,
    },
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    root: Option<Value>,
    positions: Option<HashMap<String, Position>>,
    /// Where the key of the value being read was: a mapping value is placed at its key's line,
    /// which is where a reader looks (a block mapping's own start mark is after its first key).
    key_mark: Option<Marker>,
    /// Set when nesting passes [`MAX_DEPTH`]; the rest of the document is ignored.
    too_deep: Option<Marker>,
}

/// Deeper documents are refused: later stages walk the tree recursively, and no real spec
/// nests anywhere near this.
const MAX_DEPTH: usize = 256;

impl Builder {
    /// Pointer of the node about to be added at the top of the stack.
    fn next_pointer(&self) -> String {
        match self.stack.last() {
            None => "#".to_owned(),
            Some(Frame::Seq { items, pointer, .. }) => format!("{pointer}/{}", items.len()),
            Some(Frame::Map {
                key: Some(key),
                pointer,
                ..
            }) => format!("{pointer}/{}", escape_token(key)),
            Some(Frame::Map { key: None, .. }) => String::new(),
        }
    }

    fn record(&mut self, pointer: &str, mark: Marker) {
        let mark = self.key_mark.take().unwrap_or(mark);
        if let Some(positions) = &mut self.positions {
            if !pointer.is_empty() {
                positions
                    .entry(pointer.to_owned())
                    .or_insert_with(|| position(&mark));
            }
        }
    }

    /// Adds a finished node to its parent (or makes it the root).
    fn add(&mut self, value: Value, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                None => {
                    *key = Some(key_text(&value));
                }
                Some(k) if k == "<<" => merge_into(map, value),
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.too_deep.is_some() {
            return;
        }
        if matches!(event, Event::SequenceStart(..) | Event::MappingStart(..))
            && self.stack.len() >= MAX_DEPTH
        {
            self.too_deep = Some(mark);
            self.stack.clear();
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                if self.expecting_key() {
                    self.key_mark = Some(mark);
                    self.add(Value::String(text), anchor);
                } else {
                    let pointer = self.next_pointer();
                    self.record(&pointer, mark);
                    let quoted = style != TScalarStyle::Plain;
                    let tagged_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                    let value = if quoted || tagged_str {
                        Value::String(text)
                    } else {
                        resolve_plain(text)
                    };
                    self.add(value, anchor);
                }
            }
            Event::SequenceStart(anchor, _) => {
                let pointer = self.next_pointer();
                self.record(&pointer, mark);
                self.stack.push(Frame::Seq {
                    anchor,
                    items: Vec::new(),
                    pointer,
                });
            }
            Event::MappingStart(anchor, _) => {
                let pointer = self.next_pointer();
                self.record(&pointer, mark);
                self.stack.push(Frame::Map {
                    anchor,
                    map: Map::new(),
                    key: None,
                    pointer,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { anchor, items, .. }) = self.stack.pop() {
                    self.add(Value::Array(items), anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { anchor, map, .. }) = self.stack.pop() {
                    self.add(Value::Object(map), anchor);
                }
            }
            Event::Alias(id) => {
                let value = self.anchors.get(&id).cloned().unwrap_or(Value::Null);
                if self.expecting_key() {
                    self.key_mark = Some(mark);
                } else {
                    let pointer = self.next_pointer();
                    self.record(&pointer, mark);
                }
                self.add(value, 0);
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// A mapping key as text: scalars as written, anything else as compact JSON.
fn key_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// YAML merge key `<<`: entries the mapping does not have yet are taken from the merged ones.
fn merge_into(map: &mut Map<String, Value>, value: Value) {
    let sources = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    for source in sources {
        if let Value::Object(entries) = source {
            for (k, v) in entries {
                map.entry(k).or_insert(v);
            }
        }
    }
}

/// The YAML 1.2 core schema for plain scalars: null, booleans, integers, floats, else text.
fn resolve_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = parse_int(&text) {
        return Value::Number(n);
    }
    if looks_like_float(&text) {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text)
}

fn parse_int(text: &str) -> Option<Number> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(oct) = digits.strip_prefix("0o") {
        (8, oct)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if negative {
        i64::from_str_radix(&format!("-{digits}"), radix)
            .ok()
            .map(Number::from)
    } else {
        u64::from_str_radix(digits, radix).ok().map(Number::from)
    }
}

fn looks_like_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut chars = body.chars().peekable();
    let mut digits = 0;
    while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
        chars.next();
        digits += 1;
    }
    if chars.peek() == Some(&'.') {
        chars.next();
        while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
            chars.next();
            digits += 1;
        }
    }
    if digits == 0 {
        return false;
    }
    if matches!(chars.peek(), Some('e' | 'E')) {
        chars.next();
        if matches!(chars.peek(), Some('+' | '-')) {
            chars.next();
        }
        let mut exp = 0;
        while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
            chars.next();
            exp += 1;
        }
        if exp == 0 {
            return false;
        }
    }
    chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_resolve_like_yaml_1_2() {
        let (v, _) = parse(
            "a: 1\nb: '1'\nc: 1.5\nd: true\ne: ~\nf: yes\ng: 0x1F\nh: 1e3\ni: 1.2.3\n",
            false,
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": 1, "b": "1", "c": 1.5, "d": true, "e": null, "f": "yes", "g": 31, "h": 1000.0, "i": "1.2.3"})
        );
    }

    #[test]
    fn integer_keys_stay_text_and_positions_are_recorded() {
        let text = "responses:\n  200:\n    description: ok\nlist:\n  - x\n  - y: 1\n";
        let (v, pos) = parse(text, true).unwrap();
        assert_eq!(v["responses"]["200"]["description"], "ok");
        let pos = pos.unwrap();
        assert_eq!(
            pos["#/responses/200/description"],
            Position { line: 3, column: 5 }
        );
        assert_eq!(pos["#/responses/200"], Position { line: 2, column: 3 });
        assert_eq!(pos["#/list/1/y"].line, 6);
    }

    #[test]
    fn anchors_and_merge_keys() {
        let (v, _) = parse("a: &x {k: 1}\nb: *x\nc:\n  <<: *x\n  j: 2\n", false).unwrap();
        assert_eq!(v["b"]["k"], 1);
        assert_eq!(v["c"], serde_json::json!({"k": 1, "j": 2}));
    }

    #[test]
    fn json_is_read_too() {
        let (v, pos) = parse("{\n  \"a\": [1, {\"b\": \"c\"}]\n}", true).unwrap();
        assert_eq!(v["a"][1]["b"], "c");
        assert_eq!(pos.unwrap()["#/a/1/b"].line, 2);
    }

    #[test]
    fn absurd_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        assert!(parse(&text, false).is_err());
        // Block style nests without brackets; the builder's own limit catches it.
        let text: String = (0..300)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>()
            + &" ".repeat(300)
            + "v\n";
        let err = parse(&text, false).unwrap_err();
        assert!(
            err.message.contains("deeper") || err.message.contains("recursion limit"),
            "{err:?}"
        );
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let err = parse("a: [1, 2\nb: 3\n", false).unwrap_err();
        assert!(err.position.line >= 1, "{err:?}");
    }
}
