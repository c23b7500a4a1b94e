//! `branchdesk-server`: with no configuration it stores its data in
//! ./branchdesk-server-data (embedded SQLite) and listens on 127.0.0.1:8470.

use branchdesk_server::store::postgres::PgStore;
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "The Branchdesk sync server")]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "BRANCHDESK_LISTEN", default_value = "127.0.0.1:8470")]
    listen: String,
    /// Folder of the embedded SQLite store (when no database URL is given).
    #[arg(long, env = "BRANCHDESK_SERVER_DATA", default_value = "branchdesk-server-data")]
    data_dir: PathBuf,
    /// PostgreSQL instead of embedded SQLite, e.g. postgres://branchdesk@localhost/branchdesk
    #[arg(long, env = "BRANCHDESK_DATABASE_URL")]
    database_url: Option<String>,
    /// Connections in the PostgreSQL pool.
    #[arg(long, env = "BRANCHDESK_DB_POOL", default_value_t = 16)]
    pool: usize,
    /// Days each change stays in the log, longer than any desk may stay
    /// offline; a desk away longer downloads its branches again.
    #[arg(long, env = "BRANCHDESK_KEEP_CHANGES_DAYS", default_value_t = 180,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    keep_changes_days: u32,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Logs go to stderr; stdout carries only what the operator must read.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    match &args.database_url {
        Some(url) => {
            let store = PgStore::connect(url, args.pool).await?;
            tracing::info!(listen = %listener.local_addr()?, "serving on PostgreSQL");
            run(listener, store, args.keep_changes_days).await
        }
        None => {
            std::fs::create_dir_all(&args.data_dir)?;
            let store = SqliteStore::open(&args.data_dir.join("server.sqlite"))?;
            tracing::info!(listen = %listener.local_addr()?, data_dir = %args.data_dir.display(), "serving on embedded SQLite");
            run(listener, store, args.keep_changes_days).await
        }
    }
}

async fn run<S: Store + Clone>(
    listener: tokio::net::TcpListener,
    store: S,
    keep_days: u32,
) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(code) = store.bootstrap_code().await? {
        // For the person starting the server: the first desk links with it.
        println!("Bootstrap code for the first desk: {code}");
    }
    // Hourly: drop changes older than the kept window.
    let compacting = store.clone();
    tokio::spawn(async move {
        let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            let before = chrono::Utc::now() - chrono::Duration::days(i64::from(keep_days));
            match compacting.compact(before).await {
                Ok(0) => {}
                Ok(dropped) => tracing::info!(dropped, keep_days, "old changes dropped from the log"),
                Err(e) => tracing::warn!(error = %e, "could not compact the log"),
            }
        }
    });
    axum::serve(listener, branchdesk_server::app(store))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
