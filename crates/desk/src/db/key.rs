//! The key the desk's database and its backups are encrypted with
//! (SQLCipher: AES-256 pages with an HMAC each): 32 random bytes, made when
//! the desk is first set up, used raw (no passphrase stretching, so opening
//! costs nothing) and kept out of the data folder where the computer has a
//! key store — the macOS Keychain, the Windows Credential Manager, the
//! Secret Service (GNOME Keyring, KWallet) on Linux. Where there is none,
//! the fallback is an owner-only file in the data folder, which protects
//! against other accounts on the computer but not against whoever takes
//! the disk (the README says so).
//!
//! Beside the database, `branchdesk.key-check` holds a digest of the key (a
//! key check value). SQLite answers a wrong key and a damaged file alike
//! (`SQLITE_NOTADB`); the check value tells them apart, so that a locked
//! key store never leads to an offer to restore over good data.

use crate::{Error, Result};
use blake2::{Blake2b512, Digest};
use branchdesk_api::ApiError;
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

const KEY_BYTES: usize = 32;
/// How each page is authenticated. AES-256 encrypts it; the HMAC is
/// SHA-256, which the processors desks run on compute in hardware
/// (SHA extensions), where SQLCipher's default SHA-512 runs in software:
/// a first sync into an encrypted desk cost 1.17x a plain one with
/// SHA-512 and 1.11x with SHA-256 (bench-first-sync, 300,000 rows).
const HMAC: &str = "HMAC_SHA256";
/// The HMAC of files encrypted before that (SQLCipher 4's default): they
/// still open, and backups of that age still restore.
const LEGACY_HMAC: &str = "HMAC_SHA512";

/// Whether the encrypted file `conn` is keyed on seals its pages as files
/// from before HMAC-SHA256 did (`Db::open` rewrites the desk's own file).
pub fn is_legacy(conn: &Connection) -> Result<bool> {
    use rusqlite::OptionalExtension;
    // A plain file answers nothing.
    let hmac: Option<String> =
        conn.query_row("PRAGMA cipher_hmac_algorithm", [], crate::db::read::value).optional()?;
    Ok(hmac.as_deref() == Some(LEGACY_HMAC))
}

/// The fallback key file, in the data folder.
pub const KEY_FILE: &str = "desk.key";
/// The key check value, beside the database.
pub const CHECK_FILE: &str = "branchdesk.key-check";
/// The name the key is kept under in the system's key store.
const SERVICE: &str = "Branchdesk desk data";

/// A desk's database key (None: no encryption, for the benchmark that
/// measures what encryption costs). Its bytes are wiped when it is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct DeskKey(Option<[u8; KEY_BYTES]>);

impl std::fmt::Debug for DeskKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeskKey(…)")
    }
}

impl Drop for DeskKey {
    fn drop(&mut self) {
        if let Some(bytes) = &mut self.0 {
            zeroize::Zeroize::zeroize(bytes);
        }
    }
}

