//! The language of the human-facing output: Indonesian or English.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    Id,
    #[default]
    En,
}

impl Lang {
    /// A language code or locale (`id`, `id_ID.UTF-8`, `en`): Indonesian when it
    /// starts with `id`, English otherwise.
    pub fn from_env(lang: Option<&str>) -> Self {
        match lang {
            Some(value) if value.starts_with("id") => Lang::Id,
            _ => Lang::En,
        }
    }

    /// The variables read, in order, when no `--lang` is given: ujilab's own, then
    /// the POSIX locale's precedence (LC_ALL over LC_MESSAGES over LANG).
    pub const ENV_ORDER: [&'static str; 4] = ["UJILAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG"];

    /// `--lang` when given, else the first of [`ENV_ORDER`](Self::ENV_ORDER) that
    /// is set and not empty (`lookup` reads one; the caller owns the environment).
    pub fn resolve(explicit: Option<&str>, lookup: impl Fn(&str) -> Option<String>) -> Self {
        if let Some(code) = explicit {
            return Self::from_env(Some(code));
        }
        let found = Self::ENV_ORDER
            .iter()
            .filter_map(|name| lookup(name))
            .find(|value| !value.is_empty());
        Self::from_env(found.as_deref())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(explicit: Option<&str>, env: &[(&str, &str)]) -> Lang {
        Lang::resolve(explicit, |name| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn the_flag_then_ujilab_lang_then_the_locale_in_posix_order() {
        let env = [("LANG", "id_ID.UTF-8"), ("LC_ALL", "en_US.UTF-8")];
        assert_eq!(resolved(None, &env), Lang::En, "LC_ALL stands over LANG");
        assert_eq!(
            resolved(Some("id"), &env),
            Lang::Id,
            "--lang stands over all"
        );
        let env = [("UJILAB_LANG", "id"), ("LC_ALL", "C")];
        assert_eq!(resolved(None, &env), Lang::Id);
        let env = [("LC_ALL", ""), ("LC_MESSAGES", "id_ID"), ("LANG", "en_GB")];
        assert_eq!(resolved(None, &env), Lang::Id, "an empty variable is unset");
        assert_eq!(resolved(None, &[]), Lang::En);
    }
}
