//! Opening the desk database: pragmas, the write permit, migrations (with a
//! backup first) and the device row.

pub mod backup_files;
pub mod guard;
pub mod key;
pub mod read;

use crate::clock::Clock;
use crate::Result;
use key::{DeskKey, KeyStore, Keys};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

pub const DB_FILE: &str = "branchdesk.sqlite";

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// The newest schema version this build knows; every outbox op carries it.
/// Read once: building the migration runner checksums every migration's
/// text, which cost each action a sixth of its time.
pub fn schema_version() -> u32 {
    static VERSION: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *VERSION.get_or_init(|| {
        embedded::migrations::runner().get_migrations().iter().map(|m| m.version() as u32).max().unwrap_or(0)
    })
}

/// The desk's one connection, and the permit that lets the write path (and
/// only it) touch synced tables.
pub struct Db {
    pub(crate) conn: Connection,
    permit: Arc<AtomicU8>,
    path: PathBuf,
    /// The key the file and its backups are encrypted with (`key.rs`).
    pub(crate) key: DeskKey,
}

/// Who holds the permit: nobody, the write path (a person's action), or
/// the sync applier (rows as the server holds them).
const NOBODY: u8 = 0;
const WRITE_PATH: u8 = 1;
const APPLIER: u8 = 2;

impl Db {
    /// Opens the desk's database, encrypted with the key `store` keeps:
    /// a new desk gets a new key; a plain file from before encryption is
    /// backed up and encrypted ([`encrypt_plain`]); a file the key at hand
    /// does not fit is [`crate::Error::KeyUnavailable`], never "damaged".
    pub fn open(data_dir: &Path, clock: &dyn Clock, store: KeyStore) -> Result<Db> {
        key::owner_only_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        let existed = std::fs::metadata(&path).map(|m| m.len() > 0).unwrap_or(false);
        // A write-ahead log left beside the file: the app did not close
        // cleanly last time (SQLite removes it when the last connection
        // closes), so the whole file is checked, not only its structure.
        let after_crash = std::fs::metadata(wal_path(&path)).map(|m| m.len() > 0).unwrap_or(false);
        // No data but backups of it: the file was lost or emptied (a disk
        // error, a copy cut short), not a new desk to set up.
        if !existed && !backup_files::list(data_dir)?.is_empty() {
            return Err(crate::Error::Damaged("the data file is missing or empty".into()));
        }
        let keys = Keys::new(store, data_dir);
        let (key, checked) =
            if store == KeyStore::Unencrypted {
                (DeskKey::unencrypted(), true)
            } else if !existed {
                (new_key(&keys, data_dir)?, true)
            } else if key::is_plain(&path)? {
                (encrypt_plain(data_dir, &keys, clock, after_crash)?, true)
            } else {
                let key = keys.load()?.ok_or_else(|| {
                    crate::Error::KeyUnavailable(
                        "the key to this desk's data is not in this computer's key store or key file".into(),
                    )
                })?;
                match key::stored_check(data_dir)? {
                    Some(check) if check != key.check_value() => return Err(crate::Error::KeyUnavailable(
                        "the key found on this computer is not the one this desk's data was encrypted with"
                            .into(),
                    )),
                    Some(_) => (key, true),
                    None => (key, false),
                }
            };
        let mut conn = Connection::open(&path)?;
        key.apply(&conn)?;
        let permit = Arc::new(AtomicU8::new(NOBODY));
        // Not a database under a key the check value confirmed: damaged.
        // Without the check value, a wrong key cannot be ruled out.
        let unreadable = |e| if checked { damaged(e) } else { key_unproven(e) };
        configure(&conn, &permit).map_err(unreadable)?;
        for file in [path.clone(), wal_path(&path), data_dir.join(format!("{DB_FILE}-shm"))] {
            if file.exists() {
                key::owner_only_file(&file)?;
            }
        }
        if existed {
            check_integrity(&conn, after_crash).map_err(unreadable)?;
            if key::is_legacy(&conn)? {
                // Sealed with SQLCipher's older default: rewritten in
                // today's format, so backups copy page for page again.
                replace_with_export(conn, data_dir, &key)?;
                conn = Connection::open(&path)?;
                key.apply(&conn)?;
                configure(&conn, &permit)?;
                tracing::info!("the desk's data is now sealed with HMAC-SHA256");
            }
        }
        if !checked {
            key::store_check(data_dir, &key)?;
        }
        let mut db = Db { conn, permit, path, key };
        if existed && db.has_pending_migrations()? {
            backup_files::take(
                &db.conn,
                &db.key,
                data_dir,
                backup_files::Reason::BeforeMigration,
                clock.now(),
            )?;
        }
        db.migrate()?;
        db.ensure_device(clock)?;
        Ok(db)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn has_pending_migrations(&mut self) -> Result<bool> {
        let history: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'refinery_schema_history'",
            [],
            read::value,
        )?;
        if history == 0 {
            return Ok(true);
        }
        let runner = embedded::migrations::runner();
        let applied =
            runner.get_last_applied_migration(&mut self.conn)?.map(|m| m.version() as u32).unwrap_or(0);
        Ok(applied < schema_version())
    }

