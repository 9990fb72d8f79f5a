//! The history database: where it is ([`Location`]), its versioned schema
//! ([`MIGRATIONS`]), and the one type that reads and writes it ([`Store`]).
//!
//! SQLite in WAL mode with `synchronous = NORMAL`: a committed transaction
//! survives the process being killed at any moment (it may not survive a power
//! cut, which needs `FULL`), and readers (the status page) never block the writer.
//! Times are milliseconds since the Unix epoch, UTC.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, params};

/// Where the history lives, from `--db URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    #[error("PostgreSQL history is not supported yet; use --db sqlite:FILE")]
    PostgresNotYet,
    #[error("`{0}` is not a database URL: write sqlite:FILE (for example sqlite:ujilab.db)")]
    Unknown(String),
}

impl Location {
    /// `sqlite:FILE` or `sqlite://FILE`.
    pub fn parse(url: &str) -> Result<Self, LocationError> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|path| !path.is_empty())
        {
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Err(LocationError::PostgresNotYet);
        }
        Err(LocationError::Unknown(url.to_string()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
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
}

impl StoreError {
    /// A locked database or a full disk: the write can be tried again later.
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
            _ => false,
        }
    }
}

/// The schema, one migration per version; `PRAGMA user_version` says how many
/// have been applied. Never edit one that has shipped: add the next.
pub const MIGRATIONS: &[&str] = &[
    // 1: scenarios, samples, rollups, incidents, alerts, standards checks.
    "
    CREATE TABLE scenarios (
        id INTEGER PRIMARY KEY,
        identity TEXT NOT NULL UNIQUE,
        service_id TEXT NOT NULL,
        name TEXT,
        region_code TEXT,
        region_name TEXT,
        base_url TEXT NOT NULL,
        file TEXT NOT NULL,
        -- The scenario file as loaded, so that `ujilab report --db` reads the
        -- scenario the history was measured with.
        source BLOB NOT NULL,
        every_ms INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        scenario INTEGER NOT NULL REFERENCES scenarios(id),
        probe TEXT NOT NULL,
        vantage TEXT NOT NULL,
        UNIQUE (scenario, probe, vantage)
    );
    -- One row per sample, keyed by series and time (no rowid, no second index).
    CREATE TABLE samples (
        series INTEGER NOT NULL,
        at INTEGER NOT NULL,
        up INTEGER NOT NULL,
        status INTEGER,
        latency_us INTEGER,
        error_kind TEXT,
        PRIMARY KEY (series, at)
    ) WITHOUT ROWID;
    -- Per minute, hour and day: counts and the latency of complete responses as
    -- an HdrHistogram (V2 + DEFLATE, base64), so any window merges exactly.
    CREATE TABLE rollups (
        series INTEGER NOT NULL,
        span INTEGER NOT NULL,
        start INTEGER NOT NULL,
        samples INTEGER NOT NULL,
        up INTEGER NOT NULL,
        latency TEXT NOT NULL,
        PRIMARY KEY (series, span, start)
    ) WITHOUT ROWID;
    -- How far each span has been rolled up: buckets before `until` are final.
    CREATE TABLE rolled (span INTEGER PRIMARY KEY, until INTEGER NOT NULL);
    CREATE TABLE service_state (
        scenario INTEGER PRIMARY KEY REFERENCES scenarios(id),
        state TEXT NOT NULL,
        failed_rounds INTEGER NOT NULL,
        good_rounds INTEGER NOT NULL,
        since INTEGER NOT NULL,
        last_round INTEGER,
        -- The first failing exchange of the current failing streak (JSON).
        pending_evidence TEXT,
        pending_since INTEGER,
        open_incident INTEGER REFERENCES incidents(id)
    );
    CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        scenario INTEGER NOT NULL REFERENCES scenarios(id),
        started_at INTEGER NOT NULL,
        declared_at INTEGER NOT NULL,
        resolved_at INTEGER,
        evidence TEXT NOT NULL
    );
    CREATE INDEX incidents_by_scenario ON incidents (scenario, started_at);
    -- The alert outbox: written with the state change it announces, sent and
    -- retried by the alert sender. One row per incident, event and webhook.
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        incident INTEGER NOT NULL REFERENCES incidents(id),
        event TEXT NOT NULL,
        target TEXT NOT NULL,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        sent_at INTEGER,
        last_error TEXT,
        UNIQUE (incident, event, target)
    );
    CREATE TABLE standards_checks (
        id INTEGER PRIMARY KEY,
        scenario INTEGER NOT NULL REFERENCES scenarios(id),
        at INTEGER NOT NULL,
        score REAL,
        verdict TEXT,
        -- The scenario's entry of report.json for this check.
        report TEXT NOT NULL
    );
    CREATE INDEX standards_by_scenario ON standards_checks (scenario, at);
    ",
];

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
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
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

