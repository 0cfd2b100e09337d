//! Output schemas: what a tool's structured result looks like, from its first 2xx JSON response,
//! relaxed to what real answers honour.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::body::is_json;
use super::schema::json::{json_size, relax, SchemaWriter};
use super::schema::{Context, Id, Kind, Normalizer};
use super::Answer;
use crate::diag::join_pointer;
use crate::resolve::{Operation, Resolver};

/// Largest output schema advertised, in bytes of compact JSON. The tool list is context an agent
/// pays for on every turn; past this the structured result goes without a schema.
pub const MAX_OUTPUT_SCHEMA_BYTES: usize = 4096;

/// Output schemas, remembered by the response schema's node: large APIs return the same few
/// components from many operations (Stripe, GitHub), and each costs a full conversion.
#[derive(Debug)]
pub struct OutputSchemas<'a> {
    ir: Normalizer<'a>,
    written: HashMap<Id, Option<Value>>,
}

impl<'a> OutputSchemas<'a> {
    /// No schemas yet, for the document of `resolver`.
    pub fn new(resolver: Resolver<'a>) -> Self {
        OutputSchemas {
            ir: Normalizer::new(resolver, Context::Output),
            written: HashMap::new(),
        }
    }

    /// The output schema of `op`: an object schema as it is, an array or scalar under `result`
    /// (as the runtime wraps it), a union root not at all.
    pub fn for_operation(&mut self, op: &Operation<'a>) -> Option<Value> {
        let (schema, pointer) = response_schema(op, self.ir.resolver())?;
        let id = self.ir.node(schema, &pointer);
        if let Some(done) = self.written.get(&id) {
            return done.clone();
        }
        let written = output_schema(&self.ir, id);
        self.written.insert(id, written.clone());
        written
    }
}

impl<'a> OutputSchemas<'a> {
    /// What `op` answers with: the resource (a component), whether it comes one, as a list or
    /// as a page (DRF's `results` beside `next`), and the resource's fields.
    pub fn answer(&mut self, op: &Operation<'a>) -> (Option<String>, Answer, Vec<String>) {
        let Some((schema, pointer)) = response_schema(op, self.ir.resolver()) else {
            return (None, Answer::Other, Vec::new());
        };
        let id = self.ir.node(schema, &pointer);
        let root = self.ir.target(id);
        let object = |id: Id| match &self.ir.get(id).kind {
            Kind::Object(object) => Some(object.clone()),
            _ => None,
        };
        let item_of_array = |id: Id| match self.ir.get(self.ir.target(id)).kind {
            Kind::Array(Some(items)) => Some(self.ir.target(items)),
            _ => None,
        };
        let (item, answer) = if let Some(items) = item_of_array(root) {
            (Some(items), Answer::List)
        } else if let Some(envelope) = object(root) {
            let results = envelope.properties.iter().find(|p| p.name == "results");
            // DRF's paginators put `count`/`next` beside `results`; a custom one may keep them
            // in a `pagination` object (authentik's).
            let paged = envelope
                .properties
                .iter()
                .any(|p| matches!(p.name.as_str(), "next" | "count" | "pagination"));
            match results.and_then(|r| item_of_array(r.node)) {
                Some(items) if paged => (Some(items), Answer::Page),
                _ => (Some(root), Answer::One),
            }
        } else {
            (None, Answer::Other)
        };
        let Some(item) = item else {
            return (None, answer, Vec::new());
        };
        let resource = self.ir.get(item).component.clone();
        let fields = object(item)
            .map(|o| o.properties.iter().map(|p| p.name.clone()).collect())
            .unwrap_or_default();
        (resource, answer, fields)
    }
}

/// The schema of the first 2xx JSON response, and its pointer.
fn response_schema<'a>(op: &Operation<'a>, resolver: &Resolver<'a>) -> Option<(&'a Value, String)> {
    let responses = op.op.get("responses")?.as_object()?;
    let (code, response) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    let pointer = join_pointer(&join_pointer(&op.pointer, "responses"), code);
    let node = resolver.deref(response, &pointer).ok()?;
    let content = node.value.get("content")?.as_object()?;
    let (media_type, media) = content.iter().find(|(m, _)| is_json(m))?;
    let schema_pointer = join_pointer(
        &join_pointer(&join_pointer(&node.pointer, "content"), media_type),
        "schema",
    );
    let schema = media.get("schema")?;
    Some((schema, schema_pointer))
}

fn output_schema(ir: &Normalizer<'_>, id: Id) -> Option<Value> {
    // The output writer copies no assertions or descriptions, so what it writes is close to
    // the relaxed size: relaxing still drops `required` lists and `additionalProperties: false`
    // (under a third of an object's bytes) and adds `null` to types. Twice the limit leaves
    // room for that; past it the schema cannot fit, and converting more is wasted.
    let mut writer = SchemaWriter::for_output(ir, 2 * MAX_OUTPUT_SCHEMA_BYTES);
    let written = writer.write(id);
    if writer.over_budget() {
        return None;
    }
    let ty = written.get("type");
    let is_object = match ty {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        None => written.get("properties").is_some(),
        _ => false,
    };
    let root = if is_object && written.get("anyOf").is_none() && written.get("oneOf").is_none() {
        written
    } else if ty.is_some() {
        json!({"type": "object", "properties": {"result": written}})
    } else {
        return None;
    };
    let mut root = writer.finish(root);
    relax(&mut root);
    if let Value::Object(map) = &mut root {
        map.insert("type".into(), json!("object"));
    }
    (json_size(&root) <= MAX_OUTPUT_SCHEMA_BYTES).then_some(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_wrapped_write_only_dropped_and_everything_may_be_null() {
        let doc = json!({"paths": {"/p": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
            "type": "array", "items": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer", "format": "int64"},
                "secret": {"type": "string", "writeOnly": true}}}}}}}}}}}});
        let resolver = Resolver::new(&doc);
        let ops = crate::resolve::operations(&resolver, &mut Vec::new());
        let schema = OutputSchemas::new(resolver).for_operation(&ops[0]).unwrap();
        assert_eq!(
            schema,
            json!({"type": "object", "properties": {"result": {
                "type": ["array", "null"], "items": {"type": ["object", "null"], "properties": {
                    "id": {"type": ["integer", "null"]}}}}}})
        );
    }
}
