//! robots.txt as `ujilab init` obeys it (RFC 9309): the group for `ujilab`, else
//! the `*` group; the longest matching `Allow`/`Disallow` path wins, `Allow` on a
//! tie; `*` and a final `$` in paths. `Crawl-delay`, not in the RFC but widely
//! written, lengthens init's pause between requests.

use std::time::Duration;

/// The product token init looks for in `User-agent` lines.
const PRODUCT: &str = "ujilab";

/// The rules of one site for ujilab.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    rules: Vec<Rule>,
    /// The site's `Crawl-delay`, when its group states one.
    pub crawl_delay: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    allow: bool,
    path: String,
}

#[derive(Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
}

impl Robots {
    /// Everything allowed: no robots.txt (a 4xx), as RFC 9309 says.
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Reads a robots.txt body.
    pub fn parse(text: &str) -> Robots {
        let mut groups: Vec<Group> = Vec::new();
        // A group is a run of User-agent lines followed by rules; a User-agent
        // line after a rule starts the next group.
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            let Some((field, value)) = line.split_once(':') else {
                continue;
            };
            let (field, value) = (field.trim().to_ascii_lowercase(), value.trim());
            match field.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push(Group::default());
                        in_agents = true;
                    }
                    if let Some(group) = groups.last_mut() {
                        group.agents.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    let Some(group) = groups.last_mut() else {
                        continue;
                    };
                    // An empty Disallow allows everything: no rule.
                    if !value.is_empty() {
                        group.rules.push(Rule {
                            allow: field == "allow",
                            path: value.to_string(),
                        });
                    }
                }
                "crawl-delay" => {
                    in_agents = false;
                    if let (Some(group), Ok(seconds)) = (groups.last_mut(), value.parse::<f64>())
                        && seconds.is_finite()
                        && seconds >= 0.0
                    {
                        group.crawl_delay = Some(Duration::from_secs_f64(seconds.min(60.0)));
                    }
                }
                _ => {}
            }
        }
        let named = |agent: &str| {
            groups
                .iter()
                .filter(|group| group.agents.iter().any(|a| a == agent))
                .collect::<Vec<_>>()
        };
        let mut chosen = named(PRODUCT);
        if chosen.is_empty() {
            chosen = named("*");
        }
        Robots {
            rules: chosen
                .iter()
                .flat_map(|group| group.rules.iter().cloned())
                .collect(),
            crawl_delay: chosen.iter().find_map(|group| group.crawl_delay),
        }
    }

    /// Whether ujilab may fetch `path` (with its query, as sent).
    pub fn allows(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            if matches(&rule.path, path) {
                let length = rule.path.len();
                let better = match best {
                    None => true,
                    Some((best_length, best_allow)) => {
                        length > best_length || (length == best_length && rule.allow && !best_allow)
                    }
                };
                if better {
                    best = Some((length, rule.allow));
                }
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// A robots.txt path pattern against a path: a prefix match, with `*` for any
/// run of characters and a final `$` anchoring the end.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(rest) => (rest, true),
        None => (pattern, false),
    };
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        if last && anchored {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    // Without `*` parts left: a prefix match, or the whole path when anchored.
    !anchored || rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ujilab_group_wins_over_the_star_group() {
        let robots = Robots::parse(
            "User-agent: *\nDisallow: /\n\nUser-agent: Ujilab\nUser-agent: other\nDisallow: /admin\nCrawl-delay: 2\n",
        );
        assert!(robots.allows("/standar-pelayanan"));
        assert!(!robots.allows("/admin/users"));
        assert_eq!(robots.crawl_delay, Some(Duration::from_secs(2)));
        let star = Robots::parse("User-agent: *\nDisallow: /\n");
        assert!(!star.allows("/"));
        assert!(!star.allows("/ppid"));
    }

    #[test]
    fn the_longest_rule_wins_and_allow_wins_a_tie() {
        let robots = Robots::parse(
            "user-agent: *\ndisallow: /wp-admin/\nallow: /wp-admin/admin-ajax.php\ndisallow: /*.pdf$\nDisallow:\n",
        );
        assert!(!robots.allows("/wp-admin/options.php"));
        assert!(robots.allows("/wp-admin/admin-ajax.php"));
        assert!(!robots.allows("/files/sk.pdf"));
        assert!(robots.allows("/files/sk.pdf?download=1"));
        assert!(robots.allows("/"));
        let tie = Robots::parse("User-agent: *\nDisallow: /p\nAllow: /p\n");
        assert!(tie.allows("/page"));
    }

    #[test]
    fn nothing_or_nonsense_allows_everything() {
        assert!(Robots::allow_all().allows("/anything"));
        assert!(Robots::parse("<html>not robots</html>").allows("/"));
        assert!(Robots::parse("Disallow: /\n").allows("/"));
    }
}
