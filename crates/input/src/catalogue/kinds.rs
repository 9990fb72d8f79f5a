//! The check kinds this binary implements: what each one measures, the shape of
//! its `levels`, and its `params`. Catalogue validation, `ujilab standards kinds`
//! and `ujilab schema catalogue` are all generated from [`KINDS`], so the docs
//! cannot drift from the behaviour.

use std::fmt;

/// One check kind: a rule in a catalogue names it with `check:`.
pub struct Kind {
    pub name: &'static str,
    /// What it measures, in one or two English sentences.
    pub summary: &'static str,
    pub shape: Shape,
    pub params: &'static [ParamSpec],
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl PartialEq for Kind {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// The `levels` shape a kind takes (semantics.md, "Catalogue shapes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `{ thresholds: { direction, L2, L3, L4, L5 } }` in `unit`.
    Thresholds { unit: Unit, direction: Direction },
    /// `binary`: pass 5, fail 1.
    Binary,
    /// `{ table: { outcome: level, ... } }` with exactly these outcomes.
    Table(&'static [&'static str]),
    /// A table as above, or `binary` as an older catalogue wrote it: the check
    /// says which outcomes pass.
    TableOrBinary(&'static [&'static str]),
}

impl Shape {
    /// How the shape is written in a catalogue, for messages and docs.
    pub(crate) fn describe(self) -> String {
        match self {
            Shape::Thresholds { unit, direction } => format!(
                "{{ thresholds: {{ direction: {}, L2: .., L3: .., L4: .., L5: .. }} }} in {}",
                direction.key(),
                unit.describe()
            ),
            Shape::Binary => "binary".to_string(),
            Shape::Table(outcomes) => table_text(outcomes),
            Shape::TableOrBinary(outcomes) => format!("{} or binary", table_text(outcomes)),
        }
    }
}

fn table_text(outcomes: &[&str]) -> String {
    format!(
        "{{ table: {{ {} }} }}",
        outcomes
            .iter()
            .map(|outcome| format!("{outcome}: LEVEL"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The unit of a threshold value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A percentage string (`99.5%`), kept as a ratio 0..1.
    Ratio,
    /// A duration with its unit (`500ms`, `30d`), kept in seconds.
    Duration,
    /// A whole number.
    Count,
}

impl Unit {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Unit::Ratio => "percentages (95%)",
            Unit::Duration => "durations with a unit (500ms, 2s, 30d)",
            Unit::Count => "whole numbers",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher is better: the value must be at least the threshold.
    AtLeast,
    /// Lower is better: the value must be at most the threshold.
    AtMost,
}

impl Direction {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Direction::AtLeast => "at_least",
            Direction::AtMost => "at_most",
        }
    }

    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Direction::AtLeast => ">=",
            Direction::AtMost => "<=",
        }
    }
}

/// One entry of a kind's `params`.
#[derive(Debug)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub doc: &'static str,
}

/// The type of a param, with its default (used when the catalogue omits it).
#[derive(Debug)]
pub enum ParamKind {
    Integer {
        default: i64,
        min: i64,
    },
    Number {
        default: f64,
        min: f64,
        max: f64,
    },
    Duration {
        default: &'static str,
    },
    Strings {
        default: &'static [&'static str],
    },
    /// A Rust regex, case-insensitive where the check says so.
    Regex {
        default: &'static str,
    },
    /// `[{ id, name: { id, en }, keywords: [..], value?, near?, recent_years? }, ...]`;
    /// required.
    Components,
    /// Page roles in order of preference (`[maklumat, service_standard, home]`):
    /// the first one the scenario declares is read.
    Pages {
        default: &'static [&'static str],
    },
    /// One of [`CONDITIONS`]; absent by default.
    Condition,
    /// Some of `allowed`, each at most once: a list of named features, where a
    /// misspelt one must not quietly shrink what the check asks for.
    Choices {
        default: &'static [&'static str],
        allowed: &'static [&'static str],
    },
}

/// What `service_maturity` can look for at tingkat interaksi.
pub const INTERACTIONS: &[&str] = &["search", "download", "upload"];

/// The page roles a `page` param may name, as `standards.pages` spells them.
pub const PAGE_ROLES: &[&str] = &[
    "home",
    "service_standard",
    "complaints",
    "maklumat",
    "skm",
    "ppid",
    "privacy",
    "contact",
    "other",
];

