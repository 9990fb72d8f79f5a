//! `auth:` (in `defaults` or a probe): the `Authorization` header it stands for.
//! `basic` is a username and password (RFC 7617), `bearer` a token (RFC 6750);
//! both are usually `${secret}`s. The header is built here, once, at load time;
//! like every `Authorization` value it is `***` in reports and logs, and a basic
//! credential's encoded form is registered as a secret too, so a service that
//! echoes it back does not put it in a report either. `oauth2` is a client of
//! the client-credentials grant whose token the run fetches; its secret must be
//! a `${secret}`, and its encoded Basic credential is registered as one.

use base64::Engine as _;

use super::{Checker, child};
use crate::scenario::interpolate::Template;
use crate::scenario::model::OAuth2Client;
use crate::scenario::raw::{Position, RawAuth, RawOAuth2, Spanned};
use crate::text::Text;

/// What `auth:` stands for.
pub(super) enum Authorization {
    /// A fixed `Authorization` value (`basic`, `bearer`).
    Header(Template),
    /// A token the run fetches (`oauth2`).
    OAuth2(OAuth2Client),
}

impl Checker<'_> {
    /// What `auth:` stands for; `None` when it is wrong (reported).
    pub(super) fn auth(&mut self, raw: &Spanned<RawAuth>, path: &str) -> Option<Authorization> {
        match (&raw.value.basic, &raw.value.bearer, &raw.value.oauth2) {
            (None, None, Some(oauth2)) => self
                .oauth2(&oauth2.value, &child(path, "oauth2"))
                .map(Authorization::OAuth2),
            (Some(basic), None, None) => {
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
                Some(Authorization::Header(Template::literal(format!(
                    "Basic {credential}"
                ))))
            }
            (None, Some(bearer), None) => {
                let token = self.resolved_text(bearer, &child(path, "bearer"))?;
                if token.trim().is_empty() {
                    self.error(
                        Position::of(bearer),
                        &child(path, "bearer"),
                        Text::new("token `bearer` kosong", "the `bearer` token is empty"),
                    );
                    return None;
                }
                Some(Authorization::Header(Template::literal(format!(
                    "Bearer {}",
                    token.trim()
                ))))
            }
            _ => {
                self.error(
                    Position::of(raw),
                    path,
                    Text::new(
                        "`auth` memerlukan tepat satu dari `basic`, `bearer`, dan `oauth2`",
                        "`auth` needs exactly one of `basic`, `bearer` and `oauth2`",
                    ),
                );
                None
            }
        }
    }

    /// The OAuth2 client `oauth2:` describes; its secret must be a `${secret}`.
    fn oauth2(&mut self, raw: &RawOAuth2, path: &str) -> Option<OAuth2Client> {
        let token_url = self.absolute_url(&raw.token_url, &child(path, "token_url"));
        let client_id = self.resolved_text(&raw.client_id, &child(path, "client_id"));
        let secret_path = child(path, "client_secret");
        let client_secret = self.resolved_text(&raw.client_secret, &secret_path)?;
        let scope = match &raw.scope {
            Some(scope) => Some(self.resolved_text(scope, &child(path, "scope"))?),
            None => None,
        };
        if !client_secret.is_empty() && !self.secrets.contains(&client_secret) {
            // Never quoted: a secret written into the file is no secret.
            self.error_with_help(
                Position::of(&raw.client_secret),
                &secret_path,
                Text::new(
                    "`client_secret` harus berasal dari secret, bukan ditulis di berkas",
                    "`client_secret` must come from a secret, not be written in the file",
                ),
                Some(Text::new(
                    "tulis `client_secret: \"${rahasia_klien}\"` dengan `secrets: { rahasia_klien: NAMA_VARIABEL }`",
                    "write `client_secret: \"${client_secret}\"` with `secrets: { client_secret: VARIABLE_NAME }`",
                )),
            );
            return None;
        }
        let client = OAuth2Client {
            token_url: token_url?,
            client_id: client_id?,
            client_secret,
            scope: scope.filter(|scope| !scope.trim().is_empty()),
        };
        self.secrets.push(client.basic_credential());
        Some(client)
    }
}

/// `headers` with `Authorization` set to `value`, replacing one given before.
pub(super) fn with_authorization<T>(headers: &mut Vec<(String, T)>, value: T) {
    without_authorization(headers);
    headers.push(("Authorization".to_string(), value));
}

/// `headers` without `Authorization`: the run sets it (an OAuth2 token).
pub(super) fn without_authorization<T>(headers: &mut Vec<(String, T)>) {
    headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
}
