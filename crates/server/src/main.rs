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
            run(listener, store).await
        }
        None => {
            std::fs::create_dir_all(&args.data_dir)?;
            let store = SqliteStore::open(&args.data_dir.join("server.sqlite"))?;
            tracing::info!(listen = %listener.local_addr()?, data_dir = %args.data_dir.display(), "serving on embedded SQLite");
            run(listener, store).await
        }
    }
}

async fn run<S: Store>(
    listener: tokio::net::TcpListener,
    store: S,
) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(code) = store.bootstrap_code().await? {
        // For the person starting the server: the first desk links with it.
        println!("Bootstrap code for the first desk: {code}");
    }
    axum::serve(listener, branchdesk_server::app(store))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