impl DeskKey {
    pub fn generate() -> Result<DeskKey> {
        let mut bytes = [0u8; KEY_BYTES];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| Error::Hash("the system's random source failed".into()))?;
        Ok(DeskKey(Some(bytes)))
    }

    /// No key: the file stays plain ([`KeyStore::Unencrypted`]).
    pub fn unencrypted() -> DeskKey {
        DeskKey(None)
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_ref().map_or(&[], |b| &b[..])
    }

    fn hex(&self) -> String {
        self.bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn from_hex(text: &str) -> Option<DeskKey> {
        let text = text.trim();
        if text.len() != KEY_BYTES * 2 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; KEY_BYTES];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(DeskKey(Some(bytes)))
    }

    /// The key as SQLCipher takes a raw one: `x'…'` (64 hex digits); empty
    /// (a plain file) for no key.
    pub(crate) fn sql_literal(&self) -> String {
        match self.0 {
            Some(_) => format!("x'{}'", self.hex()),
            None => String::new(),
        }
    }

    /// Keys `conn`; the first statement on a connection to an encrypted file.
    pub fn apply(&self, conn: &Connection) -> rusqlite::Result<()> {
        // SQLCipher writes its own lines to stderr when a key does not fit;
        // the desk says what that means itself (`Error::KeyUnavailable`).
        conn.pragma_update(None, "cipher_log_level", "NONE")?;
        match self.0 {
            Some(_) => {
                let hmac = match conn.path() {
                    Some(file) if !file.is_empty() && self.sealed_before(Path::new(file)) => LEGACY_HMAC,
                    _ => HMAC,
                };
                conn.pragma_update(None, "key", self.sql_literal())?;
                conn.pragma_update(None, "cipher_hmac_algorithm", hmac)
            }
            None => Ok(()),
        }
    }

    /// Whether the file at `path` reads under this key only as files from
    /// before HMAC-SHA256 were sealed. Tried on connections of their own:
    /// SQLCipher leaves a connection that failed to read a page unable to
    /// write. A new, wrong-keyed or damaged file is not: the caller's
    /// first read reports what it finds.
    fn sealed_before(&self, path: &Path) -> bool {
        let reads_with = |hmac: &str| -> bool {
            let Ok(c) = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
                return false;
            };
            c.pragma_update(None, "cipher_log_level", "NONE").is_ok()
                && c.pragma_update(None, "key", self.sql_literal()).is_ok()
                && c.pragma_update(None, "cipher_hmac_algorithm", hmac).is_ok()
                && c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).is_ok()
        };
        !reads_with(HMAC) && reads_with(LEGACY_HMAC)
    }

    /// The key check value: a one-way digest that says whether a key is
    /// this one without revealing it.
    pub fn check_value(&self) -> String {
        let mut h = Blake2b512::new();
        h.update(b"branchdesk/key-check/v1");
        h.update(self.bytes());
        h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The recovery key as printed for the director: 52 base32 letters and
    /// digits in groups of four.
    pub fn recovery_text(&self) -> String {
        let letters = crate::base32::base32(self.bytes());
        letters
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// A recovery key as a person types it (any case, spaces or dashes
    /// anywhere); `field` names the input a bad one is reported on.
    pub fn from_recovery_text(text: &str, field: &str) -> Result<DeskKey, ApiError> {
        let bad = || {
            ApiError::invalid(
                field,
                "A recovery key is 52 letters and digits (A–Z, 2–7) in groups of four, as printed.",
            )
        };
        let bytes = crate::base32::from_base32(text).ok_or_else(bad)?;
        let bytes: [u8; KEY_BYTES] = bytes.try_into().map_err(|_| bad())?;
        Ok(DeskKey(Some(bytes)))
    }
}

/// Where a desk keeps its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStore {
    /// The operating system's key store, falling back to the key file
    /// when there is none (or it refuses).
    System,
    /// Only the owner-only key file (tests; `BRANCHDESK_KEY_STORE=file`).
    File,
    /// No key and no encryption: only for `bench-at-rest` and
    /// `bench-first-sync`, which measure what encryption costs against it.
    Unencrypted,
}

impl KeyStore {
    /// `System`, unless `BRANCHDESK_KEY_STORE=file` asks for the file.
    pub fn from_env() -> KeyStore {
        match std::env::var("BRANCHDESK_KEY_STORE").as_deref() {
            Ok("file") => KeyStore::File,
            _ => KeyStore::System,
        }
    }
}

/// The key of the desk whose data is in `data_dir`, kept in `store`.
pub struct Keys {
    store: KeyStore,
    data_dir: PathBuf,
}

impl Keys {
    pub fn new(store: KeyStore, data_dir: &Path) -> Keys {
        Keys { store, data_dir: data_dir.to_path_buf() }
    }

    fn entry(&self) -> Option<keyring::Entry> {
        if self.store != KeyStore::System {
            return None;
        }
        // One entry per data folder: two desks on one computer (a test
        // desk beside the real one) keep two keys.
        let folder = std::fs::canonicalize(&self.data_dir).unwrap_or_else(|_| self.data_dir.clone());
        match keyring::Entry::new(SERVICE, &folder.display().to_string()) {
            Ok(e) => Some(e),
            Err(e) => {
                tracing::warn!(error = %e, "no key store on this computer; the key file is used");
                None
            }
        }
    }

