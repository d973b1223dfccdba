//! SQLite databases copied off a phone (Google Authenticator, Microsoft Authenticator,
//! Authenticator Pro / Stratum), opened read-only in memory with `rusqlite`'s bundled SQLite:
//! the bytes are never written to a temporary file.

use rusqlite::{Connection, MAIN_DB, OpenFlags};

/// The first 16 bytes of every SQLite 3 database file.
pub const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Reads the accounts of the database `data` (an app called `format`) with `read_rows`; a
/// file that does not open or whose table does not read is `Malformed`, saying why.
pub fn read_accounts(
    data: &[u8],
    format: &'static str,
    read_rows: impl FnOnce(&Connection) -> Result<super::Parsed, rusqlite::Error>,
) -> super::Result<super::Parsed> {
    let malformed = |why: String| super::Error::Malformed { format, why };
    let conn = open(data).map_err(malformed)?;
    read_rows(&conn).map_err(|e| malformed(format!("cannot read the accounts table ({e})")))
}

/// True when `data` is an SQLite database.
pub fn is_sqlite(data: &[u8]) -> bool {
    data.starts_with(MAGIC)
}

/// Opens `data` as a read-only in-memory database. `Err` says why it cannot be read.
pub fn open(data: &[u8]) -> Result<Connection, String> {
    if !is_sqlite(data) {
        return Err("it is not an SQLite database".into());
    }
    let mut conn = Connection::open_with_flags(
        ":memory:",
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("cannot open SQLite ({e})"))?;
    // A database copied off a phone is often in WAL mode (header bytes 18 and 19 are 2); an
    // in-memory database cannot use WAL, so SQLite refuses it. The copy read here says
    // "rollback journal" (1) instead: the pages are the same (a WAL file beside it, if any,
    // is not part of the copy).
    let mut copy = zeroize::Zeroizing::new(data.to_vec());
    if copy.len() > 19 {
        for b in &mut copy[18..20] {
            if *b == 2 {
                *b = 1;
            }
        }
    }
    conn.deserialize_read_exact(MAIN_DB, &copy[..], copy.len(), true)
        .map_err(|e| format!("the database is damaged ({e})"))?;
    Ok(conn)
}

/// True when the database has a table named `table` with every column in `columns`.
pub fn has_columns(conn: &Connection, table: &str, columns: &[&str]) -> bool {
    let Ok(mut stmt) = conn.prepare("SELECT name FROM pragma_table_info(?1)") else {
        return false;
    };
    let Ok(rows) = stmt.query_map([table], |r| r.get::<_, String>(0)) else {
        return false;
    };
    let have: Vec<String> = rows.flatten().map(|c| c.to_ascii_lowercase()).collect();
    !have.is_empty() && columns.iter().all(|c| have.iter().any(|h| h == c))
}

/// True when `data` is an SQLite database with that table and those columns (detection).
pub fn detect(data: &[u8], table: &str, columns: &[&str]) -> bool {
    is_sqlite(data) && open(data).is_ok_and(|c| has_columns(&c, table, columns))
}
