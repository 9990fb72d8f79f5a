//! The history database: where it is ([`Location`]), its versioned schema
//! (`sqlite::MIGRATIONS`, `postgres::MIGRATIONS`), and the one type that reads
//! and writes it ([`Store`]).
//!
//! Two backends, one set of queries: every read and write below is written once
//! against [`sql::Sql`], in SQL both SQLite and PostgreSQL read; only opening,
//! migrating and measuring the database differ ([`sqlite`], [`postgres`]).
//!
//! SQLite in WAL mode with `synchronous = NORMAL`: a committed transaction
//! survives the process being killed at any moment (it may not survive a power
//! cut, which needs `FULL`), and readers (the status page) never block the writer.
//! PostgreSQL (no TLS) lets several watches (vantages) write one history.
//! Times are milliseconds since the Unix epoch, UTC.

use std::path::{Path, PathBuf};

use input::text::Text;

mod postgres;
mod sql;
mod sqlite;

use sql::{Row, Sql, params};

pub use postgres::MIGRATIONS as POSTGRES_MIGRATIONS;
pub use sqlite::MIGRATIONS;

/// Where the history lives, from `--db URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(PostgresUrl),
}

/// A `postgres://` URL; its password is a secret, so it is shown without it.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl {
    url: String,
    /// `PGPASSWORD`, when the URL has no password.
    password: Option<String>,
}

impl PostgresUrl {
    fn config(&self) -> Result<tokio_postgres::Config, LocationError> {
        let mut config: tokio_postgres::Config = self
            .url
            .parse()
            .map_err(|_| LocationError::BadPostgres(self.shown()))?;
        if config.get_password().is_none()
            && let Some(password) = &self.password
        {
            config.password(password);
        }
        Ok(config)
    }

    /// The URL with its password as `***`.
    pub fn shown(&self) -> String {
        match url::Url::parse(&self.url) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("***"));
                }
                url.to_string()
            }
            // Not a URL the parser reads: show only its scheme.
            Err(_) => "postgres://***".to_string(),
        }
    }

    /// What must never be shown: the password, as written and decoded.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        if let Ok(url) = url::Url::parse(&self.url)
            && let Some(password) = url.password()
        {
            secrets.push(password.to_string());
            if let Ok(decoded) = percent_decode(password) {
                secrets.push(decoded);
            }
        }
        secrets.extend(self.password.clone());
        secrets.retain(|secret| !secret.is_empty());
        secrets
    }
}

fn percent_decode(text: &str) -> Result<String, std::string::FromUtf8Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out)
}

impl std::fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    #[error(
        "`{0}` is not a PostgreSQL URL ujilab reads: write postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
    )]
    BadPostgres(String),
    #[error(
        "`{0}` is not a database URL: write sqlite:FILE (for example sqlite:ujilab.db) or postgres://USER@HOST/DATABASE"
    )]
    Unknown(String),
}

impl Location {
    /// `sqlite:FILE`, `sqlite://FILE`, or `postgres://` / `postgresql://` URL
    /// (its password may instead be in `PGPASSWORD`).
    pub fn parse(url: &str) -> Result<Self, LocationError> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|path| !path.is_empty())
        {
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let postgres = PostgresUrl {
                url: url.to_string(),
                password: std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()),
            };
            postgres.config()?;
            return Ok(Self::Postgres(postgres));
        }
        Err(LocationError::Unknown(url.to_string()))
    }

    /// Where the history is, as it may be shown (no password).
    pub fn shown(&self) -> String {
        match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres(url) => url.shown(),
        }
    }

    /// Values to redact wherever the location could be echoed.
    pub fn secrets(&self) -> Vec<String> {
        match self {
            Self::Sqlite(_) => Vec::new(),
            Self::Postgres(url) => url.secrets(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {}", with_causes(.0))]
    Postgres(#[from] tokio_postgres::Error),
    #[error("PostgreSQL did not answer within {0} s")]
    PostgresTimeout(u64),
    #[error("the PostgreSQL connection was lost")]
    PostgresGone,
    #[error("cannot start the PostgreSQL connection's runtime: {0}")]
    Runtime(String),
    #[error("{0}")]
    Location(#[from] LocationError),
    #[error("column {0} is NULL where a value was expected")]
    Null(usize),
    #[error("the value {0} is out of range for its column")]
    OutOfRange(i64),
    #[error(
        "the history database {path} was written by a newer ujilab (schema {found}, this one knows up to {known})"
    )]
    Newer {
        path: String,
        found: i64,
        known: usize,
    },
    #[error("{path} is not a ujilab history database: {reason}")]
    NotHistory { path: String, reason: String },
    #[error("there is no history at {0}")]
    NoHistory(String),
}

impl LocationError {
    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            Self::BadPostgres(shown) => Text::new(
                format!(
                    "`{shown}` bukan URL PostgreSQL yang dapat dibaca ujilab: tulis postgres://PENGGUNA[:SANDI]@HOST[:PORT]/BASISDATA"
                ),
                self.to_string(),
            ),
            Self::Unknown(url) => Text::new(
                format!(
                    "`{url}` bukan URL basis data: tulis sqlite:BERKAS (misalnya sqlite:ujilab.db) atau postgres://PENGGUNA@HOST/BASISDATA"
                ),
                self.to_string(),
            ),
        }
    }
}

impl StoreError {
    /// The message in both languages (a driver's or server's own words stay
    /// as they are).
    pub fn text(&self) -> Text {
        let id = match self {
            Self::Sqlite(error) => format!("SQLite: {error}"),
            Self::Postgres(error) => format!("PostgreSQL: {}", with_causes(error)),
            Self::PostgresTimeout(seconds) => {
                format!("PostgreSQL tidak menjawab dalam {seconds} detik")
            }
            Self::PostgresGone => "koneksi PostgreSQL terputus".to_string(),
            Self::Runtime(error) => {
                format!("runtime koneksi PostgreSQL tidak dapat dimulai: {error}")
            }
            Self::Location(error) => return error.text(),
            Self::Null(column) => format!("kolom {column} NULL padahal seharusnya berisi nilai"),
            Self::OutOfRange(value) => format!("nilai {value} di luar jangkauan kolomnya"),
            Self::Newer { path, found, known } => format!(
                "basis data riwayat {path} ditulis oleh ujilab yang lebih baru (skema {found}, versi ini mengenal sampai {known})"
            ),
            Self::NotHistory { path, reason } => {
                format!("{path} bukan basis data riwayat ujilab: {reason}")
            }
            Self::NoHistory(path) => format!("riwayat {path} tidak ada"),
        };
        Text::new(id, self.to_string())
    }