    /// Applies pending migrations and (re)installs the guard triggers.
    pub fn migrate(&mut self) -> Result<()> {
        let permit = self.apply_permit();
        embedded::migrations::runner().run(&mut self.conn)?;
        drop(permit);
        guard::install(&self.conn)?;
        Ok(())
    }

    /// Allows a person's action to write synced tables until the returned
    /// guard drops; recorded money stays append-only (`guard.rs`).
    pub(crate) fn permit(&self) -> WritePermit {
        self.permit.store(WRITE_PATH, Ordering::SeqCst);
        WritePermit(self.permit.clone())
    }

    /// Allows the sync applier (and migrations) to write synced tables,
    /// money rows as the server holds them included.
    pub(crate) fn apply_permit(&self) -> WritePermit {
        self.permit.store(APPLIER, Ordering::SeqCst);
        WritePermit(self.permit.clone())
    }

    pub fn device_id(&self) -> Result<String> {
        Ok(self.conn.query_row("SELECT device_id FROM device", [], read::value)?)
    }

    fn ensure_device(&self, clock: &dyn Clock) -> Result<()> {
        let exists: Option<String> =
            self.conn.query_row("SELECT device_id FROM device", [], read::value).optional()?;
        if exists.is_none() {
            self.conn.execute(
                "INSERT INTO device (singleton, device_id, created_at) VALUES (1, ?1, ?2)",
                (uuid::Uuid::now_v7().to_string(), clock.now().to_rfc3339()),
            )?;
        }
        Ok(())
    }
}

pub(crate) struct WritePermit(Arc<AtomicU8>);

impl Drop for WritePermit {
    fn drop(&mut self) {
        self.0.store(NOBODY, Ordering::SeqCst);
    }
}

/// The key for a new desk: the one this computer keeps for the folder if
/// any (its backups may be under it), else a new one, kept before any
/// data is written under it.
fn new_key(keys: &Keys, data_dir: &Path) -> Result<DeskKey> {
    let key = match keys.load()? {
        Some(k) => k,
        None => {
            let k = DeskKey::generate()?;
            let place = keys.save(&k)?;
            tracing::info!(%place, "a new key for this desk's data");
            k
        }
    };
    key::store_check(data_dir, &key)?;
    Ok(key)
}

/// A database from before encryption: checked, backed up (encrypted, like
/// every backup from now on), written whole into an encrypted file that
/// then takes its name (a crash leaves the plain file or the encrypted
/// one, never half), and its older backups encrypted in turn.
fn encrypt_plain(data_dir: &Path, keys: &Keys, clock: &dyn Clock, after_crash: bool) -> Result<DeskKey> {
    let path = data_dir.join(DB_FILE);
    let key = new_key(keys, data_dir)?;
    {
        let plain = Connection::open(&path)?;
        plain.pragma_update(None, "foreign_keys", "OFF").map_err(|e| damaged(e.into()))?;
        check_integrity(&plain, after_crash)?;
        backup_files::take_encrypting(&plain, &key, data_dir, clock.now())?;
        replace_with_export(plain, data_dir, &key)?;
    }
    backup_files::encrypt_plain_backups(data_dir, &key)?;
    tracing::info!("the desk's data and its backups are now encrypted");
    Ok(key)
}

