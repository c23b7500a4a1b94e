//! `wire_enum!` declares a closed set of values that travel and are stored
//! as text (`"ON_HOLD"`), each with the words a person reads (`"On hold"`):
//! the enum, `ALL`, `as_str`, `label` and `parse`, from one list.

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal => $label:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )*
        }

        impl $name {
            pub const ALL: [$name; [$($wire),*].len()] = [$($name::$variant),*];

            /// Every value as stored and sent, in the order of `ALL` (the
            /// table catalogue's allowed values).
            pub const VALUES: [&'static str; [$($wire),*].len()] = [$($wire),*];

            /// As stored and sent.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)* }
            }

            /// In a person's words.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$variant),)* _ => None }
            }
        }
    };
}
pub(crate) use wire_enum;

#[cfg(test)]
mod tests {
    use crate::commands::students::EnrolmentStatus;

    #[test]
    fn every_value_round_trips_as_its_text() {
        for v in EnrolmentStatus::ALL {
            assert_eq!(EnrolmentStatus::parse(v.as_str()), Some(v));
            assert!(EnrolmentStatus::VALUES.contains(&v.as_str()));
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{}\"", v.as_str()));
            assert_eq!(serde_json::from_str::<EnrolmentStatus>(&json).unwrap(), v);
        }
        assert_eq!(EnrolmentStatus::OnHold.as_str(), "ON_HOLD");
        assert_eq!(EnrolmentStatus::OnHold.label(), "On hold");
        assert_eq!(EnrolmentStatus::default(), EnrolmentStatus::Active);
        assert_eq!(EnrolmentStatus::parse("on_hold"), None);
    }
}
