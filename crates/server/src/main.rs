//! `branchdesk-server`: with no configuration it stores its data in
//! ./branchdesk-server-data (embedded SQLite), makes its own certificate
//! there, and serves HTTPS on 127.0.0.1:8470.

use branchdesk_server::limits::Limits;
use branchdesk_server::store::postgres::PgStore;
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use branchdesk_server::tls;
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "The Branchdesk sync server")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(long, env = "BRANCHDESK_LISTEN", default_value = "127.0.0.1:8470")]
    listen: String,
    /// Folder of the embedded SQLite store (when no database URL is given).
    #[arg(long, env = "BRANCHDESK_SERVER_DATA", default_value = "branchdesk-server-data")]
    data_dir: PathBuf,
    /// PostgreSQL instead of embedded SQLite, e.g.
    /// postgres://branchdesk@db.internal/branchdesk?sslmode=verify-full
    /// (sslmode: disable, prefer — the default — require, verify-full)
    #[arg(long, env = "BRANCHDESK_DATABASE_URL")]
    database_url: Option<String>,
    /// Certificate authorities (PEM) that vouch for PostgreSQL's certificate
    /// when the URL says sslmode=verify-full (default: the system's).
    #[arg(long, env = "BRANCHDESK_DATABASE_CA")]
    database_ca: Option<PathBuf>,
    /// Connections in the PostgreSQL pool.
    #[arg(long, env = "BRANCHDESK_DB_POOL", default_value_t = 16)]
    pool: usize,
    /// Days each change stays in the log, longer than any desk may stay
    /// offline; a desk away longer downloads its branches again.
    #[arg(long, env = "BRANCHDESK_KEEP_CHANGES_DAYS", default_value_t = 180,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    keep_changes_days: u32,
    /// The server's certificate chain (PEM), from a certificate authority
    /// desks' systems trust. Without it the server makes its own, and desk
    /// codes carry its pin.
    #[arg(long, env = "BRANCHDESK_TLS_CERT", requires = "tls_key", conflicts_with = "behind_proxy")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "BRANCHDESK_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve plain HTTP because a reverse proxy in front of this server ends
    /// TLS with a certificate desks trust (nginx, Caddy, a cloud load
    /// balancer). Never use it when desks reach this port directly: tokens,
    /// codes and every record would cross the network readable. Link
    /// attempts are then limited by the last X-Forwarded-For address.
    #[arg(long, env = "BRANCHDESK_BEHIND_PROXY")]
    behind_proxy: bool,
    /// Certificate authorities (PEM) the mail server is trusted by beyond
    /// the system's (an office relay with a certificate of its own).
    #[arg(long, env = "BRANCHDESK_MAIL_CA")]
    mail_ca: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Print a fresh bootstrap code for the first desk (valid 24 hours;
    /// any earlier unused one stops working), then exit. Refused once a
    /// desk is linked: linked desks issue codes for the next ones.
    NewBootstrapCode,
    /// Set the mail server the organisation's messages leave by (kept on
    /// this server only), then exit. The password is read from the
    /// BRANCHDESK_MAIL_PASSWORD variable, never from the command line.
    EmailSettings(EmailArgs),
}

