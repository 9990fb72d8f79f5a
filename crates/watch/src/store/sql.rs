//! What both backends share: parameters, rows and the two calls every query of
//! [`Store`](super::Store) is written against, so that each query exists once.
//! Queries are written with `?N` placeholders, `ON CONFLICT` and `RETURNING`,
//! which SQLite and PostgreSQL both read (PostgreSQL's backend turns `?N` into
//! `$N`).

use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use super::StoreError;

/// A value bound to a placeholder.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<bool> for Param<'_> {
    fn from(value: bool) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<u16> for Param<'_> {
    fn from(value: u16) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<u32> for Param<'_> {
    fn from(value: u32) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<u64> for Param<'_> {
    fn from(value: u64) -> Self {
        Self::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<f64> for Param<'_> {
    fn from(value: f64) -> Self {
        Self::Real(value)
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(value: &'a String) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<&'a Vec<u8>> for Param<'a> {
    fn from(value: &'a Vec<u8>) -> Self {
        Self::Blob(value)
    }
}

impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}

/// `params![a, b]`: the placeholders' values, in order.
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::store::sql::Param::from($value)),*] as &[$crate::store::sql::Param<'_>]
    };
}
pub(crate) use params;

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match *self {
            Self::Null => ToSqlOutput::Owned(Value::Null),
            Self::Int(value) => ToSqlOutput::Owned(Value::Integer(value)),
            Self::Real(value) => ToSqlOutput::Owned(Value::Real(value)),
            Self::Text(value) => ToSqlOutput::Borrowed(ValueRef::Text(value.as_bytes())),
            Self::Blob(value) => ToSqlOutput::Borrowed(ValueRef::Blob(value)),
        })
    }
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        // PostgreSQL's columns are typed: an integer goes to whichever of them
        // the statement asks for (and the checked call refuses a mismatch).
        match *self {
            Self::Null => Ok(IsNull::Yes),
            Self::Int(value) => match *ty {
                Type::BOOL => (value != 0).to_sql_checked(ty, out),
                Type::INT2 => i16::try_from(value)?.to_sql_checked(ty, out),
                Type::INT4 => i32::try_from(value)?.to_sql_checked(ty, out),
                _ => value.to_sql_checked(ty, out),
            },
            Self::Real(value) => value.to_sql_checked(ty, out),
            Self::Text(value) => value.to_sql_checked(ty, out),
            Self::Blob(value) => value.to_sql_checked(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A row of a result, from either backend.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a tokio_postgres::Row),
}

impl Row<'_> {
    /// Column `index`, as `T`.
    pub fn get<T: Column>(&self, index: usize) -> Result<T, StoreError> {
        match self {
            Self::Sqlite(row) => T::sqlite(row, index),
            Self::Postgres(row) => T::postgres(row, index),
        }
    }
}

/// A Rust type a column is read as.
pub trait Column: Sized {
    fn sqlite(row: &rusqlite::Row<'_>, index: usize) -> Result<Self, StoreError>;
    fn postgres(row: &tokio_postgres::Row, index: usize) -> Result<Self, StoreError>;
}

/// Types both drivers read as they are.
macro_rules! same_in_both {
    ($($ty:ty),*) => {$(
        impl Column for $ty {
            fn sqlite(row: &rusqlite::Row<'_>, index: usize) -> Result<Self, StoreError> {
                Ok(row.get(index)?)
            }
            fn postgres(row: &tokio_postgres::Row, index: usize) -> Result<Self, StoreError> {
                Ok(row.try_get(index)?)
            }
        }
    )*};
}
same_in_both!(bool, String, Option<String>, Vec<u8>, Option<f64>);

/// A PostgreSQL integer of any width.
fn pg_int(row: &tokio_postgres::Row, index: usize) -> Result<Option<i64>, StoreError> {
    let column = row.columns().get(index).map(|c| c.type_().clone());
    Ok(match column {
        Some(Type::INT2) => row.try_get::<_, Option<i16>>(index)?.map(i64::from),
        Some(Type::INT4) => row.try_get::<_, Option<i32>>(index)?.map(i64::from),
        _ => row.try_get::<_, Option<i64>>(index)?,
    })
}

/// Integers: stored as i64 (SQLite) or the column's width (PostgreSQL), read
/// into the narrower Rust type they were written from.
macro_rules! integer {
    ($($ty:ty),*) => {$(
        impl Column for Option<$ty> {
            fn sqlite(row: &rusqlite::Row<'_>, index: usize) -> Result<Self, StoreError> {
                narrow(row.get::<_, Option<i64>>(index)?)
            }
            fn postgres(row: &tokio_postgres::Row, index: usize) -> Result<Self, StoreError> {
                narrow(pg_int(row, index)?)
            }
        }
        impl Column for $ty {
            fn sqlite(row: &rusqlite::Row<'_>, index: usize) -> Result<Self, StoreError> {
                Option::<$ty>::sqlite(row, index)?.ok_or(StoreError::Null(index))
            }
            fn postgres(row: &tokio_postgres::Row, index: usize) -> Result<Self, StoreError> {
                Option::<$ty>::postgres(row, index)?.ok_or(StoreError::Null(index))
            }
        }
    )*};
}
integer!(i64, u64, u32, u16);

fn narrow<T: TryFrom<i64>>(value: Option<i64>) -> Result<Option<T>, StoreError> {
    value
        .map(|value| T::try_from(value).map_err(|_| StoreError::OutOfRange(value)))
        .transpose()
}

/// Statements against a connection or inside a transaction.
pub trait Sql {
    /// Runs a statement; how many rows it changed.
    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError>;
    /// Runs a query, handing each row to `each`.
    fn query(
        &self,
        sql: &str,
        params: &[Param<'_>],
        each: &mut dyn FnMut(&Row<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
}

impl dyn Sql + '_ {
    /// Every row, mapped.
    pub fn rows<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        map: impl Fn(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut rows = Vec::new();
        self.query(sql, params, &mut |row| {
            rows.push(map(row)?);
            Ok(())
        })?;
        Ok(rows)
    }

    /// The first row, mapped, if there is one.
    pub fn row<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        map: impl Fn(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let mut first = None;
        self.query(sql, params, &mut |row| {
            if first.is_none() {
                first = Some(map(row)?);
            }
            Ok(())
        })?;
        Ok(first)
    }

    /// The first column of the first row (`None` without a row).
    pub fn value<T: Column>(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<T>, StoreError> {
        self.row(sql, params, |row| row.get(0))
    }
}

impl Sql for rusqlite::Connection {
    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let changed = self
            .prepare_cached(sql)?
            .execute(rusqlite::params_from_iter(params))?;
        Ok(changed as u64)
    }

    fn query(
        &self,
        sql: &str,
        params: &[Param<'_>],
        each: &mut dyn FnMut(&Row<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut statement = self.prepare_cached(sql)?;
        let mut rows = statement.query(rusqlite::params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            each(&Row::Sqlite(row))?;
        }
        Ok(())
    }
}