/// Conditions a kind's `applies_when` and a rule's `critical_when` may name.
pub const CONDITIONS: &[&str] = &["collects_personal_data"];

impl ParamKind {
    /// The type and default, for docs.
    pub(crate) fn describe(&self) -> String {
        match self {
            ParamKind::Integer { default, min } => format!("integer >= {min}, default {default}"),
            ParamKind::Number { default, min, max } => {
                format!("number in ({min}, {max}], default {default}")
            }
            ParamKind::Duration { default } => format!("duration, default {default}"),
            ParamKind::Strings { default } => {
                format!("list of strings, default [{}]", default.join(", "))
            }
            ParamKind::Regex { default } => format!("regex, default '{default}'"),
            ParamKind::Components => {
                "list of { id, name: { id, en }, keywords: [..], value: REGEX, \
                                       near: [..], recent_years: N } (value, near and \
                                       recent_years optional), required"
                    .to_string()
            }
            ParamKind::Condition => format!("one of {}, optional", CONDITIONS.join(", ")),
            ParamKind::Choices { default, allowed } => format!(
                "list of {}, default [{}]",
                allowed.join(", "),
                default.join(", ")
            ),
            ParamKind::Pages { default } => format!(
                "list of page roles ({}), the first declared one is read, default [{}]",
                PAGE_ROLES.join(", "),
                default.join(", ")
            ),
        }
    }
}

const RATIO_UP: Shape = Shape::Thresholds {
    unit: Unit::Ratio,
    direction: Direction::AtLeast,
};
const COUNT_UP: Shape = Shape::Thresholds {
    unit: Unit::Count,
    direction: Direction::AtLeast,
};