#[derive(Debug, Clone)]
pub struct IncidentRow {
    pub id: i64,
    pub scenario: i64,
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
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
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
    connection: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating it if needed) and migrates the history at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let connection = Connection::open(path)?;
        // A locked database waits a little, then the write is retried later.
        connection.busy_timeout(Duration::from_secs(2))?;
        let not_history = |error: rusqlite::Error| StoreError::NotHistory {
            path: path.display().to_string(),
            reason: error.to_string(),
        };
        let mode: String = connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(not_history)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!("the history database is in {mode} mode, not WAL");
        }
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Self {
            connection,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Applies the migrations not applied yet, each in its own transaction.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let applied: i64 = self
            .connection
            .pragma_query_value(None, "user_version", |row| row.get(0))?;
        if applied > MIGRATIONS.len() as i64 {
            return Err(StoreError::Newer {
                path: self.path.display().to_string(),
                found: applied,
                known: MIGRATIONS.len(),
            });
        }
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
            let transaction = self.connection.transaction()?;
            transaction.execute_batch(migration)?;
            transaction.pragma_update(None, "user_version", (index + 1) as i64)?;
            transaction.commit()?;
        }
        Ok(())
    }

    /// The schema version applied.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .connection
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    /// Registers a scenario (or updates what it says of itself); its id.
    pub fn register_scenario(&self, row: &ScenarioRow, now: i64) -> Result<i64, StoreError> {
        self.connection.execute(
            "INSERT INTO scenarios (identity, service_id, name, region_code, region_name,
                 base_url, file, source, every_ms, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (identity) DO UPDATE SET service_id = ?2, name = ?3,
                 region_code = ?4, region_name = ?5, base_url = ?6, file = ?7,
                 source = ?8, every_ms = ?9, updated_at = ?10",
            params![
                row.identity,
                row.service_id,
                row.name,
                row.region_code,
                row.region_name,
                row.base_url,
                row.file,
                row.source,
                row.every_ms,
                now
            ],
        )?;
        Ok(self.connection.query_row(
            "SELECT id FROM scenarios WHERE identity = ?1",
            [&row.identity],
            |r| r.get(0),
        )?)
    }

    /// The id of a series (scenario, probe, vantage), created on first use.
    pub fn series(&self, scenario: i64, probe: &str, vantage: &str) -> Result<i64, StoreError> {
        self.connection.execute(
            "INSERT OR IGNORE INTO series (scenario, probe, vantage) VALUES (?1, ?2, ?3)",
            params![scenario, probe, vantage],
        )?;
        Ok(self.connection.query_row(
            "SELECT id FROM series WHERE scenario = ?1 AND probe = ?2 AND vantage = ?3",
            params![scenario, probe, vantage],
            |r| r.get(0),
        )?)
    }

    pub fn scenarios(&self) -> Result<Vec<ScenarioRow>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT id, identity, service_id, name, region_code, region_name, base_url, file,
                    source, every_ms
             FROM scenarios ORDER BY region_code, region_name, identity",
        )?;
        let rows = statement.query_map([], |r| {
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
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every series of a scenario: (id, probe, vantage).
    pub fn series_of(&self, scenario: i64) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut statement = self
            .connection
            .prepare("SELECT id, probe, vantage FROM series WHERE scenario = ?1 ORDER BY id")?;
        let rows = statement.query_map([scenario], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The time of the scenario's last committed sample (to resume its schedule).
    pub fn last_sample_at(&self, scenario: i64) -> Result<Option<i64>, StoreError> {
        Ok(self.connection.query_row(
            "SELECT MAX(at) FROM samples WHERE series IN
                 (SELECT id FROM series WHERE scenario = ?1)",
            [scenario],
            |r| r.get(0),
        )?)
    }

    pub fn service_state(&self, scenario: i64) -> Result<Option<ServiceStateRow>, StoreError> {
        Ok(self
            .connection
            .query_row(
                "SELECT state, failed_rounds, good_rounds, since, last_round, pending_evidence,
                        pending_since, open_incident
                 FROM service_state WHERE scenario = ?1",
                [scenario],
                |r| {
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
                },
            )
            .optional()?)
    }

    /// Writes one committed unit: a round's samples, the service's new state and
    /// what changed with it (an incident opened or resolved, its alerts), all or
    /// nothing.
    pub fn commit_round(&mut self, round: &RoundWrite) -> Result<(), StoreError> {
        let transaction = self.connection.transaction()?;
        {
            let mut insert = transaction.prepare_cached(
                "INSERT OR REPLACE INTO samples (series, at, up, status, latency_us, error_kind)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for sample in &round.samples {
                insert.execute(params![
                    sample.series,
                    sample.at,
                    sample.up,
                    sample.status,
                    sample.latency_us,
                    sample.error_kind
                ])?;
            }
        }
        let mut open_incident: Option<i64> = transaction
            .query_row(
                "SELECT open_incident FROM service_state WHERE scenario = ?1",
                [round.scenario],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        match &round.change {
            None => {}
            Some(Change::Down {
                started_at,
                evidence,
                alerts,
            }) => {
                transaction.execute(
                    "INSERT INTO incidents (scenario, started_at, declared_at, evidence)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![round.scenario, started_at, round.at, evidence],
                )?;
                let incident = transaction.last_insert_rowid();
                open_incident = Some(incident);
                insert_alerts(&transaction, incident, "down", alerts, round.at)?;
            }
            Some(Change::Up { alerts }) => {
                if let Some(incident) = open_incident.take() {
                    transaction.execute(
                        "UPDATE incidents SET resolved_at = ?2 WHERE id = ?1 AND resolved_at IS NULL",
                        params![incident, round.at],
                    )?;
                    insert_alerts(&transaction, incident, "resolved", alerts, round.at)?;
                }
            }
        }
        let state = &round.state;
        transaction.execute(
            "INSERT INTO service_state (scenario, state, failed_rounds, good_rounds, since,
                 last_round, pending_evidence, pending_since, open_incident)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (scenario) DO UPDATE SET state = ?2, failed_rounds = ?3,
                 good_rounds = ?4, since = ?5, last_round = ?6, pending_evidence = ?7,
                 pending_since = ?8, open_incident = ?9",
            params![
                round.scenario,
                state.state,
                state.failed_rounds,
                state.good_rounds,
                state.since,
                round.at,
                state.pending_evidence,
                state.pending_since,
                open_incident
            ],
        )?;
        transaction.commit()?;
        Ok(())
    }

    pub fn insert_standards(&self, row: &StandardsRow) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO standards_checks (scenario, at, score, verdict, report)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![row.scenario, row.at, row.score, row.verdict, row.report],
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
        let mut statement = self.connection.prepare(
            "SELECT scenario, at, score, verdict, report FROM standards_checks
             WHERE scenario = ?1 AND at >= ?2 AND at < ?3 ORDER BY at",
        )?;
        let rows = statement.query_map(params![scenario, from, to], standards_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The last `limit` standards scores of a scenario, without their reports.
    pub fn standards_history(
        &self,
        scenario: i64,
        limit: u32,
    ) -> Result<Vec<StandardsScore>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT at, score, verdict FROM standards_checks WHERE scenario = ?1
             ORDER BY at DESC LIMIT ?2",
        )?;
        let rows = statement.query_map(params![scenario, limit], |r| {
            Ok(StandardsScore {
                at: r.get(0)?,
                score: r.get(1)?,
                verdict: r.get(2)?,
            })
        })?;
        let mut rows: Vec<_> = rows.collect::<Result<_, _>>()?;
        rows.reverse();
        Ok(rows)
    }

    /// When the scenario's last standards check ran.
    pub fn last_standards_at(&self, scenario: i64) -> Result<Option<i64>, StoreError> {
        Ok(self.connection.query_row(
            "SELECT MAX(at) FROM standards_checks WHERE scenario = ?1",
            [scenario],
            |r| r.get(0),
        )?)
    }

    /// The raw samples of some series from `from` to `to` (ms).
    pub fn samples_between(
        &self,
        series: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<SampleRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT series, at, up, status, latency_us, error_kind FROM samples
             WHERE series = ?1 AND at >= ?2 AND at < ?3 ORDER BY at",
        )?;
        let rows = statement.query_map(params![series, from, to], SampleRow::read)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The rollups of one series and span from `from` to `to` (bucket starts, ms).
    pub fn rollups_between(
        &self,
        series: i64,
        span: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<RollupRow>, StoreError> {
        let mut statement = self.connection.prepare_cached(
            "SELECT series, span, start, samples, up, latency FROM rollups
             WHERE series = ?1 AND span = ?2 AND start >= ?3 AND start < ?4 ORDER BY start",
        )?;
        let rows = statement.query_map(params![series, span, from, to], RollupRow::read)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Up to which time (ms) a span is rolled up.
    pub fn rolled_until(&self, span: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .connection
            .query_row("SELECT until FROM rolled WHERE span = ?1", [span], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Writes finished buckets of one span and moves its mark, in one transaction.
    pub fn commit_rollups(
        &mut self,
        span: i64,
        rows: &[RollupRow],
        until: i64,
    ) -> Result<(), StoreError> {
        let transaction = self.connection.transaction()?;
        {
            let mut insert = transaction.prepare_cached(
                "INSERT OR REPLACE INTO rollups (series, span, start, samples, up, latency)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for row in rows {
                insert.execute(params![
                    row.series,
                    row.span,
                    row.start,
                    row.samples,
                    row.up,
                    row.latency
                ])?;
            }
        }
        transaction.execute(
            "INSERT INTO rolled (span, until) VALUES (?1, ?2)
             ON CONFLICT (span) DO UPDATE SET until = ?2",
            params![span, until],
        )?;
        transaction.commit()?;
        Ok(())
    }

    /// Every sample from `from` to `to` (ms), all series, for rolling up.
    pub fn all_samples_between(&self, from: i64, to: i64) -> Result<Vec<SampleRow>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT series, at, up, status, latency_us, error_kind FROM samples
             WHERE at >= ?1 AND at < ?2",
        )?;
        let rows = statement.query_map(params![from, to], SampleRow::read)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every rollup of one span from `from` to `to` (bucket starts), all series.
    pub fn all_rollups_between(
        &self,
        span: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<RollupRow>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT series, span, start, samples, up, latency FROM rollups
             WHERE span = ?1 AND start >= ?2 AND start < ?3",
        )?;
        let rows = statement.query_map(params![span, from, to], RollupRow::read)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The earliest sample still kept, all series (ms).
    pub fn first_sample_at(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .connection
            .query_row("SELECT MIN(at) FROM samples", [], |r| r.get(0))?)
    }

    /// Deletes raw samples before `before` and rollups of `span` before
    /// `rollups_before` (ms); how many samples went.
    pub fn forget(&self, before: i64, span: i64, rollups_before: i64) -> Result<usize, StoreError> {
        let removed = self
            .connection
            .execute("DELETE FROM samples WHERE at < ?1", [before])?;
        self.connection.execute(
            "DELETE FROM rollups WHERE span = ?1 AND start < ?2",
            params![span, rollups_before],
        )?;
        Ok(removed)
    }

    /// The scenario's incidents, newest first.
    pub fn incidents(
        &self,
        scenario: Option<i64>,
        limit: u32,
    ) -> Result<Vec<IncidentRow>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT id, scenario, started_at, declared_at, resolved_at, evidence FROM incidents
             WHERE ?1 IS NULL OR scenario = ?1 ORDER BY started_at DESC, id DESC LIMIT ?2",
        )?;
        let rows = statement.query_map(params![scenario, limit], |r| {
            Ok(IncidentRow {
                id: r.get(0)?,
                scenario: r.get(1)?,
                started_at: r.get(2)?,
                declared_at: r.get(3)?,
                resolved_at: r.get(4)?,
                evidence: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Alerts due to be sent at `now`.
    pub fn alerts_due(&self, now: i64) -> Result<Vec<AlertRow>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT id, incident, event, target, body, attempts, sent_at, last_error FROM alerts
             WHERE sent_at IS NULL AND next_at <= ?1 ORDER BY id",
        )?;
        let rows = statement.query_map([now], alert_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn alert_sent(&self, id: i64, now: i64) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE alerts SET sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    pub fn alert_failed(&self, id: i64, next_at: i64, error: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "UPDATE alerts SET attempts = attempts + 1, next_at = ?2, last_error = ?3 WHERE id = ?1",
            params![id, next_at, error],
        )?;
        Ok(())
    }

    /// Bytes the database takes (pages in use), and how many samples it holds.
    pub fn size(&self) -> Result<(u64, u64), StoreError> {
        let pages: i64 = self
            .connection
            .pragma_query_value(None, "page_count", |r| r.get(0))?;
        let free: i64 = self
            .connection
            .pragma_query_value(None, "freelist_count", |r| r.get(0))?;
        let page_size: i64 = self
            .connection
            .pragma_query_value(None, "page_size", |r| r.get(0))?;
        let samples: i64 = self
            .connection
            .query_row("SELECT COUNT(*) FROM samples", [], |r| r.get(0))?;
        Ok((((pages - free) * page_size) as u64, samples as u64))
    }

    /// Folds the write-ahead log into the database file.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.connection
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    }
}

/// Stands for the incident's id in a "resolved" alert body written before the
/// writer knows it.
pub const INCIDENT_ID: &str = "@@ujilab-incident@@";

fn insert_alerts(
    transaction: &rusqlite::Transaction<'_>,
    incident: i64,
    event: &str,
    alerts: &[(String, String)],
    now: i64,
) -> Result<(), StoreError> {
    for (target, body) in alerts {
        // Never twice for the same incident, event and webhook.
        transaction.execute(
            "INSERT OR IGNORE INTO alerts (incident, event, target, body, next_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                incident,
                event,
                target,
                body.replace(INCIDENT_ID, &incident.to_string()),
                now
            ],
        )?;
    }
    Ok(())
}

fn standards_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StandardsRow> {
    Ok(StandardsRow {
        scenario: r.get(0)?,
        at: r.get(1)?,
        score: r.get(2)?,
        verdict: r.get(3)?,
        report: r.get(4)?,
    })
}

fn alert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AlertRow> {
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
mod tests {
    use super::*;

    #[test]
    fn urls_name_sqlite_and_refuse_the_rest_plainly() {
        assert_eq!(
            Location::parse("sqlite:ujilab.db"),
            Ok(Location::Sqlite("ujilab.db".into()))
        );
        assert_eq!(
            Location::parse("sqlite:///tmp/h.db"),
            Ok(Location::Sqlite("/tmp/h.db".into()))
        );
        assert_eq!(
            Location::parse("postgres://u@127.0.0.1/h"),
            Err(LocationError::PostgresNotYet)
        );
        assert!(matches!(
            Location::parse("ujilab.db"),
            Err(LocationError::Unknown(_))
        ));
        assert!(matches!(
            Location::parse("sqlite:"),
            Err(LocationError::Unknown(_))
        ));
    }

    #[test]
    fn migrations_are_applied_once_and_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("h.db");
        let store = Store::open(&path).expect("opens");
        assert_eq!(store.schema_version().ok(), Some(MIGRATIONS.len() as i64));
        drop(store);
        // Reopening applies nothing twice (CREATE TABLE would fail).
        let store = Store::open(&path).expect("reopens");
        store
            .connection
            .pragma_update(None, "user_version", 99)
            .expect("set");
        drop(store);
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::Newer { found: 99, .. })
        ));
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
