//! The live feeds: the server's batched log stream (`GET /api/logs/stream?batch_ms=`,
//! one event per [`BATCH_MS`] whatever the traffic, so `bifrost top` costs the same at
//! 10 and 5,000 req/s). Two are kept open: the tail's, filtered as the user asks and
//! carrying the newest records (after one `GET /api/logs` for the older ones), and the
//! overview's, unfiltered and carrying only the figures. A changed filter reopens the
//! tail's; a dropped feed is said ([`Event::FeedDropped`]) and reopened with backoff
//! while the screen keeps what it had. A server without the feed is polled for the
//! tail.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};

use super::event::{Data, Event, Feed, LogQuery};
use super::source::{logs, Failure, Source};
use crate::admin::logs_source::query_string;
use crate::admin::AdminError;

/// The interval of the feeds' batches: one chart sample each.
pub const BATCH_MS: u64 = 1000;

/// Records a tail batch carries at most: more than a screen shows in a second.
const TAIL_RECORDS: usize = 50;

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
    query: watch::Receiver<LogQuery>,
    events: mpsc::Sender<Event>,
) {
    run(Feed::Tail, source, query, events).await
}

/// Feeds the overview's live figures into `events` until it closes.
pub async fn overview(source: Arc<dyn Source>, events: mpsc::Sender<Event>) {
    // The overview follows no filter: a query that never changes.
    let (_unchanged, query) = watch::channel(LogQuery::default());
    run(Feed::Overview, source, query, events).await
}

