//! The log tail from the server's live feed: one `GET /api/logs` for the newest
//! records, then every new record as the server writes it (`GET /api/logs/stream`,
//! with the filter the user set as its query), instead of polling. A changed filter
//! reopens the feed; a dropped feed is said ([`Event::TailDropped`]) and reopened with
//! backoff while the view keeps what it had. A server without the feed is polled.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};

use super::event::{Data, Event, LogQuery};
use super::source::{logs, Failure, Source};
use crate::admin::logs_source::query_string;
use crate::admin::AdminError;

/// First wait before reopening a dropped feed; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);

/// Longest wait between two attempts to reopen the feed.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How often a server without `/api/logs/stream` is polled for the tail.
const POLL: Duration = Duration::from_secs(1);

/// How one opening of the feed ended.
enum Ended {
    /// The dashboard is gone.
    Closed,
    /// The feed broke or could not open, with why: reopen after a backoff.
    Dropped(String),
    /// The server refused the query (a bad filter): wait for another one.
    Refused(String),
    /// The server has no live feed: poll it instead.
    NoFeed,
}

/// Feeds the log tail into `events` until it closes, following `query`.
pub async fn tail(
    source: Arc<dyn Source>,
    mut query: watch::Receiver<LogQuery>,
    events: mpsc::Sender<Event>,
) {
    let mut backoff = FIRST_BACKOFF;
    loop {
        let q = query.borrow_and_update().clone();
        let ended = tokio::select! {
            ended = follow(source.as_ref(), &q, &events, &mut backoff) => ended,
            changed = query.changed() => {
                if changed.is_err() {
                    return;
                }
                continue;
            }
        };
        let wait = match ended {
            Ended::Closed => return,
            Ended::NoFeed => POLL,
            Ended::Dropped(reason) => {
                let wait = backoff;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                let dropped = Event::TailDropped {
                    reason,
                    retry_secs: wait.as_secs(),
                };
                if events.send(dropped).await.is_err() {
                    return;
                }
                wait
            }
            Ended::Refused(message) => {
                if events.send(Event::Problem(message)).await.is_err() {
                    return;
                }
                // Nothing changes until the user types another filter.
                Duration::from_secs(24 * 3600)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            changed = query.changed() => if changed.is_err() { return },
        }
    }
}

/// Opens the feed for `q`, sends the newest records, then each new one until the
/// feed ends. The feed is opened first so no record falls between the two.
async fn follow(
    source: &dyn Source,
    q: &LogQuery,
    events: &mpsc::Sender<Event>,
    backoff: &mut Duration,
) -> Ended {
    let opened = source
        .stream(&format!("/api/logs/stream?{}", query_string(&q.params)))
        .await;
    let mut feed = match opened {
        Ok(feed) => Some(feed),
        Err(AdminError::Remote { status: 404, .. }) => None,
        Err(AdminError::Remote {
            status: 400..=499,
            message,
            ..
        }) => return Ended::Refused(message),
        Err(e) => return Ended::Dropped(e.to_string()),
    };
    let first = match logs(source, q).await {
        Ok(data) => data,
        Err(Failure::Lost(m)) => return Ended::Dropped(m),
        Err(Failure::Refused(m)) => return Ended::Refused(m),
    };
    if events.send(Event::Data(first)).await.is_err() {
        return Ended::Closed;
    }
    let Some(feed) = feed.as_mut() else {
        return Ended::NoFeed;
    };
    *backoff = FIRST_BACKOFF;
    while let Some(record) = feed.next().await {
        match record {
            Ok(record) => {
                if events
                    .send(Event::Data(Data::Streamed(record)))
                    .await
                    .is_err()
                {
                    return Ended::Closed;
                }
            }
            Err(why) => return Ended::Dropped(why),
        }
    }
    Ended::Dropped("the server closed it".into())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use bytes::Bytes;
    use serde_json::{json, Value};

    use super::*;
    use crate::admin::{Governance, Management, RemoteAdmin, SettingsAdmin};
    use crate::tui::app::App;
    use crate::tui::model::Avail;
    use crate::tui::source::Records;
    use crate::tui::theme::Theme;

    /// One opening of the feed: its records, or `None` when it fails to open.
    type Feed = Option<Vec<Result<Value, String>>>;

    /// Fixed answers: one stored record for `GET /api/logs`, and a scripted feed per
    /// opening (`None`: the opening fails as an unreachable server would).
    struct Scripted {
        feeds: Mutex<Vec<Feed>>,
        opened: Mutex<Vec<String>>,
        nowhere: RemoteAdmin,
    }

    impl Scripted {
        fn new(feeds: Vec<Feed>) -> Arc<Scripted> {
            Arc::new(Scripted {
                feeds: Mutex::new(feeds),
                opened: Mutex::new(Vec::new()),
                nowhere: RemoteAdmin::over_http("http://127.0.0.1:9", None).unwrap(),
            })
        }
    }

    #[async_trait]
    impl Source for Scripted {
        async fn get(&self, path: &str) -> Result<Option<Bytes>, AdminError> {
            assert!(path.starts_with("/api/logs?"), "{path}");
            Ok(Some(Bytes::from(
                json!({"logs": [{"id": "old"}]}).to_string(),
            )))
        }
        fn management(&self) -> &dyn Management {
            &self.nowhere
        }
        fn governance(&self) -> &dyn Governance {
            &self.nowhere
        }
        fn settings(&self) -> &dyn SettingsAdmin {
            &self.nowhere
        }
        async fn chat(&self, _: &str, _: Vec<u8>) -> Result<(u16, Bytes), AdminError> {
            unreachable!("the tail sends no chat")
        }
        async fn stream(&self, path: &str) -> Result<Records, AdminError> {
            self.opened.lock().unwrap().push(path.to_string());
            let mut feeds = self.feeds.lock().unwrap();
            let next = if feeds.is_empty() {
                Some(Vec::new())
            } else {
                feeds.remove(0)
            };
            match next {
                // The feed stays open after its records, as a live server's does.
                Some(items) => Ok(Box::pin(
                    futures_util::stream::iter(items).chain(futures_util::stream::pending()),
                )),
                None => Err(AdminError::Unreachable("connection refused".into())),
            }
        }
    }

    async fn next(rx: &mut mpsc::Receiver<Event>) -> Event {
        tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("an event within 10 s")
            .expect("the tail still running")
    }

    #[tokio::test]
    async fn a_streamed_record_reaches_the_tail_without_a_poll() {
        let source = Scripted::new(vec![Some(vec![Ok(json!({"id": "new"}))])]);
        let query = LogQuery {
            params: vec![("providers".into(), "openai".into())],
        };
        let (_query_tx, query_rx) = watch::channel(query);
        let (tx, mut rx) = mpsc::channel(16);
        let task = tokio::spawn(tail(source.clone(), query_rx, tx));
        let mut app = App::new("test", Theme::plain());
        app.update(next(&mut rx).await);
        let streamed = next(&mut rx).await;
        assert_eq!(streamed, Event::Data(Data::Streamed(json!({"id": "new"}))));
        app.update(streamed);
        assert_eq!(
            app.logs.shown,
            Avail::Ready(vec![json!({"id": "new"}), json!({"id": "old"})])
        );
        assert_eq!(
            source.opened.lock().unwrap().as_slice(),
            ["/api/logs/stream?providers=openai"]
        );
        task.abort();
    }

    #[tokio::test]
    async fn a_dropped_feed_is_said_and_reopened_keeping_the_view() {
        let source = Scripted::new(vec![
            Some(vec![Ok(json!({"id": "a"})), Err("reset by peer".into())]),
            None,
            Some(vec![Ok(json!({"id": "b"}))]),
        ]);
        let (_query_tx, query_rx) = watch::channel(LogQuery::default());
        let (tx, mut rx) = mpsc::channel(16);
        let task = tokio::spawn(tail(source.clone(), query_rx, tx));
        let mut app = App::new("test", Theme::plain());
        for _ in 0..2 {
            app.update(next(&mut rx).await);
        }
        let dropped = next(&mut rx).await;
        assert!(
            matches!(&dropped, Event::TailDropped { reason, retry_secs: 1 } if reason == "reset by peer"),
            "{dropped:?}"
        );
        app.update(dropped);
        assert!(app.logs.dropped.is_some());
        assert_eq!(app.logs.latest.len(), 2, "the view keeps what it had");
        // The second opening fails: the wait doubles.
        let again = next(&mut rx).await;
        assert!(
            matches!(again, Event::TailDropped { retry_secs: 2, .. }),
            "{again:?}"
        );
        // The third opening works: the newest records, then the feed.
        app.update(next(&mut rx).await);
        app.update(next(&mut rx).await);
        assert_eq!(app.logs.dropped, None);
        assert_eq!(app.logs.latest.first(), Some(&json!({"id": "b"})));
        task.abort();
    }

    #[test]
    fn paused_keeps_receiving_but_holds_the_view() {
        let mut app = App::new("test", Theme::plain());
        app.screen = crate::tui::screens::Screen::Logs;
        app.logs.arrived(Avail::Ready(vec![json!({"id": "old"})]));
        app.logs.paused = true;
        app.update(Event::Data(Data::Streamed(json!({"id": "new"}))));
        assert_eq!(app.logs.shown, Avail::Ready(vec![json!({"id": "old"})]));
        assert_eq!(app.logs.latest.len(), 2);
        app.update(Event::Key(crate::tui::event::Key::Char('p')));
        assert_eq!(
            app.logs.shown,
            Avail::Ready(vec![json!({"id": "new"}), json!({"id": "old"})])
        );
    }
}
