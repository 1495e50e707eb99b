//! The macro that turns the declarative method table in [`spec`](super::spec) into code: one
//! struct per method, the [`Method`](super::Method) enum, ids, names, and encode/decode.
//!
//! Nothing here knows any particular method; adding a method is one line in `spec.rs`.

/// A method's class and method ids: an open newtype (unknown pairs are representable) with a
/// named constant per known method (`MethodId::BASIC_PUBLISH`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MethodId {
    /// Class id (`basic` = 60).
    pub class_id: u16,
    /// Method id within the class (`publish` = 40).
    pub method_id: u16,
}

impl std::fmt::Debug for MethodId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.info() {
            Some(info) => write!(f, "{} ({}.{})", info.name, self.class_id, self.method_id),
            None => write!(f, "{}.{}", self.class_id, self.method_id),
        }
    }
}

/// Static facts about one method, from the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodInfo {
    /// Its ids.
    pub id: MethodId,
    /// `class.method` with the spec's names (`queue.declare-ok`).
    pub name: &'static str,
    /// Whether content (header + body frames) follows it.
    pub has_content: bool,
    /// Its fields in wire order: name (hyphens as underscores) and domain.
    pub fields: &'static [(&'static str, super::Domain)],
    /// Not in 0-9-1 but still spoken by RabbitMQ (the 0-8 `access` class): decoded only by
    /// the [`RabbitMq`](super::Profile::RabbitMq) profile.
    pub legacy: bool,
}

