//! Decoding for the canonical types that keep unknown members in an `extra` map.
//!
//! `#[serde(flatten)]` does this by buffering the whole object into serde's private
//! `Content` tree and decoding the buffer a second time, allocating a key and a value
//! for every member, known or not. Every request body, answer and stream chunk went
//! through it: about 7.5k instructions per chunk of an OpenAI stream in callgrind.
//! [`with_extra!`] implements `Deserialize` so that each member is read once, known
//! members straight into their fields and only unknown ones into `extra`.

use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

/// A member name: borrowed from the input when it can be, owned when it had escapes.
pub(super) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(super) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

/// Reads a member name without allocating one that can be borrowed.
pub(super) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v))
    }
}

/// A member's value when the object leaves it out.
pub(super) fn or<T, E>(value: T) -> Result<T, E> {
    Ok(value)
}

/// A member the object must have.
pub(super) fn required<T, E: de::Error>(name: &'static str) -> Result<T, E> {
    Err(E::missing_field(name))
}

/// Implements `Deserialize` for `$ty` from a JSON object: each listed field read from
/// its member (or an alias), `= or(value)` when absent or `= required("name")`, every
/// other member into `extra`, and `skip` fields set as given. A later duplicate of a
/// member replaces the earlier one.
macro_rules! with_extra {
    (
        $ty:ident, $what:literal,
        { $($field:ident $(| $alias:literal)* : $fty:ty = $absent:expr),* $(,)? }
        $(, skip { $($skip:ident = $skip_init:expr),* $(,)? })?
    ) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str($what)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$ty, A::Error> {
                        $(let mut $field: Option<$fty> = None;)*
                        let mut extra = $crate::schema::Extra::new();
                        while let Some(key) = map.next_key_seed($crate::schema::with_extra::KeySeed)? {
                            match key.as_str() {
                                $(stringify!($field) $(| $alias)* => {
                                    $field = Some(map.next_value()?);
                                })*
                                other => {
                                    extra.insert(other.to_owned(), map.next_value()?);
                                }
                            }
                        }
                        Ok($ty {
                            $($field: match $field {
                                Some(v) => v,
                                None => {
                                    let absent: Result<$fty, A::Error> = $absent;
                                    absent?
                                }
                            },)*
                            extra,
                            $($($skip: $skip_init,)*)?
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

pub(super) use with_extra;
