//! `bifrost logs --follow`: the server's live feed (`GET /api/logs/stream`, server-sent
//! events) printed as it arrives, over whichever client the CLI chose (the local socket
//! or `--url` with its credential). A dropped feed is reopened with backoff and said so
//! on stderr; Ctrl-C ends it with success.

use std::io::Write;
use std::time::Duration;

use futures_util::StreamExt;

use super::{line, Filters};
use crate::admin::logs_source::LogSource;
use crate::admin::sse;
use crate::admin::AdminError;
use crate::cli::{CmdResult, Failure};
use crate::store::LogRecord;

/// First wait before reopening a dropped feed; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);

/// Longest wait between two attempts to reopen the feed.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Follows until Ctrl-C (success), stdout closes (success), or the feed cannot be
/// opened in the first place (an error: wrong URL, credential, no server).
pub async fn run(source: &LogSource, filters: &Filters, json: bool) -> CmdResult {
    let params = filters.params()?;
    tokio::select! {
        done = tail(source, &params, json) => done,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

async fn tail(source: &LogSource, params: &[(String, String)], json: bool) -> CmdResult {
    let mut backoff = FIRST_BACKOFF;
    let mut followed = false;
    loop {
        match source.follow(params).await {
            Ok(response) => {
                // The server has subscribed this feed: every record from now on arrives.
                if followed {
                    eprintln!("reconnected; records written while disconnected are not shown here (list them with `bifrost logs --since`)");
                } else {
                    eprintln!("following new request log records (Ctrl-C to stop)");
                }
                followed = true;
                backoff = FIRST_BACKOFF;
                match print_feed(response.into_body(), json).await? {
                    Ended::StdoutClosed => return Ok(()),
                    Ended::Dropped(why) => eprintln!(
                        "the log stream dropped ({why}); reconnecting in {} s",
                        backoff.as_secs()
                    ),
                }
            }
            // Refused (credential, filters): asking again changes nothing.
            Err(
                e @ AdminError::Remote {
                    status: 400..=499, ..
                },
            ) => return Err(e.into()),
            Err(e) if !followed => return Err(e.into()),
            Err(e) => eprintln!(
                "cannot reopen the log stream ({e}); retrying in {} s",
                backoff.as_secs()
            ),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// How a feed ended.
enum Ended {
    /// The connection closed or broke, with why.
    Dropped(String),
    /// Whoever reads our output went away (`| head`): nothing more to do.
    StdoutClosed,
}

/// Prints each `log` event of `body` until it ends.
async fn print_feed(body: hyper::body::Incoming, json: bool) -> Result<Ended, Failure> {
    let mut events = std::pin::pin!(sse::events(body));
    while let Some(event) = events.next().await {
        let (event, data) = match event {
            Ok(event) => event,
            Err(e) => return Ok(Ended::Dropped(e)),
        };
        match event.as_str() {
            "log" => {
                let Ok(record) = serde_json::from_str::<LogRecord>(&data) else {
                    continue;
                };
                if !write(&line(&record, json)?)? {
                    return Ok(Ended::StdoutClosed);
                }
            }
            "lagged" => {
                eprintln!("{data} records skipped: this terminal reads slower than they arrive")
            }
            _ => {}
        }
    }
    Ok(Ended::Dropped("the server closed it".into()))
}

/// Writes `text` to stdout; `false` once stdout is closed.
fn write(text: &str) -> Result<bool, Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Failure::Problem(
            anyhow::Error::from(e).context("cannot write to stdout"),
        )),
    }
}