    /// The key, from the key store or else the key file; None when neither
    /// holds one.
    pub fn load(&self) -> Result<Option<DeskKey>> {
        if self.store == KeyStore::Unencrypted {
            return Ok(Some(DeskKey::unencrypted()));
        }
        if let Some(entry) = self.entry() {
            match entry.get_password() {
                Ok(hex) => {
                    if let Some(k) = DeskKey::from_hex(&hex) {
                        return Ok(Some(k));
                    }
                    tracing::error!(
                        "the key store holds something that is not a desk key; trying the key file"
                    );
                }
                Err(keyring::Error::NoEntry) => {}
                Err(e) => tracing::warn!(error = %e, "the key store did not answer; trying the key file"),
            }
        }
        match std::fs::read_to_string(self.data_dir.join(KEY_FILE)) {
            Ok(text) => Ok(DeskKey::from_hex(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Keeps `key`: in the key store when it takes it, else in the key file.
    /// Where it went, in words, for the log and the README's promise.
    pub fn save(&self, key: &DeskKey) -> Result<&'static str> {
        if self.store == KeyStore::Unencrypted {
            return Ok("nowhere (unencrypted)");
        }
        if let Some(entry) = self.entry() {
            match entry.set_password(&key.hex()) {
                Ok(()) => {
                    // A key file left by an earlier fallback would outlive
                    // the move into the store.
                    let _ = std::fs::remove_file(self.data_dir.join(KEY_FILE));
                    return Ok("the system key store");
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the key store refused the key; it goes in the key file")
                }
            }
        }
        write_owner_only(&self.data_dir.join(KEY_FILE), key.hex().as_bytes())?;
        Ok("the key file")
    }
}

/// The key check value kept beside the database, if any.
pub fn stored_check(data_dir: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(data_dir.join(CHECK_FILE)) {
        Ok(text) => Ok(Some(text.trim().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub fn store_check(data_dir: &Path, key: &DeskKey) -> Result<()> {
    write_owner_only(&data_dir.join(CHECK_FILE), key.check_value().as_bytes())
}

/// Writes a small file readable by its owner only, through a temporary
/// name and a rename (a crash leaves the old file or the new one).
pub(crate) fn write_owner_only(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// Makes a folder the desk creates readable by its owner only (Unix; on
/// Windows a user's application data folder is already private).
pub fn owner_only_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes a file the desk wrote readable by its owner only (Unix); SQLite
/// gives the database's log and shared-memory files the same mode.
pub fn owner_only_file(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Whether the file at `path` is a plain (unencrypted) SQLite database: its
/// first 16 bytes are SQLite's header text, where an encrypted file starts
/// with random salt.
pub fn is_plain(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path)?;
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(read == head.len() && &head == b"SQLite format 3\0")
}

/// Writes the whole of the database `from` is open on (`schema`, usually
/// "main") into a new file at `to`, encrypted with `key` (None: plain):
/// SQLCipher's `sqlcipher_export`, the way to change a file's key, since
/// the online backup copies only between files with the same key.
pub fn export(from: &Connection, to: &Path, key: Option<&DeskKey>) -> Result<()> {
    let _ = std::fs::remove_file(to);
    let literal = key.map(DeskKey::sql_literal).unwrap_or_default();
    from.execute("ATTACH DATABASE ?1 AS export_target KEY ?2", (to.display().to_string(), literal))?;
    let done = (|| -> Result<()> {
        if key.is_some_and(|k| k.0.is_some()) {
            from.pragma_update(Some("export_target"), "cipher_hmac_algorithm", HMAC)?;
        }
        from.query_row("SELECT sqlcipher_export('export_target')", [], |_| Ok(()))?;
        let version: i64 = from.query_row("PRAGMA user_version", [], crate::db::read::value)?;
        from.pragma_update(Some("export_target"), "user_version", version)?;
        Ok(())
    })();
    from.execute("DETACH DATABASE export_target", [])?;
    done?;
    std::fs::File::open(to)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recovery_text_gives_the_key_back_however_it_is_typed() {
        let key = DeskKey::generate().unwrap();
        let text = key.recovery_text();
        assert_eq!(text.len(), 52 + 12, "{text}");
        assert_eq!(DeskKey::from_recovery_text(&text, "k").unwrap(), key);
        let typed = text.to_lowercase().replace('-', " ");
        assert_eq!(DeskKey::from_recovery_text(&typed, "k").unwrap(), key);
        for bad in ["", "ABCD", &text[..text.len() - 1], &format!("{text}A"), "١٢٣", "\u{202a}ABCD"] {
            assert!(DeskKey::from_recovery_text(bad, "k").unwrap_err().is_for("k"), "{bad}");
        }
    }

    #[test]
    fn the_check_value_tells_keys_apart_and_does_not_show_the_key() {
        let (a, b) = (DeskKey::generate().unwrap(), DeskKey::generate().unwrap());
        assert_eq!(a.check_value(), a.clone().check_value());
        assert_ne!(a.check_value(), b.check_value());
        assert!(!a.hex().contains(&a.check_value()));
        assert_eq!(DeskKey::from_hex(&a.hex()), Some(a));
        assert_eq!(DeskKey::from_hex("zz"), None);
    }

    #[test]
    fn the_key_file_is_the_owners_alone() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::new(KeyStore::File, dir.path());
        assert_eq!(keys.load().unwrap(), None);
        let key = DeskKey::generate().unwrap();
        assert_eq!(keys.save(&key).unwrap(), "the key file");
        assert_eq!(keys.load().unwrap(), Some(key));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
