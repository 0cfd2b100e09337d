//! One normalised form of the schemas a tool's input and output use.
//!
//! The Rust types ([`rust`]) and the advertised JSON Schemas ([`json`]) are both written from
//! it, so they cannot disagree about what a schema means: `$ref`s are followed once, `allOf`
//! parts merged once, `readOnly` (inputs) or `writeOnly` (outputs) properties dropped once, and
//! nullability and unions (tagged or not, enums of enums) decided once, in [`normalize`].
//!
//! The form is a graph of [`Node`]s indexed by [`Id`]: a schema reached twice (a component, or
//! the same pointer) is one node, and a recursive schema is a cycle.

pub mod json;
pub mod normalize;
pub mod rust;

use serde_json::{Map, Value};

pub use normalize::Normalizer;

/// A node of the graph.
pub type Id = usize;

/// Which properties a context leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Tool arguments: `readOnly` properties are not inputs.
    Input,
    /// Structured results: `writeOnly` properties never come back.
    Output,
}

/// One schema, normalised.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// Where it is in the spec (after following `$ref`s).
    pub pointer: String,
    /// The schema as written, for telling repeated inline schemas apart by their text.
    pub raw: &'a Value,
    /// Its name in `components.schemas` when it is one.
    pub component: Option<String>,
    /// `type` as written (a string after loading), for the advertised schema.
    pub declared_type: Option<Value>,
    /// Whether `null` is also accepted.
    pub nullable: bool,
    /// Annotations and assertions as written (`title`, `description`, `format`, `pattern`,
    /// bounds, `default`, …), keyed by keyword.
    pub keywords: Map<String, Value>,
    /// The shape of the values.
    pub kind: Kind,
}

impl Node<'_> {
    /// A keyword's value.
    pub fn keyword(&self, name: &str) -> Option<&Value> {
        self.keywords.get(name)
    }

    /// The description, else the title (trimmed), for doc comments.
    pub fn doc(&self) -> Option<String> {
        ["description", "title"]
            .iter()
            .find_map(|k| self.keyword(k).and_then(Value::as_str))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    }
}

/// The shape of a schema's values.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Anything (no `type`, or several).
    Any,
    /// `boolean`.
    Bool,
    /// `integer`; `int32` when the format says so.
    Integer {
        /// `format: int32`.
        int32: bool,
    },
    /// `number`.
    Number,
    /// `string`.
    String,
    /// One of these values (never `null`: that is [`Node::nullable`]).
    Enum(Vec<Value>),
    /// `array` of `items` (`None`: any items).
    Array(Option<Id>),
    /// `object`.
    Object(Object),
    /// `oneOf` / `anyOf`.
    Union(Union),
    /// `allOf` whose parts cannot be merged into one object, or properties beside a union.
    Intersection(Vec<Id>),
    /// The schema of another node, with this node's own annotations on top (a `$ref` with
    /// siblings such as `nullable` or `description`, or `allOf: [X]`).
    Alias(Id),
    /// A schema that cannot be read (a `$ref` to nothing): operations using it are skipped.
    Broken(String),
}

/// An object schema, `allOf` parts merged in.
#[derive(Debug, Clone, Default)]
pub struct Object {
    /// Properties in order (parts first, then the schema's own), without the dropped ones.
    pub properties: Vec<Property>,
    /// `required`, in the spec's order, without dropped properties (it may name properties that
    /// are not declared: the advertised schema keeps them).
    pub required: Vec<String>,
    /// `additionalProperties`.
    pub additional: Additional,
    /// Whether any part has a `properties` keyword (even an empty one).
    pub declares_properties: bool,
    /// Properties the spec declares that the context leaves out (`readOnly` in an input).
    pub dropped: Vec<String>,
}

/// One property of an object.
#[derive(Debug, Clone)]
pub struct Property {
    /// Its name.
    pub name: String,
    /// Its schema.
    pub node: Id,
    /// Whether it is in `required`.
    pub required: bool,
}

/// What an object says about properties beyond the named ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Additional {
    /// Nothing: an input allows none (the Rust types reject unknown fields).
    #[default]
    Unspecified,
    /// `true` or `{}`.
    Any,
    /// `false`.
    Forbidden,
    /// A schema for their values.
    Typed(Id),
}

/// `oneOf` / `anyOf`, `null` members taken out (into [`Node::nullable`]).
#[derive(Debug, Clone)]
pub struct Union {
    /// `oneOf` or `anyOf`.
    pub keyword: &'static str,
    /// The members.
    pub members: Vec<Id>,
    /// How a member is chosen, when a discriminator says so and the tag is in the members.
    pub tagging: Option<Tagging>,
}

/// A discriminated union whose tag property is part of the members' data.
#[derive(Debug, Clone)]
pub struct Tagging {
    /// The discriminator's `propertyName`.
    pub tag: String,
    /// For each member (same order as [`Union::members`]): the tag values that select it and
    /// its schema name.
    pub variants: Vec<TagVariant>,
}

/// The tag values of one member.
#[derive(Debug, Clone)]
pub struct TagVariant {
    /// The member.
    pub member: Id,
    /// Its schema name in the spec.
    pub schema_name: String,
    /// The values of the tag property that select it (mapping keys, else the schema name).
    pub values: Vec<String>,
}
