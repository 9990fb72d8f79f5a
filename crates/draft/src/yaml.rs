//! Scalars and comments as the drafted scenarios write them. Every text from a
//! service or a command line is written double-quoted (a JSON string is a
//! valid YAML double-quoted scalar) with `${` escaped as `$${`, so that nothing
//! a site sends is read as a key, a number or an interpolation.

/// `text` as a double-quoted YAML scalar that ujilab reads back as `text`.
pub fn quoted(text: &str) -> String {
    serde_json::to_string(&text.replace("${", "$${")).unwrap_or_else(|_| "\"\"".to_string())
}

/// `text` fit for the end of a `#` comment: one line, at most `max` characters.
pub fn comment(text: &str, max: usize) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match folded.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &folded[..cut]),
        None => folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_reads_back_as_itself() {
        let hostile = "a: b\n- c # d ${token} \"e\" \\ \u{7}";
        let yaml = format!("value: {}\n", quoted(hostile));
        let read: serde_json::Value = input::scenario::raw::parse(&yaml).expect("parses");
        assert_eq!(read["value"], hostile.replace("${", "$${"));
    }

    #[test]
    fn comments_are_one_short_line() {
        assert_eq!(comment("a\nb   c", 10), "a b c");
        assert_eq!(comment("abcdef", 3), "abc…");
    }
}
