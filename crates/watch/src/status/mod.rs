//! What `--listen` serves: the status page and each service's page, the JSON API
//! with the same figures, SVG uptime badges and `/metrics` (OpenMetrics).

pub mod badge;
pub mod metrics;
pub mod page;
pub mod server;
pub mod snapshot;
