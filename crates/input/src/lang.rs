//! The language of the human-facing output: Indonesian or English.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    Id,
    #[default]
    En,
}

impl Lang {
    /// `--lang` when given, else `LANG`: Indonesian when it starts with `id`.
    pub fn from_env(lang: Option<&str>) -> Self {
        match lang {
            Some(value) if value.starts_with("id") => Lang::Id,
            _ => Lang::En,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// Picks the text in this language.
    pub fn pick(self, id: &'static str, en: &'static str) -> &'static str {
        self.choose(id, en)
    }

    /// Picks the one in this language of two texts built at run time.
    pub fn choose<T>(self, id: T, en: T) -> T {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}