/// Writes the desk's database `conn` is open on whole into a new file
/// encrypted with `key` in today's format, which then takes its name: a
/// crash leaves the old file or the new one, never half.
fn replace_with_export(conn: Connection, data_dir: &Path, key: &DeskKey) -> Result<()> {
    let path = data_dir.join(DB_FILE);
    let written = data_dir.join(format!("{DB_FILE}.encrypting"));
    key::export(&conn, &written, Some(key))?;
    key::owner_only_file(&written)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(conn);
    std::fs::rename(&written, &path)?;
    for side in [wal_path(&path), data_dir.join(format!("{DB_FILE}-shm"))] {
        match std::fs::remove_file(side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    backup_files::sync_dir(data_dir)
}

/// Another connection to the desk database in `data_dir` (tests and
/// benchmarks that look at the file beside the desk), keyed with the key
/// `store` keeps.
pub fn open_connection(data_dir: &Path, store: KeyStore) -> Result<Connection> {
    open_with_desk_key(&data_dir.join(DB_FILE), data_dir, store)
}

/// A database file of the desk in `data_dir` (its own, or a backup), keyed
/// with that desk's key.
pub fn open_with_desk_key(file: &Path, data_dir: &Path, store: KeyStore) -> Result<Connection> {
    let key = Keys::new(store, data_dir)
        .load()?
        .ok_or_else(|| crate::Error::KeyUnavailable("no key for this desk's data".into()))?;
    let conn = Connection::open(file)?;
    key.apply(&conn)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// The everyday page cache (negative: KiB), 64 MB: see `configure`.
const CACHE_KIB: i64 = -64 * 1024;

/// The write-ahead log beside a database file.
pub fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// A file SQLite cannot read as a database, or finds corrupt, is damaged;
/// other failures (a locked or unwritable file) stay what they are.
fn damaged(e: crate::Error) -> crate::Error {
    match e {
        crate::Error::Db(rusqlite::Error::SqliteFailure(f, msg))
            if matches!(f.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) =>
        {
            crate::Error::Damaged(msg.unwrap_or_else(|| f.to_string()))
        }
        other => other,
    }
}

/// A file that does not read as a database under a key nothing vouches
/// for: the key may be wrong, so the data is not called damaged.
fn key_unproven(e: crate::Error) -> crate::Error {
    match damaged(e) {
        crate::Error::Damaged(_) => crate::Error::KeyUnavailable(
            "this desk's data does not open with the key on this computer, and nothing says whether the key \
             or the file is at fault"
                .into(),
        ),
        other => other,
    }
}

/// SQLite's quick check (the file's structure: pages, b-trees, records) at
/// every opening; its full integrity check (indexes against their tables
/// too) after a crash. The first problem found is the answer.
fn check_integrity(conn: &Connection, full: bool) -> Result<()> {
    let sql = if full { "PRAGMA integrity_check(1)" } else { "PRAGMA quick_check(1)" };
    let first: String = conn.query_row(sql, [], read::value).map_err(|e| damaged(e.into()))?;
    if first != "ok" {
        return Err(crate::Error::Damaged(first));
    }
    Ok(())
}

/// `branchdesk_digits(text)` takes one argument: the text to keep the digits of.
const DIGITS_ARGUMENT: usize = 0;

fn configure(conn: &Connection, permit: &Arc<AtomicU8>) -> Result<()> {
    // WAL for concurrent reads; synchronous=FULL because a printed receipt
    // must survive a power cut (NORMAL may lose the last commits).
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Lists over a whole branch (dues, students) read most of a few tables:
    // map the file instead of copying every page through read() into a
    // 2 MB cache. File-backed, so it costs no private memory at rest.
    conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
    // An encrypted file cannot be mapped (every page is decrypted into the
    // page cache), so the cache takes the map's place: 64 MB instead of
    // SQLite's 2 MB, or every search decrypts the same pages again
    // (bench-at-rest: search 11x slower with the default).
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    // Checkpoint the WAL every 256 pages (1 MB) instead of 1,000: a
    // checkpoint runs inside the commit that crosses the mark, so a smaller
    // one keeps every write short (bench-apply: longest lock at 1M rows).
    conn.pragma_update(None, "wal_autocheckpoint", 256)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let flag = permit.clone();
    conn.create_scalar_function(
        guard::PERMIT_FUNCTION,
        0,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        move |_| Ok(flag.load(Ordering::SeqCst) != NOBODY),
    )?;
    let flag = permit.clone();
    conn.create_scalar_function(
        guard::APPLYING_FUNCTION,
        0,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        move |_| Ok(flag.load(Ordering::SeqCst) == APPLIER),
    )?;
    // The search index (V4) keeps phone numbers as bare digits.
    conn.create_scalar_function(
        "branchdesk_digits",
        1,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8
            | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(DIGITS_ARGUMENT)?;
            Ok(text.map(|t| t.chars().filter(char::is_ascii_digit).collect::<String>()))
        },
    )?;
    Ok(())
}
