//! Enums that travel as lowercase names (in the database, the API and the CLI). One macro gives
//! each the same vocabulary: `ALL`, `as_str`, `Display`, and a `FromStr` whose error lists the
//! names that would have been accepted.

/// An unknown name for one of the named enums.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}; expected one of: {expected}")]
pub struct UnknownName {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

/// Declares an enum whose variants are known by the given names.
macro_rules! named_enum {
    (
        $(#[$doc:meta])*
        $name:ident as $what:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::names::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| $crate::names::UnknownName {
                    what: $what,
                    value: s.to_owned(),
                    expected: [$($text),+].join(", "),
                })
            }
        }
    };
}
pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    use crate::{ChannelKind, MessageStatus};

    #[test]
    fn every_name_parses_back_and_an_unknown_one_lists_the_choices() {
        for kind in ChannelKind::ALL {
            assert_eq!(kind.as_str().parse::<ChannelKind>().unwrap(), *kind);
            assert_eq!(serde_json::to_string(kind).unwrap(), format!("\"{kind}\""));
        }
        let err = "carrier-pigeon".parse::<MessageStatus>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown message status \"carrier-pigeon\"; expected one of: received, queued, sent, delivered, read, failed"
        );
    }
}