    /// A locked database, a full disk, a PostgreSQL away or restarting: the
    /// write can be tried again later.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Sqlite(rusqlite::Error::SqliteFailure(error, _)) => matches!(
                error.code,
                rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked
                    | rusqlite::ErrorCode::DiskFull
                    | rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::SystemIoFailure
                    | rusqlite::ErrorCode::ReadOnly
            ),
            Self::Postgres(error) => postgres_transient(error),
            Self::PostgresTimeout(_) | Self::PostgresGone => true,
            _ => false,
        }
    }
}

/// An error and what caused it: tokio-postgres says only "db error" or "error
/// connecting to server", and keeps the server's words in its source.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

/// The connection is lost or cannot be made, or the server says "later":
/// connection exceptions (08), insufficient resources (53, a full disk among
/// them), operator intervention (57: shutting down, starting up), and a
/// serialisation failure or deadlock (40).
fn postgres_transient(error: &tokio_postgres::Error) -> bool {
    use std::error::Error as _;
    if error.is_closed() {
        return true;
    }
    match error.code() {
        Some(code) => ["08", "53", "57", "40"]
            .iter()
            .any(|class| code.code().starts_with(class)),
        // No SQLSTATE: an I/O error or a failed connection attempt.
        None => error
            .source()
            .is_some_and(|source| source.is::<std::io::Error>()),
    }
}

/// The spans rolled up, in seconds, finest first.
pub const SPANS: [i64; 3] = [60, 3_600, 86_400];

/// One sample as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    pub series: i64,
    pub at: i64,
    pub up: bool,
    pub status: Option<u16>,
    pub latency_us: Option<i64>,
    pub error_kind: Option<String>,
}

impl SampleRow {
    /// A row of `SELECT series, at, up, status, latency_us, error_kind`.
    fn read(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(SampleRow {
            series: row.get(0)?,
            at: row.get(1)?,
            up: row.get(2)?,
            status: row.get(3)?,
            latency_us: row.get(4)?,
            error_kind: row.get(5)?,
        })
    }
}

/// A scenario as registered.
#[derive(Debug, Clone)]
pub struct ScenarioRow {
    pub id: i64,
    pub identity: String,
    pub service_id: String,
    pub name: Option<String>,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub base_url: String,
    pub file: String,
    pub source: Vec<u8>,
    pub every_ms: i64,
}

/// The incident state of a service, as last committed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceStateRow {
    pub state: String,
    pub failed_rounds: u32,
    pub good_rounds: u32,
    pub since: i64,
    pub last_round: Option<i64>,
    pub pending_evidence: Option<String>,
    pub pending_since: Option<i64>,
    pub open_incident: Option<i64>,
}

impl ServiceStateRow {
    /// A row of `SELECT state, failed_rounds, good_rounds, since, last_round,
    /// pending_evidence, pending_since, open_incident`.
    fn read(r: &Row<'_>) -> Result<Self, StoreError> {
        Ok(ServiceStateRow {
            state: r.get(0)?,
            failed_rounds: r.get(1)?,
            good_rounds: r.get(2)?,
            since: r.get(3)?,
            last_round: r.get(4)?,
            pending_evidence: r.get(5)?,
            pending_since: r.get(6)?,
            open_incident: r.get(7)?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct IncidentRow {
    pub id: i64,
    pub scenario: i64,
    /// The vantage that saw it (each tracks its own).
    pub vantage: String,
    pub started_at: i64,
    pub declared_at: i64,
    pub resolved_at: Option<i64>,
    pub evidence: String,
}

/// An alert waiting in the outbox (or sent).
#[derive(Debug, Clone)]
pub struct AlertRow {
    pub id: i64,
    pub incident: i64,
    pub event: String,
    pub target: String,
    pub body: String,
    pub attempts: u32,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StandardsRow {
    pub scenario: i64,
    pub at: i64,
    pub score: Option<f64>,
    pub verdict: Option<String>,
    pub report: String,
}

/// A standards check's score, without its report.
#[derive(Debug, Clone)]
pub struct StandardsScore {
    pub at: i64,
    pub score: Option<f64>,
    pub verdict: Option<String>,
}

/// One rollup bucket.
#[derive(Debug, Clone)]
pub struct RollupRow {
    pub series: i64,
    pub span: i64,
    pub start: i64,
    pub samples: u64,
    pub up: u64,
    pub latency: String,
}

impl RollupRow {
    /// A row of `SELECT series, span, start, samples, up, latency`.
    fn read(row: &Row<'_>) -> Result<Self, StoreError> {
        Ok(RollupRow {
            series: row.get(0)?,
            span: row.get(1)?,
            start: row.get(2)?,
            samples: row.get(3)?,
            up: row.get(4)?,
            latency: row.get(5)?,
        })
    }
}

/// An open connection to the history.
pub struct Store {
    backend: Backend,
    shown: String,
}

enum Backend {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Db>),
}

impl Store {
    /// Opens (creating it if needed) and migrates the SQLite history at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            backend: Backend::Sqlite(sqlite::open(path)?),
            shown: path.display().to_string(),
        })
    }

    /// Opens and migrates the history at `location`, SQLite or PostgreSQL
    /// (which must answer now; later it may go away and come back), creating it
    /// if there is none.
    pub fn open_at(location: &Location) -> Result<Self, StoreError> {
        Self::open_with(location, true)
    }

    /// Opens the history at `location` only if there is one (to read it: a
    /// report creates nothing).
    pub fn open_existing(location: &Location) -> Result<Self, StoreError> {
        Self::open_with(location, false)
    }

    fn open_with(location: &Location, create: bool) -> Result<Self, StoreError> {
        match location {
            Location::Sqlite(path) if !create && !path.is_file() => {
                Err(StoreError::NoHistory(path.display().to_string()))
            }
            Location::Sqlite(path) => Self::open(path),
            Location::Postgres(url) => {
                let shown = url.shown();
                let db = postgres::Db::open(url.config()?, &shown, create)?;
                Ok(Self {
                    backend: Backend::Postgres(Box::new(db)),
                    shown,
                })
            }
        }
    }

    /// Where the history is, as it may be shown (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    fn sql(&self) -> &dyn Sql {
        match &self.backend {
            Backend::Sqlite(connection) => connection,
            Backend::Postgres(db) => &**db,
        }
    }