async fn run(
    feed: Feed,
    source: Arc<dyn Source>,
    mut query: watch::Receiver<LogQuery>,
    events: mpsc::Sender<Event>,
) {
    let mut backoff = FIRST_BACKOFF;
    loop {
        let q = query.borrow_and_update().clone();
        let ended = tokio::select! {
            ended = follow(feed, source.as_ref(), &q, &events, &mut backoff) => ended,
            changed = query.changed() => {
                if changed.is_err() {
                    return;
                }
                continue;
            }
        };
        let wait = match ended {
            Ended::Closed => return,
            // Without a feed the overview has no live figures to poll for.
            Ended::NoFeed if feed == Feed::Overview => MAX_BACKOFF,
            Ended::NoFeed => POLL,
            Ended::Dropped(reason) => {
                let wait = backoff;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                let dropped = Event::FeedDropped {
                    feed,
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

/// Opens the feed for `q`, sends the tail's newest records, then each batch until the
/// feed ends. The feed is opened first so no record falls between the two.
async fn follow(
    feed: Feed,
    source: &dyn Source,
    q: &LogQuery,
    events: &mpsc::Sender<Event>,
    backoff: &mut Duration,
) -> Ended {
    let records = match feed {
        Feed::Tail => TAIL_RECORDS,
        Feed::Overview => 0,
    };
    let mut path = format!("/api/logs/stream?batch_ms={BATCH_MS}&max_records={records}");
    if !q.params.is_empty() {
        path = format!("{path}&{}", query_string(&q.params));
    }
    let opened = source.stream(&path).await;
    let mut batches = match opened {
        Ok(batches) => Some(batches),
        Err(AdminError::Remote { status: 404, .. }) => None,
        Err(AdminError::Remote {
            status: 400..=499,
            message,
            ..
        }) => return Ended::Refused(message),
        Err(e) => return Ended::Dropped(e.to_string()),
    };
    if feed == Feed::Tail {
        let first = match logs(source, q).await {
            Ok(data) => data,
            Err(Failure::Lost(m)) => return Ended::Dropped(m),
            Err(Failure::Refused(m)) => return Ended::Refused(m),
        };
        if events.send(Event::Data(first)).await.is_err() {
            return Ended::Closed;
        }
    }
    let Some(batches) = batches.as_mut() else {
        return Ended::NoFeed;
    };
    *backoff = FIRST_BACKOFF;
    while let Some(batch) = batches.next().await {
        let data = match (batch, feed) {
            (Ok(batch), Feed::Tail) => Data::Tail(batch.records),
            (Ok(batch), Feed::Overview) => Data::Batch(batch),
            (Err(why), _) => return Ended::Dropped(why),
        };
        if events.send(Event::Data(data)).await.is_err() {
            return Ended::Closed;
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
    use crate::admin::logs::Percentiles;
    use crate::admin::logs_batch::Batch;
    use crate::admin::{Governance, Management, RemoteAdmin, SettingsAdmin};
    use crate::tui::app::App;
    use crate::tui::model::Avail;
    use crate::tui::source::Batches;
    use crate::tui::theme::Theme;

    /// One opening of the feed: its batches, or `None` when it fails to open.
    type Script = Option<Vec<Result<Batch<Value>, String>>>;

    /// A one-second batch of `matched` requests carrying `records`.
    fn batch(matched: u64, records: Vec<Value>) -> Batch<Value> {
        Batch {
            interval_ms: 1000,
            matched,
            lagged: 0,
            errors: 1,
            input_tokens: 300,
            output_tokens: 200,
            cost: 0.5,
            latency_ms: Percentiles {
                p50: 10.0,
                p95: 40.0,
                p99: 90.0,
                average: 15.0,
            },
            ttft_ms: Percentiles {
                p50: 5.0,
                p95: 8.0,
                p99: 9.0,
                average: 6.0,
            },
            in_flight: 7,
            models: Vec::new(),
            providers: Vec::new(),
            records,
        }
    }

    /// Fixed answers: one stored record for `GET /api/logs`, and a scripted feed per
    /// opening (`None`: the opening fails as an unreachable server would).
    struct Scripted {
        feeds: Mutex<Vec<Script>>,
        opened: Mutex<Vec<String>>,
        nowhere: RemoteAdmin,
    }

    impl Scripted {
        fn new(feeds: Vec<Script>) -> Arc<Scripted> {
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
        async fn stream(&self, path: &str) -> Result<Batches, AdminError> {
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
    async fn a_batch_puts_its_records_on_top_of_the_tail() {
        let source = Scripted::new(vec![Some(vec![Ok(batch(
            900,
            vec![json!({"id": "new2"}), json!({"id": "new1"})],
        ))])]);
        let query = LogQuery {
            params: vec![("providers".into(), "openai".into())],
        };
        let (_query_tx, query_rx) = watch::channel(query);
        let (tx, mut rx) = mpsc::channel(16);
        let task = tokio::spawn(tail(source.clone(), query_rx, tx));
        let mut app = App::new("test", Theme::plain());
        app.update(next(&mut rx).await);
        let batched = next(&mut rx).await;
        assert_eq!(
            batched,
            Event::Data(Data::Tail(vec![
                json!({"id": "new2"}),
                json!({"id": "new1"})
            ]))
        );
        app.update(batched);
        assert_eq!(
            app.logs.shown,
            Avail::Ready(vec![
                json!({"id": "new2"}),
                json!({"id": "new1"}),
                json!({"id": "old"})
            ])
        );
        assert_eq!(
            source.opened.lock().unwrap().as_slice(),
            ["/api/logs/stream?batch_ms=1000&max_records=50&providers=openai"]
        );
        task.abort();
    }

    #[tokio::test]
    async fn the_overview_takes_its_live_figures_from_unfiltered_batches() {
        let source = Scripted::new(vec![Some(vec![Ok(batch(900, Vec::new()))])]);
        let (tx, mut rx) = mpsc::channel(16);
        let task = tokio::spawn(overview(source.clone(), tx));
        let mut app = App::new("test", Theme::plain());
        app.overview.live.today = Some(1.0);
        app.update(next(&mut rx).await);
        let live = &app.overview.live;
        let last = live.history.back().copied().unwrap_or_default();
        assert_eq!(
            (last.rps, last.tokens_per_s, last.p95),
            (900.0, 500.0, 40.0)
        );
        assert_eq!(live.in_flight, Some(7.0));
        let now = live.now.clone().unwrap_or_default();
        assert_eq!((now.ttft, now.ttft_p99), (Some(5.0), Some(9.0)));
        assert_eq!(live.today, Some(1.5), "the batch's spend moves today's");
        assert_eq!(
            source.opened.lock().unwrap().as_slice(),
            ["/api/logs/stream?batch_ms=1000&max_records=0"],
            "no filter, no records"
        );
        task.abort();
    }

    #[test]
    fn an_empty_interval_counts_zero_and_knows_no_latency() {
        let mut app = App::new("test", Theme::plain());
        let mut quiet = batch(0, Vec::new());
        quiet.errors = 0;
        quiet.latency_ms = Percentiles::default();
        quiet.ttft_ms = Percentiles::default();
        app.update(Event::Data(Data::Batch(quiet)));
        let now = app.overview.live.now.clone().unwrap_or_default();
        assert_eq!((now.count, now.error_rate, now.p50), (0.0, Some(0.0), None));
        assert_eq!(now.ttft, None);
    }

    #[tokio::test]
    async fn a_dropped_feed_is_said_and_reopened_keeping_the_view() {
        let source = Scripted::new(vec![
            Some(vec![
                Ok(batch(1, vec![json!({"id": "a"})])),
                Err("reset by peer".into()),
            ]),
            None,
            Some(vec![Ok(batch(1, vec![json!({"id": "b"})]))]),
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
            matches!(&dropped, Event::FeedDropped { feed: Feed::Tail, reason, retry_secs: 1 } if reason == "reset by peer"),
            "{dropped:?}"
        );
        app.update(dropped);
        assert!(app.logs.dropped.is_some());
        assert_eq!(app.logs.latest.len(), 2, "the view keeps what it had");
        // The second opening fails: the wait doubles.
        let again = next(&mut rx).await;
        assert!(
            matches!(again, Event::FeedDropped { retry_secs: 2, .. }),
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
        app.update(Event::Data(Data::Tail(vec![json!({"id": "new"})])));
        assert_eq!(app.logs.shown, Avail::Ready(vec![json!({"id": "old"})]));
        assert_eq!(app.logs.latest.len(), 2);
        app.update(Event::Key(crate::tui::event::Key::Char('p')));
        assert_eq!(
            app.logs.shown,
            Avail::Ready(vec![json!({"id": "new"}), json!({"id": "old"})])
        );
    }
}
