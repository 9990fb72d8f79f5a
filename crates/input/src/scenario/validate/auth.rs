//! `auth:` (in `defaults` or a probe): the `Authorization` header it stands for.
//! `basic` is a username and password (RFC 7617), `bearer` a token (RFC 6750);
//! both are usually `${secret}`s. The header is built here, once, at load time;
//! like every `Authorization` value it is `***` in reports and logs, and a basic
//! credential's encoded form is registered as a secret too, so a service that
//! echoes it back does not put it in a report either.

use base64::Engine as _;

use super::{Checker, child};
use crate::scenario::interpolate::Template;
use crate::scenario::raw::{Position, RawAuth, Spanned};
use crate::text::Text;

impl Checker<'_> {
    /// The `Authorization` value `auth:` stands for; `None` when it is wrong
    /// (reported).
    pub(super) fn auth(&mut self, raw: &Spanned<RawAuth>, path: &str) -> Option<Template> {
        match (&raw.value.basic, &raw.value.bearer) {
            (Some(basic), None) => {
                let basic_path = child(path, "basic");
                let username =
                    self.resolved_text(&basic.value.username, &child(&basic_path, "username"))?;
                let password =
                    self.resolved_text(&basic.value.password, &child(&basic_path, "password"))?;
                if username.contains(':') {
                    self.error(
                        Position::of(&basic.value.username),
                        &child(&basic_path, "username"),
                        Text::new(
                            "nama pengguna Basic tidak boleh memuat `:` (RFC 7617)",
                            "a Basic username cannot hold `:` (RFC 7617)",
                        ),
                    );
                    return None;
                }
                let credential = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                self.secrets.push(credential.clone());
                Some(Template::literal(format!("Basic {credential}")))
            }
            (None, Some(bearer)) => {
                let token = self.resolved_text(bearer, &child(path, "bearer"))?;
                if token.trim().is_empty() {
                    self.error(
                        Position::of(bearer),
                        &child(path, "bearer"),
                        Text::new("token `bearer` kosong", "the `bearer` token is empty"),
                    );
                    return None;
                }
                Some(Template::literal(format!("Bearer {}", token.trim())))
            }
            _ => {
                self.error(
                    Position::of(raw),
                    path,
                    Text::new(
                        "`auth` memerlukan tepat satu dari `basic` dan `bearer`",
                        "`auth` needs exactly one of `basic` and `bearer`",
                    ),
                );
                None
            }
        }
    }
}

/// `headers` with `Authorization` set to `value`, replacing one given before.
pub(super) fn with_authorization<T>(headers: &mut Vec<(String, T)>, value: T) {
    headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
    headers.push(("Authorization".to_string(), value));
}