#[derive(clap::Args)]
struct EmailArgs {
    /// The mail server, e.g. smtp.example.com.
    #[arg(long)]
    host: String,
    /// 587 for STARTTLS, 465 for TLS.
    #[arg(long, default_value_t = 587)]
    port: u16,
    /// starttls, tls, or none (a mail server on this computer only).
    #[arg(long, default_value = "starttls")]
    security: String,
    /// The user name to sign in with (none: the server takes mail without).
    #[arg(long, default_value = "")]
    username: String,
    /// Messages come from this address…
    #[arg(long)]
    from_address: String,
    /// …under this name, e.g. the organisation's.
    #[arg(long, default_value = "")]
    from_name: String,
    /// Send a test email here once the settings are saved.
    #[arg(long)]
    test_to: Option<String>,
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
    let tls = if args.behind_proxy {
        tracing::warn!("serving plain HTTP: a proxy in front must end TLS for the desks");
        None
    } else {
        let source = match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => tls::Source::Files { cert: cert.clone(), key: key.clone() },
            _ => tls::Source::SelfMade { dir: args.data_dir.join("tls") },
        };
        Some(tls::load(&source)?)
    };
    if let Some(Command::NewBootstrapCode) = args.command {
        return match &args.database_url {
            Some(url) => {
                let store = PgStore::connect_with_ca(url, 1, args.database_ca.as_deref()).await?;
                new_bootstrap_code(tls.as_ref(), store).await
            }
            None => {
                std::fs::create_dir_all(&args.data_dir)?;
                new_bootstrap_code(tls.as_ref(), SqliteStore::open(&args.data_dir.join("server.sqlite"))?)
                    .await
            }
        };
    }
    if let Some(Command::EmailSettings(email)) = &args.command {
        let mail_ca = read_mail_ca(args.mail_ca.as_deref())?;
        return match &args.database_url {
            Some(url) => {
                let store = PgStore::connect_with_ca(url, 1, args.database_ca.as_deref()).await?;
                email_settings(email, mail_ca, store).await
            }
            None => {
                std::fs::create_dir_all(&args.data_dir)?;
                email_settings(email, mail_ca, SqliteStore::open(&args.data_dir.join("server.sqlite"))?).await
            }
        };
    }
    let mail_ca = read_mail_ca(args.mail_ca.as_deref())?;
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    // Behind a proxy every connection comes from the proxy: the link limit
    // per address goes by the address the proxy saw.
    let limits = Limits { trust_forwarded: args.behind_proxy, ..Limits::default() };
    let serving = Serving { listener, tls, keep_days: args.keep_changes_days, limits, mail_ca };
    match &args.database_url {
        Some(url) => {
            let store = PgStore::connect_with_ca(url, args.pool, args.database_ca.as_deref()).await?;
            tracing::info!(listen = %serving.listener.local_addr()?, "serving on PostgreSQL");
            run(serving, store).await
        }
        None => {
            std::fs::create_dir_all(&args.data_dir)?;
            let store = SqliteStore::open(&args.data_dir.join("server.sqlite"))?;
            tracing::info!(listen = %serving.listener.local_addr()?, data_dir = %args.data_dir.display(), "serving on embedded SQLite");
            run(serving, store).await
        }
    }
}

struct Serving {
    listener: tokio::net::TcpListener,
    tls: Option<tls::Identity>,
    keep_days: u32,
    limits: Limits,
    mail_ca: Vec<Vec<u8>>,
}

fn read_mail_ca(path: Option<&std::path::Path>) -> Result<Vec<Vec<u8>>, Box<dyn std::error::Error>> {
    match path {
        Some(p) => Ok(vec![std::fs::read(p).map_err(|e| format!("--mail-ca {}: {e}", p.display()))?]),
        None => Ok(Vec::new()),
    }
}

