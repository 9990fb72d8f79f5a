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

/// A number written the English way (`1,234.5`) as a reader of `lang` writes it:
/// Indonesian swaps the marks (`1.234,5`, decimal comma, thousands dot). The one
/// place ujilab's human output formats numbers for a language: the judge's
/// evidence and the report writers both come here.
pub fn number(english: &str, lang: Lang) -> String {
    match lang {
        Lang::En => english.to_string(),
        Lang::Id => english
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                other => other,
            })
            .collect(),
    }
}

/// `11.1 ms`, `1.2 s` (`11,1 ms` in Indonesian): latency figures in milliseconds
/// with three significant digits, as people read them.
pub fn ms(value: f64, lang: Lang) -> String {
    if !value.is_finite() {
        return "-".to_string();
    }
    let english = if value >= 10_000.0 {
        format!("{:.1} s", value / 1000.0)
    } else if value >= 100.0 {
        format!("{value:.0} ms")
    } else if value >= 10.0 {
        format!("{value:.1} ms")
    } else {
        format!("{value:.2} ms")
    };
    number(&english, lang)
}

/// `92.5%` (`92,5%` in Indonesian): a ratio to one decimal.
pub fn percent(ratio: f64, lang: Lang) -> String {
    number(&format!("{:.1}%", ratio * 100.0), lang)
}

/// A ratio with at most two decimals, as a catalogue writes it: `99.5%`, `97.42%`,
/// `100%` (`99,5%` in Indonesian).
pub fn ratio(ratio: f64, lang: Lang) -> String {
    number(&crate::quantity::format_ratio(ratio), lang)
}

/// A duration as a scenario writes it: `500 ms`, `1.5 s` (`1,5 s` in Indonesian).
pub fn duration(duration: std::time::Duration, lang: Lang) -> String {
    number(&crate::quantity::format_duration(duration), lang)
}

/// A whole number with a thousands mark: `12,500` (`12.500` in Indonesian).
pub fn count(count: u64, lang: Lang) -> String {
    let digits = count.to_string();
    let mut english = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            english.push(',');
        }
        english.push(digit);
    }
    number(&english, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_numbers_use_a_decimal_comma_and_a_thousands_dot() {
        assert_eq!(number("1,234.5", Lang::Id), "1.234,5");
        assert_eq!(number("1,234.5", Lang::En), "1,234.5");
        assert_eq!(ms(11.095, Lang::Id), "11,1 ms");
        assert_eq!(ms(11.095, Lang::En), "11.1 ms");
        assert_eq!(ms(12_345.0, Lang::Id), "12,3 s");
        assert_eq!(percent(0.995, Lang::Id), "99,5%");
        assert_eq!(ratio(0.9742, Lang::Id), "97,42%");
        assert_eq!(ratio(1.0, Lang::En), "100%");
        assert_eq!(
            duration(std::time::Duration::from_millis(1500), Lang::Id),
            "1,5 s"
        );
        assert_eq!(count(1250, Lang::Id), "1.250");
        assert_eq!(count(1_234_567, Lang::En), "1,234,567");
        assert_eq!(count(999, Lang::Id), "999");
    }

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