/// Every check kind, in the order `ujilab standards kinds` lists them.
pub static KINDS: &[Kind] = &[
    Kind {
        name: "availability",
        summary: "Share of availability samples up (the probe exchanges when the scenario has no \
                  `availability:`). Below 1,000 samples the level comes from the upper end of the \
                  95% Wilson interval, and is capped at 3 below `min_samples_l4` samples and at 4 \
                  below `min_samples_l5`.",
        shape: RATIO_UP,
        params: &[
            ParamSpec {
                name: "min_samples_l4",
                kind: ParamKind::Integer {
                    default: 100,
                    min: 1,
                },
                doc: "samples needed before level 4 can be given",
            },
            ParamSpec {
                name: "min_samples_l5",
                kind: ParamKind::Integer {
                    default: 1000,
                    min: 1,
                },
                doc: "samples needed before level 5 can be given; from here the plain ratio is used",
            },
        ],
    },
    Kind {
        name: "error_rate",
        summary: "Share of load requests failed (transport error or status the probe does not \
                  accept), after warmup. Not applicable without a load run.",
        shape: Shape::Thresholds {
            unit: Unit::Ratio,
            direction: Direction::AtMost,
        },
        params: &[],
    },
    Kind {
        name: "latency",
        summary: "A latency percentile of the load requests, or without a load run of every \
                  functional and availability exchange that got a complete response.",
        shape: Shape::Thresholds {
            unit: Unit::Duration,
            direction: Direction::AtMost,
        },
        params: &[ParamSpec {
            name: "percentile",
            kind: ParamKind::Number {
                default: 95.0,
                min: 0.0,
                max: 100.0,
            },
            doc: "which percentile: 95 is p95, 99.9 is p99.9",
        }],
    },
    Kind {
        name: "compression",
        summary: "200 responses with a text, JSON, XML, JavaScript or SVG type whose decoded body \
                  is over `min_bytes` are gzip-, br- or zstd-encoded when the request accepted it. \
                  Not applicable when there are none.",
        shape: Shape::Binary,
        params: &[ParamSpec {
            name: "min_bytes",
            kind: ParamKind::Integer {
                default: 1024,
                min: 0,
            },
            doc: "responses with a decoded body up to this size are not judged",
        }],
    },
    Kind {
        name: "probe_pass_rate",
        summary: "Share of the scenario's probes whose expectations all hold (a skipped probe \
                  counts as failed).",
        shape: RATIO_UP,
        params: &[],
    },
    Kind {
        name: "https",
        summary: "base_url is https (`https`); and the first response of `standards.http_url` is \
                  a 301/302/303/307/308 to an https Location (`https_redirect`); a plain-http \
                  base_url is `plain_http`.",
        shape: Shape::Table(&["plain_http", "https", "https_redirect"]),
        params: &[],
    },
    Kind {
        name: "tls_certificate",
        summary: "The chain verifies against the trust roots, the host name matches and the \
                  certificate is within its validity; the level comes from the time left until \
                  it expires. An invalid certificate, or no TLS, is level 1.",
        shape: Shape::Thresholds {
            unit: Unit::Duration,
            direction: Direction::AtLeast,
        },
        params: &[],
    },
    Kind {
        name: "tls_version",
        summary: "The oldest version the server accepts when TLS 1.0, 1.1, 1.2 and 1.3 are each \
                  offered alone: `tls1_3`, `tls1_2`, or `none` when it still accepts TLS 1.0 or \
                  1.1, when no TLS 1.2+ handshake completes, or when the service has no TLS.",
        shape: Shape::Table(&["tls1_3", "tls1_2", "none"]),
        params: &[],
    },
    Kind {
        name: "hsts",
        summary: "Strict-Transport-Security on every https response of the service: `absent` \
                  (also max-age=0 or several headers), `short` (max-age below `long_max_age`), \
                  `long`, `long_with_subdomains`. The lowest over responses counts.",
        shape: Shape::Table(&["absent", "short", "long", "long_with_subdomains"]),
        params: &[ParamSpec {
            name: "long_max_age",
            kind: ParamKind::Duration { default: "180d" },
            doc: "max-age from which HSTS counts as long",
        }],
    },
    Kind {
        name: "csp",
        summary: "The Content-Security-Policy header (not Report-Only, not meta) on HTML page \
                  responses: `absent`; `unsafe` when script-src (else default-src) allows \
                  'unsafe-inline' without a nonce, hash or 'strict-dynamic', or 'unsafe-eval', or \
                  neither directive restricts scripts; else `strict`.",
        shape: Shape::Table(&["absent", "unsafe", "strict"]),
        params: &[],
    },
    Kind {
        name: "security_headers",
        summary: "How many of four protections every HTML page response carries: \
                  X-Content-Type-Options: nosniff; frame protection (X-Frame-Options DENY or \
                  SAMEORIGIN, or CSP frame-ancestors); Referrer-Policy; Permissions-Policy.",
        shape: COUNT_UP,
        params: &[],
    },
    Kind {
        name: "version_disclosure",
        summary: "No response of the service (redirect hops included) has a `forbidden_headers` \
                  header, or a `version_headers` header matching `version_pattern`.",
        shape: Shape::Binary,
        params: &[
            ParamSpec {
                name: "version_headers",
                kind: ParamKind::Strings {
                    default: &["Server", "X-Powered-By", "X-Generator"],
                },
                doc: "headers that fail when their value carries a version number",
            },
            ParamSpec {
                name: "forbidden_headers",
                kind: ParamKind::Strings {
                    default: &["X-AspNet-Version", "X-AspNetMvc-Version"],
                },
                doc: "headers that fail whenever present",
            },
            ParamSpec {
                name: "version_pattern",
                kind: ParamKind::Regex {
                    default: r"(?:^|[\s/(])v?\d+(?:\.\d+)*\b",
                },
                doc: "what a version number looks like in a header value",
            },
        ],
    },
    Kind {
        name: "mixed_content",
        summary: "No HTML page served over https loads anything over plain http (script, \
                  stylesheet, icon, image or srcset candidate, media, frame, object, url() and \
                  @import in its own CSS; relative addresses resolved against <base href>) or \
                  holds a form that sends to http; CSP upgrade-insecure-requests (header or meta) \
                  upgrades resources and forms to the page's own host. Not applicable when no \
                  page came over https.",
        shape: Shape::Binary,
        params: &[],
    },
    Kind {
        name: "cookies",
        summary: "Every Set-Cookie seen (redirect hops included) has Secure, HttpOnly and \
                  SameSite (SameSite=None counts only with Secure): `all_three`, `two`, `fewer`; \
                  the lowest over cookies. Not applicable without cookies.",
        shape: Shape::Table(&["all_three", "two", "fewer"]),
        params: &[ParamSpec {
            name: "http_only_exempt",
            kind: ParamKind::Strings {
                default: &["XSRF-TOKEN", "csrftoken"],
            },
            doc: "cookie names that JavaScript must read: HttpOnly is not asked of them",
        }],
    },
    Kind {
        name: "cms_account_names",
        summary: "When a CMS was detected (WordPress: generator meta, /wp-content/, /wp-json/ or \
                  its REST Link header), neither the REST API's user list (/wp-json/wp/v2/users, \
                  its `slug`s) nor the first author's archive (/?author=1, one redirect hop) \
                  names an account's login. Not applicable without a detected CMS.",
        shape: Shape::Binary,
        params: &[],
    },
    Kind {
        name: "cms_xmlrpc",
        summary: "When a CMS was detected, /xmlrpc.php does not answer a system.listMethods call \
                  with an XML-RPC response. Not applicable without a detected CMS.",
        shape: Shape::Binary,
        params: &[],
    },
    Kind {
        name: "json_content_type",
        summary: "Share of `api` probe responses with a JSON media type (application/json or \
                  */*+json); responses without a body are not counted. Not applicable without \
                  API probes.",
        shape: RATIO_UP,
        params: &[],
    },
    Kind {
        name: "structured_errors",
        summary: "Every 4xx/5xx response of an `api` probe carries a body that parses as JSON. \
                  Not applicable when no API error was observed.",
        shape: Shape::Binary,
        params: &[],
    },
    Kind {
        name: "openapi",
        summary: "`pages.openapi` answers an OpenAPI 3 document (JSON or YAML with an `openapi: \
                  3.x` key); Swagger 2.0 fails. Not applicable without API probes; level 1 when \
                  no such page is declared.",
        shape: Shape::Binary,
        params: &[],
    },
    Kind {
        name: "service_standard",
        summary: "How many `components` the `pages.service_standard` page names in its visible \
                  text (keywords as whole words or phrases, case- and whitespace-insensitive; \
                  elements in `ignore` skipped). Level 1 when no page is declared or it is \
                  missing.",
        shape: COUNT_UP,
        params: &[
            ParamSpec {
                name: "components",
                kind: ParamKind::Components,
                doc: "the components to look for, each with its keywords and synonyms",
            },
            ParamSpec {
                name: "ignore",
                kind: ParamKind::Strings { default: &["nav"] },
                doc: "elements whose text does not count (`nav` also covers role=navigation)",
            },
        ],
    },
    Kind {
        name: "page_components",
        summary: "How many `components` the first declared page of `page` names in its own \
                  content (<main>, else its <article>s, else the body; never header, footer, \
                  aside, nav or blocks repeated on every page read): a keyword as a whole word \
                  or phrase, and, when given, a `value` pattern and a `near` word within \
                  `near_chars` of it; `recent_years` asks the value to be a year no older than \
                  the run's year minus that many. With `applies_when`, not applicable unless \
                  the condition holds. Level 1 when no page of `page` is declared or it is \
                  missing.",
        shape: COUNT_UP,
        params: &[
            ParamSpec {
                name: "page",
                kind: ParamKind::Pages { default: &["home"] },
                doc: "the page to read: the first of these roles the scenario declares",
            },
            ParamSpec {
                name: "components",
                kind: ParamKind::Components,
                doc: "the components to look for, each with its keywords, and optionally a \
                      value pattern, words it must be near, and a recent year",
            },
            ParamSpec {
                name: "near_chars",
                kind: ParamKind::Integer {
                    default: 150,
                    min: 0,
                },
                doc: "how near a value or a near word must be to the keyword, in characters \
                      of visible text",
            },
            ParamSpec {
                name: "ignore",
                kind: ParamKind::Strings { default: &["nav"] },
                doc: "elements whose text does not count (`nav` also covers role=navigation)",
            },
            ParamSpec {
                name: "pdf_level",
                kind: ParamKind::Integer { default: 0, min: 0 },
                doc: "the level (2 to 5) of a page published only as PDF: the declared page \
                      is a PDF, or it names no component and links a PDF; 0: such a page is \
                      level 1, as a missing one",
            },
            ParamSpec {
                name: "applies_when",
                kind: ParamKind::Condition,
                doc: "the rule applies only when this holds, else it is not applicable: \
                      collects_personal_data (a page read has a form asking for NIK, e-mail or \
                      a phone number)",
            },
        ],
    },
    Kind {
        name: "attestation",
        summary: "An officer's statement in the scenario (`standards.attestations.CODE`: by, \
                  role, date, and document_url or sk_number) dated within `max_age` before \
                  the run: `attested`, else `missing`. Not measured: shown in its own group and \
                  counted in the index only when the catalogue's certification says \
                  `count_attested: true`.",
        shape: Shape::Table(&["attested", "missing"]),
        params: &[ParamSpec {
            name: "max_age",
            kind: ParamKind::Duration { default: "365d" },
            doc: "a statement dated longer before the run than this no longer counts",
        }],
    },
    Kind {
        name: "complaint_channel",
        summary: "`pages.complaints` (else the home page) offers a way to complain: a link to \
                  one of `domains` (or a subdomain) is `sp4n_lapor`; a complaint form (a <form> \
                  with a <textarea>, near one of `form_near` when that is given) is `form`; a \
                  phone number, e-mail address or WhatsApp link within `near_chars` of a \
                  `contact_near` word is `contact`; else `none`. Levels `binary` (2026.1): \
                  `sp4n_lapor` and `form` pass.",
        shape: Shape::TableOrBinary(&["none", "contact", "form", "sp4n_lapor"]),
        params: &[
            ParamSpec {
                name: "domains",
                kind: ParamKind::Strings {
                    default: &["lapor.go.id"],
                },
                doc: "national complaint services a link to which counts",
            },
            ParamSpec {
                name: "form_near",
                kind: ParamKind::Strings { default: &[] },
                doc: "words a complaint form must stand near (its own text, its heading, the \
                      text before it); empty: any form with a textarea counts",
            },
            ParamSpec {
                name: "contact_near",
                kind: ParamKind::Strings {
                    default: &["pengaduan", "aduan", "keluhan", "lapor"],
                },
                doc: "words a phone number, e-mail or WhatsApp link must stand near to count as \
                      a complaint contact",
            },
            ParamSpec {
                name: "near_chars",
                kind: ParamKind::Integer {
                    default: 200,
                    min: 0,
                },
                doc: "how near, in characters of visible text",
            },
        ],
    },
    Kind {
        name: "contact_hours",
        summary: "The home or service-standard page states service hours (`time_range` within \
                  `near_chars` of a `hours_near` word) and a contact (phone number, e-mail or \
                  street address): `both`, `one`, `none`.",
        shape: Shape::Table(&["both", "one", "none"]),
        params: &[
            ParamSpec {
                name: "time_range",
                kind: ParamKind::Regex {
                    default: r"\d{1,2}[.:]\d{2}\s*(?:-|–|s/d|s\.d\.|sampai|hingga)\s*\d{1,2}[.:]\d{2}",
                },
                doc: "a time range such as 08.00 - 15.00 (matched case-insensitively)",
            },
            ParamSpec {
                name: "hours_near",
                kind: ParamKind::Strings {
                    default: &["jam", "pelayanan", "layanan"],
                },
                doc: "words that must stand near the time range",
            },
            ParamSpec {
                name: "near_chars",
                kind: ParamKind::Integer {
                    default: 80,
                    min: 0,
                },
                doc: "how near, in characters of visible text",
            },
        ],
    },
    Kind {
        name: "gov_domain",
        summary: "The host of base_url ends with one of `suffixes`, or, for a service whose \
                  region type is desa, one of `desa_suffixes` too. Not applicable for IP \
                  literals and localhost.",
        shape: Shape::Binary,
        params: &[
            ParamSpec {
                name: "suffixes",
                kind: ParamKind::Strings {
                    default: &["go.id"],
                },
                doc: "government domain suffixes",
            },
            ParamSpec {
                name: "desa_suffixes",
                kind: ParamKind::Strings {
                    default: &["desa.id"],
                },
                doc: "domain suffixes a village government (region type desa) may also use",
            },
        ],
    },
    Kind {
        name: "html_lang",
        summary: "Every HTML page's <html> element has a non-empty lang (or xml:lang).",
        shape: Shape::Binary,
        params: &[],
    },
    Kind {
        name: "img_alt",
        summary: "Share of <img> elements on the HTML pages with a text alternative or marked \
                  decorative: an alt attribute (empty alt counts), aria-label(ledby), \
                  aria-hidden=true, role presentation/none. Not applicable without images.",
        shape: RATIO_UP,
        params: &[],
    },
    Kind {
        name: "link_text",
        summary: "Share of links (<a href> and image-map <area href>, those marked \
                  aria-hidden=true left out) whose purpose a screen reader can tell (WCAG 2.4.4): \
                  an accessible name (aria-label, aria-labelledby, text, alt of an image inside or \
                  of the area, title), and, for a generic name such as 'selengkapnya' or 'klik di \
                  sini', two words of its own in the paragraph, list item or table cell around it \
                  (one of at most 80 words: a layout cell holding the page is no context); the same \
                  link on several pages counts once. Not applicable without links.",
        shape: RATIO_UP,
        params: &[],
    },
    Kind {
        name: "page_basics",
        summary: "Every HTML page has a non-empty <title> and a <meta name=viewport> that allows \
                  zoom (no user-scalable=no, maximum-scale at least 2): `both`, `one`, `none`; \
                  the lowest over pages.",
        shape: Shape::Table(&["both", "one", "none"]),
        params: &[],
    },
    Kind {
        name: "form_labels",
        summary: "Share of form controls (input except hidden/submit/button/reset/image, select, \
                  textarea; those in hidden or aria-hidden containers, such as modals, count) \
                  with a label: label[for], a wrapping label, aria-label or aria-labelledby; the \
                  same control of the same form on several pages counts once. Not applicable \
                  without controls.",
        shape: RATIO_UP,
        params: &[],
    },
    Kind {
        name: "service_maturity",
        summary: "The SPBE maturity stage (tingkat) a service's website evidences, cumulative: \
                  `informasi` when the first declared page of `page` is reachable (a 2xx page); \
                  `interaksi` when the declared pages also offer every item of `interaction` \
                  (`search`: a search form or input; `download`: a link to a document to \
                  download; `upload`: a file input); `transaksi` when, besides, every probe \
                  tagged `transaction_tag` passed and they include one that submits (POST, PUT \
                  or PATCH) and one that reads back (GET) after it; `kolaborasi` when, besides, \
                  a declared page links a host of `collaboration_domains` (or a subdomain). Else \
                  `none`. Supporting evidence for an SPBE indicator, not an SPBE score.",
        shape: Shape::Table(&["none", "informasi", "interaksi", "transaksi", "kolaborasi"]),
        params: &[
            ParamSpec {
                name: "page",
                kind: ParamKind::Pages {
                    default: &["service_standard", "home"],
                },
                doc: "the information page: the first of these roles the scenario declares",
            },
            ParamSpec {
                name: "interaction",
                kind: ParamKind::Choices {
                    default: INTERACTIONS,
                    allowed: INTERACTIONS,
                },
                doc: "what the declared pages must all offer for tingkat interaksi",
            },
            ParamSpec {
                name: "transaction_tag",
                kind: ParamKind::Strings {
                    default: &["transaksi"],
                },
                doc: "the probe tag (`tags:` of a probe) that marks the transaction: \
                      submitting an application and reading back its status",
            },
            ParamSpec {
                name: "collaboration_domains",
                kind: ParamKind::Strings { default: &[] },
                doc: "national services a link to which shows collaboration (lapor.go.id for \
                      complaints); empty: tingkat kolaborasi is not measured",
            },
        ],
    },
];

/// The kind named `name`.
pub(crate) fn find(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|kind| kind.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_defaults_are_valid() {
        let mut names: Vec<&str> = KINDS.iter().map(|kind| kind.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
        for kind in KINDS {
            for param in kind.params {
                match &param.kind {
                    ParamKind::Regex { default } => {
                        assert!(regex::Regex::new(default).is_ok(), "{}", kind.name)
                    }
                    ParamKind::Duration { default } => assert!(
                        crate::quantity::parse_duration(default).is_ok(),
                        "{}",
                        kind.name
                    ),
                    _ => {}
                }
            }
        }
    }
}