    /// Runs `work` in one transaction, committed when it returns Ok.
    fn transaction<T>(
        &mut self,
        work: impl FnOnce(&dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &mut self.backend {
            Backend::Sqlite(connection) => {
                let transaction = connection.transaction()?;
                let out = work(&*transaction)?;
                transaction.commit()?;
                Ok(out)
            }
            Backend::Postgres(db) => db.transaction(work),
        }
    }

    /// The schema version applied.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        match &self.backend {
            Backend::Sqlite(connection) => sqlite::schema_version(connection),
            Backend::Postgres(db) => db.schema_version(),
        }
    }

    /// Registers a scenario (or updates what it says of itself); its id.
    pub fn register_scenario(&self, row: &ScenarioRow, now: i64) -> Result<i64, StoreError> {
        self.sql()
            .value(
                "INSERT INTO scenarios (identity, service_id, name, region_code, region_name,
                     base_url, file, source, every_ms, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (identity) DO UPDATE SET service_id = ?2, name = ?3,
                     region_code = ?4, region_name = ?5, base_url = ?6, file = ?7,
                     source = ?8, every_ms = ?9, updated_at = ?10
                 RETURNING id",
                params![
                    &row.identity,
                    &row.service_id,
                    row.name.as_deref(),
                    row.region_code.as_deref(),
                    row.region_name.as_deref(),
                    &row.base_url,
                    &row.file,
                    &row.source,
                    row.every_ms,
                    now
                ],
            )?
            .ok_or(StoreError::Null(0))
    }

    /// The id of a series (scenario, probe, vantage), created on first use.
    pub fn series(&self, scenario: i64, probe: &str, vantage: &str) -> Result<i64, StoreError> {
        let sql = self.sql();
        sql.execute(
            "INSERT INTO series (scenario, probe, vantage) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            params![scenario, probe, vantage],
        )?;
        sql.value(
            "SELECT id FROM series WHERE scenario = ?1 AND probe = ?2 AND vantage = ?3",
            params![scenario, probe, vantage],
        )?
        .ok_or(StoreError::Null(0))
    }

    pub fn scenarios(&self) -> Result<Vec<ScenarioRow>, StoreError> {
        self.sql().rows(
            "SELECT id, identity, service_id, name, region_code, region_name, base_url, file,
                    source, every_ms
             FROM scenarios ORDER BY region_code, region_name, identity",
            &[],
            |r| {
                Ok(ScenarioRow {
                    id: r.get(0)?,
                    identity: r.get(1)?,
                    service_id: r.get(2)?,
                    name: r.get(3)?,
                    region_code: r.get(4)?,
                    region_name: r.get(5)?,
                    base_url: r.get(6)?,
                    file: r.get(7)?,
                    source: r.get(8)?,
                    every_ms: r.get(9)?,
                })
            },
        )
    }

    /// Every series of a scenario: (id, probe, vantage).
    pub fn series_of(&self, scenario: i64) -> Result<Vec<(i64, String, String)>, StoreError> {
        self.sql().rows(
            "SELECT id, probe, vantage FROM series WHERE scenario = ?1 ORDER BY id",
            params![scenario],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// The time of the scenario's last committed sample (to resume its schedule).
    pub fn last_sample_at(&self, scenario: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .sql()
            .value::<Option<i64>>(
                "SELECT MAX(at) FROM samples WHERE series IN
                     (SELECT id FROM series WHERE scenario = ?1)",
                params![scenario],
            )?
            .flatten())
    }

    /// The state a service is shown in: down when a vantage sees it down,
    /// else as the vantage that probed it last sees it.
    pub fn service_state(&self, scenario: i64) -> Result<Option<ServiceStateRow>, StoreError> {
        self.sql().row(
            "SELECT state, failed_rounds, good_rounds, since, last_round, pending_evidence,
                    pending_since, open_incident
             FROM service_state WHERE scenario = ?1
             ORDER BY CASE state WHEN 'down' THEN 0 ELSE 1 END, COALESCE(last_round, 0) DESC
             LIMIT 1",
            params![scenario],
            ServiceStateRow::read,
        )
    }

    /// The incident state of a service as one vantage tracks it (to resume).
    pub fn vantage_state(
        &self,
        scenario: i64,
        vantage: &str,
    ) -> Result<Option<ServiceStateRow>, StoreError> {
        self.sql().row(
            "SELECT state, failed_rounds, good_rounds, since, last_round, pending_evidence,
                    pending_since, open_incident
             FROM service_state WHERE scenario = ?1 AND vantage = ?2",
            params![scenario, vantage],
            ServiceStateRow::read,
        )
    }

    /// Writes one committed unit: a round's samples, the service's new state and
    /// what changed with it (an incident opened or resolved, its alerts), all or
    /// nothing.
    pub fn commit_round(&mut self, round: &RoundWrite) -> Result<(), StoreError> {
        self.transaction(|sql| {
            // The round's vantage is its series' (a watch writes the series of
            // its own vantage); a round that measured nothing changes nothing.
            let Some(first) = round.samples.first() else {
                return Ok(());
            };
            let vantage: String = sql
                .value(
                    "SELECT vantage FROM series WHERE id = ?1",
                    params![first.series],
                )?
                .ok_or(StoreError::Null(0))?;
            for sample in &round.samples {
                sql.execute(
                    "INSERT INTO samples (series, at, up, status, latency_us, error_kind)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (series, at) DO UPDATE SET up = excluded.up,
                         status = excluded.status, latency_us = excluded.latency_us,
                         error_kind = excluded.error_kind",
                    params![
                        sample.series,
                        sample.at,
                        sample.up,
                        sample.status,
                        sample.latency_us,
                        sample.error_kind.as_deref()
                    ],
                )?;
            }
            let mut open_incident: Option<i64> = sql
                .value::<Option<i64>>(
                    "SELECT open_incident FROM service_state WHERE scenario = ?1 AND vantage = ?2",
                    params![round.scenario, &vantage],
                )?
                .flatten();
            match &round.change {
                None => {}
                Some(Change::Down {
                    started_at,
                    evidence,
                    alerts,
                }) => {
                    // The same round again (its commit was answered by a lost
                    // connection, and retried) finds the incident it opened.
                    let opened: Option<i64> = sql.value(
                        "SELECT id FROM incidents WHERE scenario = ?1 AND vantage = ?2
                             AND started_at = ?3 AND declared_at = ?4",
                        params![round.scenario, &vantage, *started_at, round.at],
                    )?;
                    let incident = match opened {
                        Some(incident) => incident,
                        None => sql
                            .value(
                                "INSERT INTO incidents (scenario, vantage, started_at,
                                     declared_at, evidence)
                                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                                params![round.scenario, &vantage, *started_at, round.at, evidence],
                            )?
                            .ok_or(StoreError::Null(0))?,
                    };
                    open_incident = Some(incident);
                    insert_alerts(sql, incident, "down", alerts, round.at)?;
                }
                Some(Change::Up { alerts }) => {
                    if let Some(incident) = open_incident.take() {
                        sql.execute(
                            "UPDATE incidents SET resolved_at = ?2
                             WHERE id = ?1 AND resolved_at IS NULL",
                            params![incident, round.at],
                        )?;
                        insert_alerts(sql, incident, "resolved", alerts, round.at)?;
                    }
                }
            }
            let state = &round.state;
            sql.execute(
                "INSERT INTO service_state (scenario, state, failed_rounds, good_rounds, since,
                     last_round, pending_evidence, pending_since, open_incident, vantage)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (scenario, vantage) DO UPDATE SET state = ?2, failed_rounds = ?3,
                     good_rounds = ?4, since = ?5, last_round = ?6, pending_evidence = ?7,
                     pending_since = ?8, open_incident = ?9",
                params![
                    round.scenario,
                    &state.state,
                    state.failed_rounds,
                    state.good_rounds,
                    state.since,
                    round.at,
                    state.pending_evidence.as_deref(),
                    state.pending_since,
                    open_incident,
                    &vantage
                ],
            )?;
            Ok(())
        })
    }

    pub fn insert_standards(&self, row: &StandardsRow) -> Result<(), StoreError> {
        self.sql().execute(
            "INSERT INTO standards_checks (scenario, at, score, verdict, report)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                row.scenario,
                row.at,
                row.score,
                row.verdict.as_deref(),
                &row.report
            ],
        )?;
        Ok(())
    }

    /// The scenario's standards checks from `from` to `to` (both ms), oldest first.
    pub fn standards_between(
        &self,
        scenario: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<StandardsRow>, StoreError> {
        self.sql().rows(
            "SELECT scenario, at, score, verdict, report FROM standards_checks
             WHERE scenario = ?1 AND at >= ?2 AND at < ?3 ORDER BY at",
            params![scenario, from, to],
            |r| {
                Ok(StandardsRow {
                    scenario: r.get(0)?,
                    at: r.get(1)?,
                    score: r.get(2)?,
                    verdict: r.get(3)?,
                    report: r.get(4)?,
                })
            },
        )
    }

    /// The last `limit` standards scores of a scenario, without their reports.
    pub fn standards_history(
        &self,
        scenario: i64,
        limit: u32,
    ) -> Result<Vec<StandardsScore>, StoreError> {
        let mut rows = self.sql().rows(
            "SELECT at, score, verdict FROM standards_checks WHERE scenario = ?1
             ORDER BY at DESC LIMIT ?2",
            params![scenario, limit],
            |r| {
                Ok(StandardsScore {
                    at: r.get(0)?,
                    score: r.get(1)?,
                    verdict: r.get(2)?,
                })
            },
        )?;
        rows.reverse();
        Ok(rows)
    }

    /// When the scenario's last standards check ran.
    pub fn last_standards_at(&self, scenario: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .sql()
            .value::<Option<i64>>(
                "SELECT MAX(at) FROM standards_checks WHERE scenario = ?1",
                params![scenario],
            )?
            .flatten())
    }

    /// The raw samples of some series from `from` to `to` (ms).
    pub fn samples_between(
        &self,
        series: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<SampleRow>, StoreError> {
        self.sql().rows(
            "SELECT series, at, up, status, latency_us, error_kind FROM samples
             WHERE series = ?1 AND at >= ?2 AND at < ?3 ORDER BY at",
            params![series, from, to],
            SampleRow::read,
        )
    }

    /// The rollups of one series and span from `from` to `to` (bucket starts, ms).
    pub fn rollups_between(
        &self,
        series: i64,
        span: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<RollupRow>, StoreError> {
        self.sql().rows(
            "SELECT series, span, start, samples, up, latency FROM rollups
             WHERE series = ?1 AND span = ?2 AND start >= ?3 AND start < ?4 ORDER BY start",
            params![series, span, from, to],
            RollupRow::read,
        )
    }

    /// Up to which time (ms) a vantage's series are rolled up for a span.
    pub fn rolled_until(&self, vantage: &str, span: i64) -> Result<Option<i64>, StoreError> {
        self.sql().value(
            "SELECT until FROM rolled WHERE vantage = ?1 AND span = ?2",
            params![vantage, span],
        )
    }

    /// Every series' marks: (series, span, rolled until), from its vantage's.
    pub fn marks(&self) -> Result<Vec<(i64, i64, i64)>, StoreError> {
        self.sql().rows(
            "SELECT series.id, rolled.span, rolled.until
             FROM series JOIN rolled ON rolled.vantage = series.vantage",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// Writes finished buckets of one span (a vantage's series) and moves the
    /// vantage's mark, in one transaction.
    pub fn commit_rollups(
        &mut self,
        vantage: &str,
        span: i64,
        rows: &[RollupRow],
        until: i64,
    ) -> Result<(), StoreError> {
        self.transaction(|sql| {
            for row in rows {
                sql.execute(
                    "INSERT INTO rollups (series, span, start, samples, up, latency)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (series, span, start) DO UPDATE SET
                         samples = excluded.samples, up = excluded.up,
                         latency = excluded.latency",
                    params![
                        row.series,
                        row.span,
                        row.start,
                        row.samples,
                        row.up,
                        &row.latency
                    ],
                )?;
            }
            sql.execute(
                "INSERT INTO rolled (vantage, span, until) VALUES (?1, ?2, ?3)
                 ON CONFLICT (vantage, span) DO UPDATE SET until = ?3",
                params![vantage, span, until],
            )?;
            Ok(())
        })
    }

    /// Every sample of a vantage's series from `from` to `to` (ms), for rolling up.
    pub fn all_samples_between(
        &self,
        vantage: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<SampleRow>, StoreError> {
        self.sql().rows(
            "SELECT series, at, up, status, latency_us, error_kind FROM samples
             WHERE series IN (SELECT id FROM series WHERE vantage = ?1)
                 AND at >= ?2 AND at < ?3",
            params![vantage, from, to],
            SampleRow::read,
        )
    }

    /// Every rollup of one span from `from` to `to` (bucket starts), of a
    /// vantage's series.
    pub fn all_rollups_between(
        &self,
        vantage: &str,
        span: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<RollupRow>, StoreError> {
        self.sql().rows(
            "SELECT series, span, start, samples, up, latency FROM rollups
             WHERE series IN (SELECT id FROM series WHERE vantage = ?1)
                 AND span = ?2 AND start >= ?3 AND start < ?4",
            params![vantage, span, from, to],
            RollupRow::read,
        )
    }

    /// The earliest sample of a vantage still kept (ms).
    pub fn first_sample_at(&self, vantage: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .sql()
            .value::<Option<i64>>(
                "SELECT MIN(at) FROM samples
                 WHERE series IN (SELECT id FROM series WHERE vantage = ?1)",
                params![vantage],
            )?
            .flatten())
    }

    /// Deletes a vantage's raw samples before `before` and its rollups of `span`
    /// before `rollups_before` (ms); how many samples went.
    pub fn forget(
        &self,
        vantage: &str,
        before: i64,
        span: i64,
        rollups_before: i64,
    ) -> Result<u64, StoreError> {
        let sql = self.sql();
        let removed = sql.execute(
            "DELETE FROM samples
             WHERE series IN (SELECT id FROM series WHERE vantage = ?1) AND at < ?2",
            params![vantage, before],
        )?;
        sql.execute(
            "DELETE FROM rollups
             WHERE series IN (SELECT id FROM series WHERE vantage = ?1)
                 AND span = ?2 AND start < ?3",
            params![vantage, span, rollups_before],
        )?;
        Ok(removed)
    }

    /// The scenario's incidents, newest first.
    pub fn incidents(
        &self,
        scenario: Option<i64>,
        limit: u32,
    ) -> Result<Vec<IncidentRow>, StoreError> {
        self.sql().rows(
            "SELECT id, scenario, vantage, started_at, declared_at, resolved_at, evidence
             FROM incidents WHERE CAST(?1 AS BIGINT) IS NULL OR scenario = ?1
             ORDER BY started_at DESC, id DESC LIMIT ?2",
            params![scenario, limit],
            |r| {
                Ok(IncidentRow {
                    id: r.get(0)?,
                    scenario: r.get(1)?,
                    vantage: r.get(2)?,
                    started_at: r.get(3)?,
                    declared_at: r.get(4)?,
                    resolved_at: r.get(5)?,
                    evidence: r.get(6)?,
                })
            },
        )
    }

    /// Alerts due to be sent at `now`, of the incidents `vantage` saw: each
    /// watch sends its own, so two sharing a history never send one twice.
    pub fn alerts_due(&self, vantage: &str, now: i64) -> Result<Vec<AlertRow>, StoreError> {
        self.sql().rows(
            "SELECT alerts.id, incident, event, target, body, attempts, sent_at, last_error
             FROM alerts JOIN incidents ON incidents.id = alerts.incident
             WHERE sent_at IS NULL AND next_at <= ?1 AND incidents.vantage = ?2
             ORDER BY alerts.id",
            params![now, vantage],
            |r| {
                Ok(AlertRow {
                    id: r.get(0)?,
                    incident: r.get(1)?,
                    event: r.get(2)?,
                    target: r.get(3)?,
                    body: r.get(4)?,
                    attempts: r.get(5)?,
                    sent_at: r.get(6)?,
                    last_error: r.get(7)?,
                })
            },
        )
    }

    pub fn alert_sent(&self, id: i64, now: i64) -> Result<(), StoreError> {
        self.sql().execute(
            "UPDATE alerts SET sent_at = ?2, attempts = attempts + 1, last_error = NULL
             WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    pub fn alert_failed(&self, id: i64, next_at: i64, error: &str) -> Result<(), StoreError> {
        self.sql().execute(
            "UPDATE alerts SET attempts = attempts + 1, next_at = ?2, last_error = ?3
             WHERE id = ?1",
            params![id, next_at, error],
        )?;
        Ok(())
    }

    /// Bytes the history takes, and how many samples it holds.
    pub fn size(&self) -> Result<(u64, u64), StoreError> {
        match &self.backend {
            Backend::Sqlite(connection) => sqlite::size(connection),
            Backend::Postgres(db) => db.size(),
        }
    }

    /// Folds SQLite's write-ahead log into the database file (PostgreSQL
    /// checkpoints by itself).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(connection) => sqlite::checkpoint(connection),
            Backend::Postgres(_) => Ok(()),
        }
    }
}

/// Stands for the incident's id in a "resolved" alert body written before the
/// writer knows it.
pub const INCIDENT_ID: &str = "@@ujilab-incident@@";

fn insert_alerts(
    sql: &dyn Sql,
    incident: i64,
    event: &str,
    alerts: &[(String, String)],
    now: i64,
) -> Result<(), StoreError> {
    for (target, body) in alerts {
        // Never twice for the same incident, event and webhook.
        let body = body.replace(INCIDENT_ID, &incident.to_string());
        sql.execute(
            "INSERT INTO alerts (incident, event, target, body, next_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            params![incident, event, target, &body, now],
        )?;
    }
    Ok(())
}

/// What one round commits.
#[derive(Debug, Clone)]
pub struct RoundWrite {
    pub scenario: i64,
    pub at: i64,
    pub samples: Vec<SampleRow>,
    pub state: ServiceStateRow,
    pub change: Option<Change>,
}

/// A change of a service's state, with the alerts that announce it (webhook
/// identity, body).
#[derive(Debug, Clone)]
pub enum Change {
    Down {
        started_at: i64,
        evidence: String,
        alerts: Vec<(String, String)>,
    },
    Up {
        alerts: Vec<(String, String)>,
    },
}

#[cfg(test)]
#[path = "../../../tests/support/postgres.rs"]
pub(crate) mod pg_fixture;

/// The same tests on both backends.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Runs `test` on a new SQLite history and, when PostgreSQL is installed
    /// (see the fixture), a new PostgreSQL one; `open` opens that same history
    /// each time it is called (as another process would).
    pub fn on_each_backend(test: impl Fn(&dyn Fn() -> Result<Store, StoreError>)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let sqlite = Location::Sqlite(dir.path().join("h.db"));
        eprintln!("on SQLite");
        test(&|| Store::open_at(&sqlite));
        if let Some(server) = super::pg_fixture::Postgres::start() {
            eprintln!("on PostgreSQL");
            let postgres = Location::parse(&server.database("h")).expect("a URL");
            test(&|| Store::open_at(&postgres));
        }
    }

    /// A scenario `identity`, registered; its id.
    pub fn scenario(store: &Store, identity: &str) -> i64 {
        store
            .register_scenario(
                &ScenarioRow {
                    id: 0,
                    identity: identity.into(),
                    service_id: identity.into(),
                    name: None,
                    region_code: None,
                    region_name: None,
                    base_url: "http://127.0.0.1/".into(),
                    file: format!("{identity}.yaml"),
                    source: Vec::new(),
                    every_ms: 60_000,
                },
                0,
            )
            .expect("registers")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{on_each_backend, scenario};
    use super::*;

    #[test]
    fn urls_name_sqlite_or_postgres_and_refuse_the_rest_plainly() {
        assert_eq!(
            Location::parse("sqlite:ujilab.db"),
            Ok(Location::Sqlite("ujilab.db".into()))
        );
        assert_eq!(
            Location::parse("sqlite:///tmp/h.db"),
            Ok(Location::Sqlite("/tmp/h.db".into()))
        );
        let postgres = Location::parse("postgres://u:hush-hush@127.0.0.1:5433/h").expect("reads");
        assert!(matches!(postgres, Location::Postgres(_)));
        // The password is a secret: shown and debugged without it.
        assert_eq!(postgres.shown(), "postgres://u:***@127.0.0.1:5433/h");
        assert!(!format!("{postgres:?}").contains("hush"));
        assert!(postgres.secrets().contains(&"hush-hush".to_string()));
        assert!(matches!(
            Location::parse("postgresql://u@127.0.0.1/h"),
            Ok(Location::Postgres(_))
        ));
        assert!(matches!(
            Location::parse("postgres://u:p@127.0.0.1:notaport/h"),
            Err(LocationError::BadPostgres(shown)) if !shown.contains(":p@")
        ));
        assert!(matches!(
            Location::parse("ujilab.db"),
            Err(LocationError::Unknown(_))
        ));
        assert!(matches!(
            Location::parse("sqlite:"),
            Err(LocationError::Unknown(_))
        ));
    }

    fn set_version(store: &Store, version: i64) {
        match &store.backend {
            Backend::Sqlite(connection) => connection
                .pragma_update(None, "user_version", version)
                .expect("set"),
            Backend::Postgres(_) => {
                store
                    .sql()
                    .execute("UPDATE ujilab_schema SET version = ?1", params![version])
                    .expect("set");
            }
        }
    }

    #[test]
    fn migrations_are_applied_once_and_a_newer_schema_is_refused() {
        on_each_backend(|open| {
            let store = open().expect("opens");
            let known = match &store.backend {
                Backend::Sqlite(_) => MIGRATIONS.len(),
                Backend::Postgres(_) => POSTGRES_MIGRATIONS.len(),
            };
            assert_eq!(store.schema_version().ok(), Some(known as i64));
            drop(store);
            // Reopening applies nothing twice (CREATE TABLE would fail).
            let store = open().expect("reopens");
            set_version(&store, 99);
            drop(store);
            assert!(matches!(open(), Err(StoreError::Newer { found: 99, .. })));
        });
    }

    #[test]
    fn a_postgres_database_holding_other_tables_is_refused_and_left_alone() {
        let Some(server) = super::pg_fixture::Postgres::start() else {
            return;
        };
        let url = server.database("app");
        server.psql(
            "app",
            "CREATE TABLE citizens (nik TEXT); INSERT INTO citizens VALUES ('1')",
        );
        let refused = Store::open_at(&Location::parse(&url).expect("a URL"));
        assert!(
            matches!(&refused, Err(StoreError::NotHistory { reason, .. }) if reason.contains("1 table")),
            "{:?}",
            refused.err()
        );
        assert_eq!(
            server.psql(
                "app",
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
            ),
            "1"
        );
    }

    /// Everything a watch writes reads back the same on both backends.
    #[test]
    fn a_round_an_incident_its_alerts_and_a_standards_check_read_back_the_same() {
        on_each_backend(|open| {
            let mut store = open().expect("opens");
            let id = scenario(&store, "svc");
            assert_eq!(
                scenario(&store, "svc"),
                id,
                "registering again keeps the id"
            );
            let series = store.series(id, "health", "jakarta").expect("series");
            assert_eq!(
                store.series(id, "health", "jakarta").expect("again"),
                series
            );
            let sample = |at: i64, up: bool| SampleRow {
                series,
                at,
                up,
                status: up.then_some(200),
                latency_us: up.then_some(1_234),
                error_kind: (!up).then(|| "timeout".to_string()),
            };
            let down = RoundWrite {
                scenario: id,
                at: 2_000,
                samples: vec![sample(1_000, false), sample(2_000, false)],
                state: ServiceStateRow {
                    state: "down".into(),
                    failed_rounds: 3,
                    good_rounds: 0,
                    since: 2_000,
                    last_round: None,
                    pending_evidence: None,
                    pending_since: None,
                    open_incident: None,
                },
                change: Some(Change::Down {
                    started_at: 1_000,
                    evidence: "{\"status\":null}".into(),
                    alerts: vec![("slack".into(), format!("down {INCIDENT_ID}"))],
                }),
            };
            store.commit_round(&down).expect("commits");
            // The same round again (a retry after a lost answer) replaces its
            // samples and finds its incident and alerts: nothing doubles.
            store.commit_round(&down).expect("again");
            assert_eq!(
                store.samples_between(series, 0, 10_000).expect("samples"),
                vec![sample(1_000, false), sample(2_000, false)]
            );
            assert_eq!(store.last_sample_at(id).expect("last"), Some(2_000));
            let incidents = store.incidents(Some(id), 10).expect("incidents");
            assert_eq!(incidents.len(), 1);
            assert_eq!(store.incidents(None, 10).expect("all").len(), 1);
            let incident = incidents[0].id;
            let state = store.service_state(id).expect("state").expect("a state");
            assert_eq!(
                (
                    state.state.as_str(),
                    state.failed_rounds,
                    state.open_incident
                ),
                ("down", 3, Some(incident))
            );
            let due = store.alerts_due("jakarta", 2_000).expect("due");
            assert_eq!(due.len(), 1);
            assert_eq!(due[0].body, format!("down {incident}"));
            store.alert_failed(due[0].id, 5_000, "503").expect("failed");
            assert!(store.alerts_due("jakarta", 4_999).expect("due").is_empty());
            store.alert_sent(due[0].id, 5_000).expect("sent");
            assert!(
                store
                    .alerts_due("jakarta", i64::MAX)
                    .expect("due")
                    .is_empty()
            );
            store
                .commit_round(&RoundWrite {
                    scenario: id,
                    at: 3_000,
                    samples: vec![sample(3_000, true)],
                    state: ServiceStateRow {
                        state: "up".into(),
                        since: 3_000,
                        ..ServiceStateRow::default()
                    },
                    change: Some(Change::Up {
                        alerts: vec![("slack".into(), "up".into())],
                    }),
                })
                .expect("resolves");
            let resolved = &store.incidents(Some(id), 10).expect("incidents")[0];
            assert_eq!(resolved.resolved_at, Some(3_000));
            assert_eq!(
                store
                    .service_state(id)
                    .expect("state")
                    .expect("a state")
                    .open_incident,
                None
            );
            assert_eq!(store.alerts_due("jakarta", i64::MAX).expect("due").len(), 1);
            for (at, score) in [(10, Some(81.5)), (20, None)] {
                store
                    .insert_standards(&StandardsRow {
                        scenario: id,
                        at,
                        score,
                        verdict: score.map(|_| "certified".into()),
                        report: format!("{{\"at\":{at}}}"),
                    })
                    .expect("standards");
            }
            let between = store.standards_between(id, 0, 15).expect("between");
            assert_eq!((between.len(), between[0].score), (1, Some(81.5)));
            let history = store.standards_history(id, 1).expect("history");
            assert_eq!(
                (history.len(), history[0].at, history[0].score),
                (1, 20, None)
            );
            assert_eq!(store.last_standards_at(id).expect("last"), Some(20));
            let (bytes, samples) = store.size().expect("size");
            assert!(bytes > 0);
            assert_eq!(samples, 3);
            assert_eq!(store.scenarios().expect("scenarios").len(), 1);
            assert_eq!(
                store.series_of(id).expect("series"),
                vec![(series, "health".to_string(), "jakarta".to_string())]
            );
        });
    }

    /// Two vantages of one service: each tracks its own incident (opened and
    /// resolved by its own rounds, its alerts sent by its own watch), and the
    /// service shows down while either sees it down.
    #[test]
    fn each_vantage_tracks_its_own_incidents() {
        on_each_backend(|open| {
            let mut store = open().expect("opens");
            let id = scenario(&store, "svc");
            let west = store.series(id, "health", "jakarta").expect("series");
            let east = store.series(id, "health", "medan").expect("series");
            let round = |series: i64, at: i64, state: &str, change: Option<Change>| RoundWrite {
                scenario: id,
                at,
                samples: vec![SampleRow {
                    series,
                    at,
                    up: state == "up",
                    status: None,
                    latency_us: None,
                    error_kind: None,
                }],
                state: ServiceStateRow {
                    state: state.into(),
                    last_round: Some(at),
                    ..ServiceStateRow::default()
                },
                change,
            };
            let down = || {
                Some(Change::Down {
                    started_at: 0,
                    evidence: "{}".into(),
                    alerts: vec![("json".into(), "down".into())],
                })
            };
            let up = || Some(Change::Up { alerts: Vec::new() });
            store
                .commit_round(&round(west, 10, "down", down()))
                .expect("west down");
            store
                .commit_round(&round(east, 11, "up", None))
                .expect("east up");
            let shown = store.service_state(id).expect("state").expect("a state");
            assert_eq!(shown.state, "down", "down from one vantage shows down");
            store
                .commit_round(&round(east, 20, "down", down()))
                .expect("east down");
            let incidents = store.incidents(Some(id), 10).expect("incidents");
            assert_eq!(incidents.len(), 2);
            assert_eq!(store.alerts_due("jakarta", 30).expect("due").len(), 1);
            assert_eq!(store.alerts_due("medan", 30).expect("due").len(), 1);
            // Medan recovers: its incident is resolved, jakarta's stays open.
            store
                .commit_round(&round(east, 30, "up", up()))
                .expect("east up");
            let open_ones: Vec<String> = store
                .incidents(Some(id), 10)
                .expect("incidents")
                .into_iter()
                .filter(|incident| incident.resolved_at.is_none())
                .map(|incident| incident.vantage)
                .collect();
            assert_eq!(open_ones, vec!["jakarta".to_string()]);
            let west_state = store
                .vantage_state(id, "jakarta")
                .expect("state")
                .expect("a state");
            assert!(west_state.open_incident.is_some());
            assert_eq!(
                store
                    .service_state(id)
                    .expect("state")
                    .expect("a state")
                    .state,
                "down"
            );
            store
                .commit_round(&round(west, 40, "up", up()))
                .expect("west up");
            assert!(
                store
                    .incidents(Some(id), 10)
                    .expect("incidents")
                    .iter()
                    .all(|incident| incident.resolved_at.is_some())
            );
            assert_eq!(
                store
                    .service_state(id)
                    .expect("state")
                    .expect("a state")
                    .state,
                "up"
            );
        });
    }

    /// A history of schema 1 (one vantage, global rollup marks, a state per
    /// scenario) opens migrated, keeping its marks, state and incident.
    #[test]
    fn a_sqlite_history_of_schema_1_migrates_keeping_what_it_held() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("old.db");
        let old = rusqlite::Connection::open(&path).expect("creates");
        old.execute_batch(MIGRATIONS[0]).expect("schema 1");
        old.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO scenarios VALUES (1, 'svc', 'svc', NULL, NULL, NULL, 'http://h/', 'f', x'', 60000, 0);
             INSERT INTO series VALUES (1, 1, 'health', 'bandung');
             INSERT INTO samples VALUES (1, 5, 1, 200, 10, NULL);
             INSERT INTO rolled VALUES (60, 60000);
             INSERT INTO incidents VALUES (1, 1, 0, 5, NULL, '{}');
             INSERT INTO service_state VALUES (1, 'down', 3, 0, 5, 5, NULL, NULL, 1);",
        )
        .expect("rows");
        drop(old);
        let store = Store::open(&path).expect("migrates");
        assert_eq!(store.schema_version().ok(), Some(MIGRATIONS.len() as i64));
        assert_eq!(
            store.rolled_until("bandung", 60).expect("mark"),
            Some(60_000)
        );
        let state = store
            .vantage_state(1, "bandung")
            .expect("state")
            .expect("kept");
        assert_eq!(
            (state.state.as_str(), state.open_incident),
            ("down", Some(1))
        );
        assert_eq!(
            store.incidents(Some(1), 5).expect("incidents")[0].vantage,
            "bandung"
        );
        assert_eq!(store.samples_between(1, 0, 10).expect("samples").len(), 1);
    }

    /// What only reads (a report) opens a history that exists, and creates none.
    #[test]
    fn opening_to_read_creates_no_history() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = Location::Sqlite(dir.path().join("none.db"));
        assert!(matches!(
            Store::open_existing(&missing),
            Err(StoreError::NoHistory(_))
        ));
        assert!(!dir.path().join("none.db").exists());
        let Some(server) = super::pg_fixture::Postgres::start() else {
            return;
        };
        let empty = Location::parse(&server.database("empty")).expect("a URL");
        assert!(matches!(
            Store::open_existing(&empty),
            Err(StoreError::NoHistory(_))
        ));
        assert_eq!(
            server.psql(
                "empty",
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
            ),
            "0"
        );
        drop(Store::open_at(&empty).expect("a watch creates it"));
        assert!(Store::open_existing(&empty).is_ok());
        // The server's own words, not tokio-postgres' bare "db error".
        let nowhere = Location::parse(&server.url("nowhere")).expect("a URL");
        let error = Store::open_at(&nowhere).err().expect("no such database");
        assert!(
            error
                .to_string()
                .contains(r#"database "nowhere" does not exist"#),
            "{error}"
        );
        assert!(!error.is_transient(), "{error}");
    }

    #[test]
    fn a_lost_postgres_is_a_transient_error_and_the_same_store_reconnects() {
        let Some(mut server) = super::pg_fixture::Postgres::start() else {
            return;
        };
        let location = Location::parse(&server.database("h")).expect("a URL");
        let mut store = Store::open_at(&location).expect("opens");
        let id = scenario(&store, "svc");
        let series = store.series(id, "health", "default").expect("series");
        let round = |at: i64| RoundWrite {
            scenario: id,
            at,
            samples: vec![SampleRow {
                series,
                at,
                up: true,
                status: Some(200),
                latency_us: Some(1),
                error_kind: None,
            }],
            state: ServiceStateRow::default(),
            change: None,
        };
        store.commit_round(&round(1)).expect("commits");
        server.stop();
        let error = store
            .commit_round(&round(2))
            .expect_err("PostgreSQL is away");
        assert!(error.is_transient(), "{error}");
        let error = store.commit_round(&round(2)).expect_err("still away");
        assert!(
            error.is_transient(),
            "reconnecting while away is transient too: {error}"
        );
        server.start_again();
        store
            .commit_round(&round(2))
            .expect("commits once it is back");
        assert_eq!(
            store.samples_between(series, 0, 10).expect("samples").len(),
            2
        );
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_refused_not_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "not a database, but someone's notes ".repeat(200)).expect("write");
        assert!(Store::open(&path).is_err());
        let kept = std::fs::read_to_string(&path).expect("read");
        assert!(kept.starts_with("not a database"));
    }
}
