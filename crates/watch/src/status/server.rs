//! The HTTP server of `--listen`: every page renders the latest snapshot (built
//! in the background), so a view costs a render and no database query.

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use input::lang::Lang;
use serde::Deserialize;

use super::snapshot::Snapshot;
use super::{badge, metrics, page};
use crate::writer::Health;

/// The policy of the pages (also sent as a header).
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'";

/// What the handlers read.
#[derive(Clone)]
pub struct Served {
    pub snapshot: Arc<RwLock<Arc<Snapshot>>>,
    pub health: Arc<Health>,
    pub lang: Lang,
}

impl Served {
    fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .map(|snapshot| Arc::clone(&snapshot))
            .unwrap_or_else(|poisoned| Arc::clone(&poisoned.into_inner()))
    }
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    fn pick(&self, default: Lang) -> Lang {
        match self.lang.as_deref() {
            Some("id") => Lang::Id,
            Some("en") => Lang::En,
            _ => default,
        }
    }
}

pub fn router(served: Served) -> Router {
    Router::new()
        .route("/", get(status_page))
        .route("/service/{id}", get(service_page))
        .route("/api/v1/status", get(api_status))
        .route("/badge/{name}", get(badge_svg))
        .route("/metrics", get(metrics_text))
        .with_state(served)
}

/// Serves until `stop` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    served: Served,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(served))
        .with_graceful_shutdown(stop)
        .await
}

fn html(body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(body) => {
            let mut response = (StatusCode::OK, body).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            );
            guard_headers(&mut response);
            response
        }
        Err(error) => {
            tracing::error!("the status page did not render: {error}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn guard_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

async fn status_page(State(served): State<Served>, Query(query): Query<LangQuery>) -> Response {
    let lang = query.pick(served.lang);
    html(page::render_status(&served.snapshot(), lang))
}

async fn service_page(
    State(served): State<Served>,
    Path(id): Path<String>,
    Query(query): Query<LangQuery>,
) -> Response {
    let lang = query.pick(served.lang);
    let snapshot = served.snapshot();
    match id
        .parse::<i64>()
        .ok()
        .and_then(|id| page::render_service(&snapshot, id, lang))
    {
        Some(body) => html(body),
        None => (
            StatusCode::NOT_FOUND,
            lang.pick("layanan tidak ditemukan", "no such service"),
        )
            .into_response(),
    }
}

async fn api_status(State(served): State<Served>) -> Response {
    let mut response = axum::Json(served.snapshot().as_ref().clone()).into_response();
    guard_headers(&mut response);
    response
}

/// `/badge/SERVICE.svg`, SERVICE the service id (or `id/label`, written `id~label`).
async fn badge_svg(
    State(served): State<Served>,
    Path(name): Path<String>,
    Query(query): Query<LangQuery>,
) -> Response {
    let lang = query.pick(served.lang);
    let wanted = name.strip_suffix(".svg").unwrap_or(&name).replace('~', "/");
    let snapshot = served.snapshot();
    let service = snapshot
        .regions
        .iter()
        .flat_map(|region| region.services.iter())
        .find(|service| service.identity == wanted);
    let status = if service.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let mut response = (status, badge::render(service, lang)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    guard_headers(&mut response);
    response
}

async fn metrics_text(State(served): State<Served>) -> Response {
    let committed = served
        .health
        .committed_samples
        .load(std::sync::atomic::Ordering::Relaxed);
    let mut response = (
        StatusCode::OK,
        metrics::render(&served.snapshot(), committed),
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(metrics::CONTENT_TYPE),
    );
    response
}