/// Checks and keeps the mail settings; sends a test email when asked.
async fn email_settings<S: Store>(
    args: &EmailArgs,
    mail_ca: Vec<Vec<u8>>,
    store: S,
) -> Result<(), Box<dyn std::error::Error>> {
    use branchdesk_api::commands::channels::{EmailChannel, EmailSecurity};
    let security = match args.security.to_ascii_lowercase().as_str() {
        "starttls" => EmailSecurity::StartTls,
        "tls" => EmailSecurity::Tls,
        "none" => EmailSecurity::Plain,
        other => return Err(format!("--security {other}: use starttls, tls or none").into()),
    };
    let typed = EmailChannel {
        host: args.host.clone(),
        port: args.port,
        security,
        username: args.username.clone(),
        password: std::env::var("BRANCHDESK_MAIL_PASSWORD").unwrap_or_default(),
        from_address: args.from_address.clone(),
        from_name: args.from_name.clone(),
    };
    let saved = store.email_channel().await?;
    let email = typed.checked(saved.as_ref()).map_err(|e| {
        let field = e.field.as_deref().unwrap_or_default().trim_start_matches("email.").replace('_', "-");
        match field.as_str() {
            "password" => format!("{} (set BRANCHDESK_MAIL_PASSWORD)", e.message),
            "" => e.message.clone(),
            f => format!("--{f}: {}", e.message),
        }
    })?;
    store.save_email_channel(email.clone()).await?;
    println!(
        "Mail settings saved: {} port {} ({}), from {}",
        email.host, email.port, args.security, email.from_address
    );
    if let Some(to) = &args.test_to {
        let to =
            branchdesk_api::contact::email("test-to", to).map_err(|e| format!("--test-to: {}", e.message))?;
        let test = branchdesk_api::delivery::Outgoing {
            id: uuid::Uuid::new_v4(),
            channel: branchdesk_api::commands::attendance::NotificationChannel::Email,
            recipient_name: String::new(),
            recipient: to.clone(),
            subject: "Test email from the Branchdesk server".into(),
            body: "The sync server can send the organisation's messages by email.".into(),
        };
        let mailer = branchdesk_channels::email::Mailer {
            extra_roots_pem: mail_ca,
            ..branchdesk_channels::email::Mailer::new(email)
        };
        match mailer.send(&test).await {
            branchdesk_api::delivery::Outcome::Sent { .. } => println!("Test email sent to {to}."),
            branchdesk_api::delivery::Outcome::Retry { reason }
            | branchdesk_api::delivery::Outcome::Failed { reason } => {
                return Err(format!("The test email was not sent: {reason}").into())
            }
        }
    }
    Ok(())
}

/// The pin desks check a self-made certificate by, to go in codes.
fn code_pin(tls: Option<&tls::Identity>) -> Option<String> {
    tls.filter(|t| t.self_made).map(|t| t.pin.clone())
}

async fn new_bootstrap_code<S: Store>(
    tls: Option<&tls::Identity>,
    store: S,
) -> Result<(), Box<dyn std::error::Error>> {
    match store.bootstrap_code().await? {
        Some(code) => {
            let code = branchdesk_api::pin::JoinCode { secret: code, pin: code_pin(tls) };
            println!("Bootstrap code for the first desk (valid 24 hours): {}", code.show());
            Ok(())
        }
        None => Err("a desk is already linked to this server: issue a code from a linked desk \
                     (Settings → Sync server) instead"
            .into()),
    }
}

async fn run<S: Store + Clone>(serving: Serving, store: S) -> Result<(), Box<dyn std::error::Error>> {
    let Serving { listener, tls, keep_days, limits, mail_ca } = serving;
    // For the person starting the server: what desks trust it by, and the
    // code the first desk links with (with the pin when the server made
    // its own certificate).
    let pin = code_pin(tls.as_ref());
    match &tls {
        Some(t) if t.self_made => println!("Certificate pin (self-made certificate): {}", t.pin),
        Some(t) => {
            println!("Certificate pin (given certificate, checked by desks against their roots): {}", t.pin)
        }
        None => println!("Plain HTTP behind a TLS-terminating proxy"),
    }
    if let Some(code) = store.bootstrap_code().await? {
        let code = branchdesk_api::pin::JoinCode { secret: code, pin };
        println!("Bootstrap code for the first desk (valid 24 hours): {}", code.show());
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
    // The organisation's messages leave from here.
    tokio::spawn(branchdesk_server::sender::run(std::sync::Arc::new(store.clone()), mail_ca));
    let app = branchdesk_server::http::app_with(store, limits)
        .into_make_service_with_connect_info::<branchdesk_server::limits::ClientAddr>();
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match tls {
        Some(t) => {
            let listener = tls::TlsListener::new(listener, t.config)?;
            axum::serve(listener, app).with_graceful_shutdown(stop).await?
        }
        None => axum::serve(listener, app).with_graceful_shutdown(stop).await?,
    }
    Ok(())
}
