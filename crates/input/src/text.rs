//! A text in both languages of the human output, and [`text!`] to write one.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

// Catalogue titles, and every problem the input stage reports. (The doc line
// below is the catalogue schema's description of such a text.)
/// A text in both languages of the human output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Text {
    pub id: String,
    pub en: String,
}

impl Text {
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn pick(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }

    /// Both texts changed the same way (a secret masked in each).
    pub fn map(self, mut change: impl FnMut(String) -> String) -> Self {
        Self {
            id: change(self.id),
            en: change(self.en),
        }
    }
}

/// A [`Text`] from two format strings, Indonesian first, each capturing the
/// same variables: `text!("kunci `{key}` tidak dikenal", "unknown key `{key}`")`.
/// Texts named after them fill each language with their own:
/// `text!("ditemukan {found}", "found {found}", found = node.kind())`.
macro_rules! text {
    ($id:literal, $en:literal $(,)?) => {
        $crate::text::Text {
            id: format!($id),
            en: format!($en),
        }
    };
    ($id:literal, $en:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        $(let $name: $crate::text::Text = $value;)+
        $crate::text::Text {
            id: format!($id, $($name = $name.id),+),
            en: format!($en, $($name = $name.en),+),
        }
    }};
}
pub(crate) use text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_formats_both_languages_with_the_same_variables() {
        let key = "tiemout";
        let made = text!("kunci `{key}` tidak dikenal", "unknown key `{key}`");
        assert_eq!(made.pick(Lang::Id), "kunci `tiemout` tidak dikenal");
        assert_eq!(made.pick(Lang::En), "unknown key `tiemout`");
        let found = Text::new("daftar", "a list");
        let made = text!(
            "`{key}` memerlukan map, ditemukan {found}",
            "`{key}` takes a map, found {found}",
            found = found,
        );
        assert_eq!(made.id, "`tiemout` memerlukan map, ditemukan daftar");
        assert_eq!(made.en, "`tiemout` takes a map, found a list");
        let masked = made.map(|text| text.replace("tiemout", "***"));
        assert_eq!(masked.en, "`***` takes a map, found a list");
        assert_eq!(masked.id, "`***` memerlukan map, ditemukan daftar");
    }
}
