//! A throwaway PostgreSQL cluster for the server tests: initdb into a temp
//! folder, its own port and socket folder, torn down on drop. As root it
//! runs the server binaries as the `postgres` user (initdb refuses root).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

fn bin_dir() -> PathBuf {
    if let Ok(out) = Command::new("sh").args(["-c", "command -v initdb"]).output() {
        let p = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !p.is_empty() {
            return Path::new(&p).parent().unwrap().to_path_buf();
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| Some(e.ok()?.path().join("bin"))).filter(|p| p.join("initdb").exists()).collect()
        })
        .unwrap_or_default();
    found.sort();
    found.pop().expect(
        "PostgreSQL is not installed: scripts/install-deps.sh --test installs it (package postgresql)",
    )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Cluster {
    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let status = cmd
            .args(args)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert!(status.success(), "{tool} {args:?} failed");
    }

    pub fn start() -> Cluster {
        Self::start_with(None)
    }

    /// A cluster that also listens on 127.0.0.1 over TLS only (plain TCP is
    /// rejected), presenting `cert_pem` / `key_pem`.
    pub fn start_tls(cert_pem: &str, key_pem: &str) -> Cluster {
        Self::start_with(Some((cert_pem, key_pem)))
    }

    fn start_with(tls: Option<(&str, &str)>) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            let ok =
                Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().unwrap();
            assert!(ok.success(), "chown to postgres");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let cluster = Cluster { dir, bin: bin_dir(), port };
        let data = cluster.data().to_string_lossy().into_owned();
        cluster
            .run("initdb", &["-D", &data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "-N"]);
        let mut opts =
            format!("-p {port} -k {} -c fsync=off -c synchronous_commit=off", cluster.dir.path().display());
        match tls {
            None => opts.push_str(" -c listen_addresses=''"),
            Some((cert, key)) => {
                let data = cluster.data();
                std::fs::write(data.join("server.crt"), cert).unwrap();
                std::fs::write(data.join("server.key"), key).unwrap();
                std::fs::write(
                    data.join("pg_hba.conf"),
                    "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n",
                )
                .unwrap();
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(data.join("server.key"), std::fs::Permissions::from_mode(0o600))
                    .unwrap();
                if is_root() {
                    let ok =
                        Command::new("chown").args(["-R", "postgres:postgres"]).arg(&data).status().unwrap();
                    assert!(ok.success(), "chown to postgres");
                }
                opts.push_str(" -c listen_addresses=127.0.0.1 -c ssl=on");
            }
        }
        let log = cluster.dir.path().join("log").to_string_lossy().into_owned();
        cluster.run("pg_ctl", &["-D", &data, "-o", &opts, "-l", &log, "-w", "start"]);
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A connection URL for database `db` over TCP on loopback.
    pub fn tcp_url(&self, db: &str, sslmode: &str) -> String {
        format!("host=127.0.0.1 port={} user=postgres dbname={db} sslmode={sslmode}", self.port)
    }

    /// A connection URL for database `db` over the cluster's socket.
    pub fn url(&self, db: &str) -> String {
        format!("host={} port={} user=postgres dbname={db}", self.dir.path().display(), self.port)
    }

    /// A fresh, empty database.
    pub async fn database(&self, name: &str) -> String {
        let (client, conn) =
            tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls).await.unwrap();
        let driver = tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        drop(client);
        let _ = driver.await;
        self.url(name)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data().to_string_lossy().into_owned();
        let exe = self.bin.join("pg_ctl");
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let _ =
            cmd.args(["-D", &data, "-m", "immediate", "stop"]).stdout(std::process::Stdio::null()).status();
    }
}
