//! A web chat channel's settings, kept in the channel's `settings`: the origins that may embed
//! the widget, its look (title, greeting, colour, corner) and the pre-chat form (name, email and
//! phone, each off, optional or required). Checked when the channel is added, read with
//! defaults at every request.

use serde::{Deserialize, Serialize};

/// Whether the pre-chat form asks for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    #[default]
    Off,
    Optional,
    Required,
}

impl std::str::FromStr for Ask {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "off" => Ok(Self::Off),
            "optional" => Ok(Self::Optional),
            "required" => Ok(Self::Required),
            other => Err(format!("{other:?} is not off, optional or required")),
        }
    }
}

/// What the pre-chat form asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Prechat {
    #[serde(default)]
    pub name: Ask,
    #[serde(default)]
    pub email: Ask,
    #[serde(default)]
    pub phone: Ask,
}

/// Which corner the bubble sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Corner {
    Left,
    #[default]
    Right,
}

/// A web chat channel's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSettings {
    /// `https://shop.example` (scheme, host and port, no path): the pages that may embed it.
    pub allowed_origins: Vec<String>,
    #[serde(default = "default_title")]
    pub title: String,
    #[serde(default)]
    pub greeting: String,
    /// `#rrggbb`.
    #[serde(default = "default_color")]
    pub color: String,
    #[serde(default)]
    pub position: Corner,
    #[serde(default)]
    pub prechat: Prechat,
}

fn default_title() -> String {
    "Chat with us".to_owned()
}

fn default_color() -> String {
    "#0d9488".to_owned()
}

impl WidgetSettings {
    /// The settings as stored; a channel whose settings cannot be read allows no origin.
    pub fn of(settings: &serde_json::Value) -> Self {
        serde_json::from_value(settings.clone()).unwrap_or_else(|_| Self {
            allowed_origins: Vec::new(),
            title: default_title(),
            greeting: String::new(),
            color: default_color(),
            position: Corner::Right,
            prechat: Prechat::default(),
        })
    }

    /// Whether a page of this origin may use the widget.
    pub fn allows(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        self.allowed_origins.contains(&origin)
    }

    /// Checks what an administrator gave, normalising the origins.
    pub fn validated(mut self) -> Result<Self, String> {
        if self.allowed_origins.is_empty() {
            return Err("name at least one origin that may embed the widget, such as https://shop.example".into());
        }
        self.allowed_origins = self.allowed_origins.iter().map(|o| normalise_origin(o)).collect::<Result<_, _>>()?;
        let hex = self.color.strip_prefix('#').unwrap_or_default();
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("the colour {:?} is not of the form #0d9488", self.color));
        }
        self.color = self.color.to_ascii_lowercase();
        if self.title.trim().is_empty() || self.title.chars().count() > 60 {
            return Err("the title has 1 to 60 characters".into());
        }
        if self.greeting.chars().count() > 500 {
            return Err("the greeting has at most 500 characters".into());
        }
        Ok(self)
    }
}

/// `https://Shop.example/` → `https://shop.example`; a path, a query or another scheme is refused.
pub fn normalise_origin(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/').to_ascii_lowercase();
    let refuse = || format!("{raw:?} is not an origin such as https://shop.example (scheme, host and port only)");
    let rest = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://")).ok_or_else(refuse)?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ', '*']) {
        return Err(refuse());
    }
    Ok(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(origins: &[&str]) -> WidgetSettings {
        let mut settings = WidgetSettings::of(&serde_json::json!({}));
        settings.allowed_origins = origins.iter().map(|o| o.to_string()).collect();
        settings
    }

    #[test]
    fn origins_are_normalised_and_compared_exactly() {
        let checked = settings(&["https://Shop.example/", "http://127.0.0.1:8092"]).validated().unwrap();
        assert_eq!(checked.allowed_origins, ["https://shop.example", "http://127.0.0.1:8092"]);
        assert!(checked.allows("https://shop.example"));
        assert!(!checked.allows("https://evil.example"));
        assert!(!checked.allows("https://shop.example.evil.example"));
        assert!(!checked.allows("http://shop.example"), "another scheme is another origin");
    }

    #[test]
    fn a_path_a_wildcard_or_no_origin_at_all_is_refused() {
        assert!(settings(&[]).validated().is_err());
        assert!(settings(&["https://shop.example/chat"]).validated().is_err());
        assert!(settings(&["https://*.example"]).validated().is_err());
        assert!(settings(&["shop.example"]).validated().is_err());
    }

    #[test]
    fn a_colour_must_be_hex() {
        let mut bad = settings(&["https://shop.example"]);
        bad.color = "red; background:url(x)".into();
        assert!(bad.validated().is_err());
    }
}
