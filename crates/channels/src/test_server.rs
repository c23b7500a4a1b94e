//! A real SMTP server for tests: `tests/fixtures/smtp_server.py` on
//! Debian's aiosmtpd (`scripts/install-deps.sh --test` installs it), on a
//! free loopback port, keeping what it accepts in a temporary folder.
//! Built only with the `test-server` feature.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct MailServer {
    child: Child,
    pub port: u16,
    folder: tempfile::TempDir,
    /// The certificate it offers with STARTTLS, to trust in the test.
    pub cert_pem: Option<Vec<u8>>,
}

/// What the server asks of a client.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Offer (and require) STARTTLS with a certificate of its own.
    pub starttls: bool,
    /// Require this sign-in.
    pub login: Option<(String, String)>,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/smtp_server.py")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl MailServer {
    pub fn start(options: Options) -> MailServer {
        let folder = tempfile::tempdir().expect("a folder for the mail");
        let port = free_port();
        // Debian's Python, which has python3-aiosmtpd (not another on PATH).
        let python =
            if std::path::Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
        let mut cmd = Command::new(python);
        cmd.arg(script()).arg("--port").arg(port.to_string()).arg("--folder").arg(folder.path());
        let mut cert_pem = None;
        if options.starttls {
            let made =
                rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                    .expect("a certificate");
            let (cert, key) = (folder.path().join("cert.pem"), folder.path().join("key.pem"));
            std::fs::write(&cert, made.cert.pem()).expect("cert written");
            std::fs::write(&key, made.signing_key.serialize_pem()).expect("key written");
            cmd.arg("--cert").arg(&cert).arg("--key").arg(&key);
            cert_pem = Some(made.cert.pem().into_bytes());
        }
        if let Some((user, password)) = &options.login {
            cmd.arg("--user").arg(user).arg("--password").arg(password);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/install-deps.sh --test installs python3-aiosmtpd)");
        let mut out = std::io::BufReader::new(child.stdout.take().expect("its output"));
        let mut line = String::new();
        std::io::BufRead::read_line(&mut out, &mut line).expect("the mail server's first line");
        assert_eq!(line.trim(), "ready", "the mail server did not start");
        MailServer { child, port, folder, cert_pem }
    }

    /// Every message received so far, oldest first, as its reader sees it:
    /// From, To, Subject and Message-ID decoded, a blank line, the text.
    pub fn received(&self) -> Vec<String> {
        self.files("txt")
    }

    /// Every message received so far, oldest first, as it came over the wire.
    pub fn received_raw(&self) -> Vec<String> {
        self.files("eml")
    }

    fn files(&self, extension: &str) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .expect("the mail folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == extension))
            .collect();
        names.sort();
        names.iter().map(|p| std::fs::read_to_string(p).expect("a message")).collect()
    }

    /// Waits (up to `within`) until `n` messages have arrived; answers them all.
    pub fn wait_for(&self, n: usize, within: Duration) -> Vec<String> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n || start.elapsed() > within {
                return got;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
