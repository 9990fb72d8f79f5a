//! `Node`: a YAML value of free shape (matchers, JSON bodies, header maps,
//! captures), every node with its position.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::error::custom_message;
use super::{Position, Spanned};
use crate::text::{Text, text};

/// A YAML value of free shape, every node with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    /// Entries in file order (duplicate keys are rejected by the parser).
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl Node {
    /// What kind of YAML value this is, for messages ("expected a map, found a list").
    pub(crate) fn kind(&self) -> Text {
        let (id, en) = match self {
            Node::Null => ("null", "null"),
            Node::Bool(_) => ("boolean", "a boolean"),
            Node::Int(_) | Node::Float(_) => ("angka", "a number"),
            Node::Str(_) => ("teks", "a string"),
            Node::Seq(_) => ("daftar", "a list"),
            Node::Map(_) => ("map", "a map"),
        };
        Text::new(id, en)
    }

    /// The text of a scalar used as a map key or a name.
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match self {
            Node::Str(text) => Some(text.clone()),
            Node::Int(value) => Some(value.to_string()),
            Node::Float(value) => Some(value.to_string()),
            Node::Bool(value) => Some(value.to_string()),
            Node::Null | Node::Seq(_) | Node::Map(_) => None,
        }
    }
}

/// Serialized as the plain value, for the `effective` scenario in reports.
impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(value) => serializer.serialize_bool(*value),
            Node::Int(value) => serializer.serialize_i64(*value),
            Node::Float(value) => serializer.serialize_f64(*value),
            Node::Str(text) => serializer.serialize_str(text),
            Node::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&item.value)?;
                }
                seq.end()
            }
            Node::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(
                        &key.value.scalar_text().unwrap_or_default(),
                        &value.value,
                    )?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Int(value))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Node, E> {
        i64::try_from(value).map(Node::Int).map_err(|_| {
            E::custom(custom_message(
                Text::new("bilangan bulat terlalu besar", "integer too large"),
                Text::new(
                    "beri tanda kutip agar tetap berupa teks",
                    "quote it to keep it as text",
                ),
            ))
        })
    }
    fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
        Ok(Node::Float(value))
    }
    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::Str(value.to_string()))
    }
    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::Str(value))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        let mut seen = HashMap::new();
        while let Some(key) = map.next_key_seed(DistinctKey { seen: &mut seen })? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

/// Reads one key of a map and refuses one that reads the same as an earlier key
/// of that map (`True` and `true`, `1` and `"1"`, `1` and `1.0`, `~` and `""`):
/// both would become one JSON key, and one value would be dropped without a word.
/// The library already refuses keys written the same; the error is raised while
/// the key is read, so the library gives it the key's position.
struct DistinctKey<'a> {
    /// Each earlier key as read (its JSON key), with the key and its line.
    seen: &'a mut HashMap<String, (Node, u64)>,
}

impl<'de> DeserializeSeed<'de> for DistinctKey<'_> {
    type Value = Spanned<Node>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let key = Spanned::<Node>::deserialize(deserializer)?;
        let read = key.value.scalar_text().unwrap_or_default();
        if let Some((first, line)) = self.seen.get(&read) {
            let why = alike(&key.value)
                .or_else(|| alike(first))
                .unwrap_or(Text::new(
                    "kunci dibandingkan sebagaimana terbaca, bukan sebagaimana tertulis",
                    "keys are compared as they are read, not as they are written",
                ));
            let named = if read.is_empty() {
                Text::new("kunci kosong", "the empty key")
            } else {
                text!("kunci `{read}`", "key `{read}`")
            };
            let message = text!(
                "{named} ditulis dua kali: kunci pada baris {line} terbaca sama; kunci yang berulang membuat salah satu nilainya terbuang tanpa peringatan",
                "duplicate {named}: the key on line {line} reads the same; a repeated key would silently drop one of its values",
                named = named,
            );
            let help = text!(
                "{why}; pertahankan salah satunya",
                "{why}; keep one of them",
                why = why,
            );
            return Err(de::Error::custom(custom_message(message, help)));
        }
        self.seen
            .insert(read, (key.value.clone(), Position::of(&key).line));
        Ok(key)
    }
}

/// Why a key that is not text reads like another key, for the hint.
fn alike(key: &Node) -> Option<Text> {
    match key {
        Node::Bool(value) => Some(text!(
            "YAML membaca `{value}` dalam huruf apa pun sebagai boolean {value}, yang menjadi kunci `{value}`",
            "YAML reads `{value}` in any case as the boolean {value}, which becomes the key `{value}`"
        )),
        Node::Int(_) | Node::Float(_) => {
            let number = key.scalar_text().unwrap_or_default();
            Some(text!(
                "YAML membaca kunci berupa angka sebagai angka (`1.0` dan `01` sama-sama 1), yang menjadi kunci `{number}`",
                "YAML reads a number key as a number (`1.0` and `01` are both 1), which becomes the key `{number}`"
            ))
        }
        Node::Null => Some(Text::new(
            "YAML membaca `~`, `null`, dan kunci kosong sebagai null, yang menjadi kunci kosong",
            "YAML reads `~`, `null` and an empty key as null, which becomes the empty key",
        )),
        Node::Str(_) | Node::Seq(_) | Node::Map(_) => None,
    }
}