/// Why a method could not be built from generic field values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldsError {
    /// No method has these ids.
    #[error("unknown method {0:?}")]
    UnknownMethod(MethodId),
    /// A field's value is missing or of another domain.
    #[error("field {field}: {message}")]
    Field {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

macro_rules! domain_type {
    (bit) => { bool };
    (octet) => { u8 };
    (short) => { u16 };
    (long) => { u32 };
    (longlong) => { u64 };
    (timestamp) => { u64 };
    (shortstr) => { $crate::amqp::ShortStr<'a> };
    (longstr) => { $crate::amqp::LongStr<'a> };
    (table) => { $crate::amqp::FieldTable<'a> };
}

macro_rules! domain_value {
    (bit) => {
        $crate::amqp::Domain::Bit
    };
    (octet) => {
        $crate::amqp::Domain::Octet
    };
    (short) => {
        $crate::amqp::Domain::Short
    };
    (long) => {
        $crate::amqp::Domain::Long
    };
    (longlong) => {
        $crate::amqp::Domain::LongLong
    };
    (timestamp) => {
        $crate::amqp::Domain::Timestamp
    };
    (shortstr) => {
        $crate::amqp::Domain::ShortStr
    };
    (longstr) => {
        $crate::amqp::Domain::LongStr
    };
    (table) => {
        $crate::amqp::Domain::Table
    };
}

macro_rules! field_name {
    (r#type) => {
        "type"
    };
    ($field:ident) => {
        stringify!($field)
    };
}

macro_rules! static_type {
    ($ty:ident <$lt:lifetime>) => { $ty<'static> };
    ($ty:ident) => { $ty };
}

macro_rules! has_content {
    () => {
        false
    };
    (content) => {
        true
    };
    (legacy) => {
        false
    };
}

macro_rules! is_legacy {
    () => {
        false
    };
    (content) => {
        false
    };
    (legacy) => {
        true
    };
}

/// Generates everything from the method table. Each row:
/// `(class_id, method_id, CONST_NAME, "class.method" [, content | legacy]) Struct[<'a>] { field: domain, ... }`
macro_rules! amqp_methods {
    ($(
        $(#[$doc:meta])*
        ($class:literal, $method:literal, $konst:ident, $name:literal $(, $content:ident)?)
        $ty:ident $(<$lt:lifetime>)? { $($field:ident : $domain:ident),* $(,)? }
    )*) => {
        $(
            $(#[$doc])*
            #[doc = concat!("\n\n`", $name, "` (", stringify!($class), ".", stringify!($method), ")")]
            #[derive(Debug, Clone, PartialEq, Eq, Default)]
            pub struct $ty $(<$lt>)? {
                $(
                    #[doc = concat!("`", stringify!($field), "` (", stringify!($domain), ")")]
                    pub $field: domain_type!($domain),
                )*
            }

            impl $(<$lt>)? $ty $(<$lt>)? {
                /// The method's ids.
                pub const ID: $crate::amqp::MethodId = $crate::amqp::MethodId::$konst;

                /// The same method, owning its data.
                pub fn into_owned(self) -> static_type!($ty $(<$lt>)?) {
                    $ty {
                        $($field: $crate::amqp::field::OwnedField::into_owned_field(self.$field),)*
                    }
                }
            }

            impl<'a> From<$ty $(<$lt>)?> for Method<'a> {
                fn from(m: $ty $(<$lt>)?) -> Method<'a> {
                    Method::$ty(m)
                }
            }
        )*

        impl MethodId {
            $(
                #[doc = concat!("`", $name, "`")]
                pub const $konst: MethodId = MethodId { class_id: $class, method_id: $method };
            )*

            /// Facts about this method, if it is known.
            pub fn info(self) -> Option<&'static MethodInfo> {
                $crate::amqp::METHODS.iter().find(|m| m.id == self)
            }
        }

        /// Every known method, in table order.
        pub const METHODS: &[MethodInfo] = &[
            $(MethodInfo {
                id: MethodId::$konst,
                name: $name,
                has_content: has_content!($($content)?),
                legacy: is_legacy!($($content)?),
                fields: &[$((field_name!($field), domain_value!($domain))),*],
            },)*
        ];

        /// A decoded method: one variant per method of the table.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Method<'a> {
            $(
                #[doc = concat!("`", $name, "`")]
                $ty($ty $(<$lt>)?),
            )*
        }

        impl<'a> Method<'a> {
            /// The method's ids.
            pub fn id(&self) -> MethodId {
                match self { $(Method::$ty(_) => MethodId::$konst,)* }
            }

            /// `class.method` with the spec's names.
            pub fn name(&self) -> &'static str {
                match self { $(Method::$ty(_) => $name,)* }
            }

            /// Whether content (a header and body frames) follows this method.
            pub fn has_content(&self) -> bool {
                match self { $(Method::$ty(_) => has_content!($($content)?),)* }
            }

            pub(crate) fn read_fields(
                id: MethodId,
                r: &mut $crate::amqp::field::FieldReader<'a>,
            ) -> Result<Self, $crate::amqp::Error> {
                #[allow(unused_imports)]
                use $crate::amqp::field::Field;
                match (id.class_id, id.method_id) {
                    $(($class, $method) if !is_legacy!($($content)?) || r.profile == $crate::amqp::Profile::RabbitMq => Ok(Method::$ty($ty {
                        $($field: Field::read(r)?,)*
                    })),)*
                    (class_id, method_id) => Err($crate::amqp::Error::new(
                        r.r.offset().saturating_sub(4),
                        $crate::amqp::ErrorKind::UnknownMethod { class_id, method_id },
                    )),
                }
            }

            /// Length of the method payload: ids and fields.
            pub fn encoded_len(&self) -> usize {
                #[allow(unused_imports)]
                use $crate::amqp::field::Field;
                let mut l = $crate::amqp::field::LenCounter::default();
                match self {
                    $(Method::$ty(_m) => { $(_m.$field.count(&mut l);)* })*
                }
                4 + l.len
            }

            /// Writes the method payload: class id, method id, fields.
            pub fn encode(&self, buf: &mut impl bytes::BufMut) {
                #[allow(unused_imports)]
                use $crate::amqp::field::Field;
                let id = self.id();
                buf.put_u16(id.class_id);
                buf.put_u16(id.method_id);
                let mut _w = $crate::amqp::field::FieldWriter::new(buf);
                match self {
                    $(Method::$ty(_m) => { $(_m.$field.write(&mut _w);)* })*
                }
                _w.finish();
            }

            /// The encoding, in a buffer of exactly [`encoded_len`](Self::encoded_len) bytes.
            pub fn to_vec(&self) -> Vec<u8> {
                let mut out = Vec::with_capacity(self.encoded_len());
                self.encode(&mut out);
                out
            }

            /// Calls `f` with each field's name and value, in wire order.
            pub fn visit_fields(&self, f: &mut dyn FnMut(&'static str, $crate::amqp::FieldRef<'_>)) {
                #[allow(unused_imports)]
                use $crate::amqp::field::Field;
                let _ = &f;
                match self {
                    $(Method::$ty(_m) => { $(f(field_name!($field), _m.$field.field_ref());)* })*
                }
            }

            /// Builds the method `id` from field values that `get` supplies by name and domain.
            pub fn from_fields(
                id: MethodId,
                get: &mut dyn FnMut(&'static str, $crate::amqp::Domain) -> Result<$crate::amqp::FieldVal<'a>, String>,
            ) -> Result<Self, FieldsError> {
                #[allow(unused_imports)]
                use $crate::amqp::field::Field;
                let _ = &get;
                match (id.class_id, id.method_id) {
                    $(($class, $method) => Ok(Method::$ty($ty {
                        $($field: {
                            let domain = domain_value!($domain);
                            let v = get(field_name!($field), domain).map_err(|message| {
                                FieldsError::Field { field: field_name!($field), message }
                            })?;
                            Field::from_val(v).ok_or_else(|| FieldsError::Field {
                                field: field_name!($field),
                                message: format!("expected a {domain:?} value"),
                            })?
                        },)*
                    })),)*
                    _ => Err(FieldsError::UnknownMethod(id)),
                }
            }

            /// The same method, owning its data.
            pub fn into_owned(self) -> Method<'static> {
                match self { $(Method::$ty(m) => Method::$ty(m.into_owned()),)* }
            }
        }
    };
}
