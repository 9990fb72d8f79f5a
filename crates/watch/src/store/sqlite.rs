//! The SQLite backend: opening the file, its migrations, its size.

use std::path::Path;
use std::time::Duration;

use super::StoreError;

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
    // 2: each vantage rolls up its own series, so its marks are its own. The
    // old marks held for every series, so every vantage starts from them.
    "
    CREATE TABLE rolled_by_vantage (
        vantage TEXT NOT NULL,
        span INTEGER NOT NULL,
        until INTEGER NOT NULL,
        PRIMARY KEY (vantage, span)
    ) WITHOUT ROWID;
    INSERT INTO rolled_by_vantage (vantage, span, until)
        SELECT vantages.vantage, rolled.span, rolled.until
        FROM rolled, (SELECT DISTINCT vantage FROM series) AS vantages;
    DROP TABLE rolled;
    ALTER TABLE rolled_by_vantage RENAME TO rolled;
    ",
    // 3: each vantage tracks its own incidents: a service state per scenario
    // and vantage, and the vantage of each incident. What was kept belonged to
    // the one vantage that wrote it (the first by name, should there be more).
    "
    CREATE TABLE service_state_by_vantage (
        scenario INTEGER NOT NULL REFERENCES scenarios(id),
        vantage TEXT NOT NULL,
        state TEXT NOT NULL,
        failed_rounds INTEGER NOT NULL,
        good_rounds INTEGER NOT NULL,
        since INTEGER NOT NULL,
        last_round INTEGER,
        pending_evidence TEXT,
        pending_since INTEGER,
        open_incident INTEGER REFERENCES incidents(id),
        PRIMARY KEY (scenario, vantage)
    ) WITHOUT ROWID;
    INSERT INTO service_state_by_vantage (scenario, vantage, state, failed_rounds,
            good_rounds, since, last_round, pending_evidence, pending_since, open_incident)
        SELECT scenario,
               COALESCE((SELECT MIN(vantage) FROM series
                         WHERE series.scenario = service_state.scenario), 'default'),
               state, failed_rounds, good_rounds, since, last_round, pending_evidence,
               pending_since, open_incident
        FROM service_state;
    DROP TABLE service_state;
    ALTER TABLE service_state_by_vantage RENAME TO service_state;
    ALTER TABLE incidents ADD COLUMN vantage TEXT NOT NULL DEFAULT 'default';
    UPDATE incidents SET vantage = COALESCE(
        (SELECT MIN(vantage) FROM series WHERE series.scenario = incidents.scenario),
        'default');
    ",
    // 4: no table changes: a rollup's latency may now be a list (`u:8127,9015*2`,
    // see rollup::encode_latency), which an older ujilab cannot read, so it
    // refuses this history as newer rather than losing the percentiles.
    "-- rollups.latency: HdrHistogram V2 + DEFLATE (base64), or u:MICROS[*COUNT],...",
];

/// Opens (creating it if needed) and migrates the history at `path`.
pub fn open(path: &Path) -> Result<rusqlite::Connection, StoreError> {
    let connection = rusqlite::Connection::open(path)?;
    // A locked database waits a little, then the write is retried later.
    connection.busy_timeout(Duration::from_secs(2))?;
    connection.set_prepared_statement_cache_capacity(64);
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
    let mut connection = connection;
    migrate(&mut connection, path)?;
    Ok(connection)
}

/// Applies the migrations not applied yet, each in its own transaction.
fn migrate(connection: &mut rusqlite::Connection, path: &Path) -> Result<(), StoreError> {
    let applied = schema_version(connection)?;
    if applied > MIGRATIONS.len() as i64 {
        return Err(StoreError::Newer {
            path: path.display().to_string(),
            found: applied,
            known: MIGRATIONS.len(),
        });
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(migration)?;
        transaction.pragma_update(None, "user_version", (index + 1) as i64)?;
        transaction.commit()?;
    }
    Ok(())
}

/// The schema version applied (`PRAGMA user_version`).
pub fn schema_version(connection: &rusqlite::Connection) -> Result<i64, StoreError> {
    Ok(connection.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Bytes the database takes (pages in use), and how many samples it holds.
pub fn size(connection: &rusqlite::Connection) -> Result<(u64, u64), StoreError> {
    let pages: i64 = connection.pragma_query_value(None, "page_count", |r| r.get(0))?;
    let free: i64 = connection.pragma_query_value(None, "freelist_count", |r| r.get(0))?;
    let page_size: i64 = connection.pragma_query_value(None, "page_size", |r| r.get(0))?;
    let samples: i64 = connection.query_row("SELECT COUNT(*) FROM samples", [], |r| r.get(0))?;
    Ok((((pages - free) * page_size) as u64, samples as u64))
}

/// Folds the write-ahead log into the database file.
pub fn checkpoint(connection: &rusqlite::Connection) -> Result<(), StoreError> {
    connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(())
}
