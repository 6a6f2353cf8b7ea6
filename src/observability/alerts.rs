//! Budget alerts to `[governance] alert_webhook_url`: each crossed threshold is POSTed
//! as JSON by one background task, never by a request. The queue is bounded (a burst
//! of alerts past it is counted and logged, not buffered without end) and a delivery
//! that fails is retried with exponential backoff before it is given up, with a log
//! line either way.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use tokio::sync::mpsc;

use crate::config::NetworkConfig;
use crate::governance::Alert;
use crate::hooks::Background;
use crate::providers::http::Transport;

/// Alerts waiting for delivery; past it new ones are dropped (and counted).
const QUEUE: usize = 256;

/// Deliveries tried per alert.
const ATTEMPTS: u32 = 5;

/// The wait before the first retry; each later one doubles it.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// One delivery's time limit: a slow receiver delays the next alert, never a request.
const TIMEOUT_SECS: u64 = 10;

/// Where alerts go: a handle on the delivery task's queue.
pub struct AlertSink {
    queue: mpsc::Sender<Alert>,
    dropped: Arc<AtomicU64>,
}

impl AlertSink {
    /// Starts delivering to `url` on a task tracked by `background`, which ends once
    /// shutdown begins and the queue is empty.
    pub fn start(url: String, background: &Background) -> AlertSink {
        let (queue, mut alerts) = mpsc::channel::<Alert>(QUEUE);
        let transport = Transport::new(&NetworkConfig {
            first_byte_timeout_secs: TIMEOUT_SECS,
            total_timeout_secs: TIMEOUT_SECS,
            ..NetworkConfig::default()
        });
        let stop = background.clone();
        background.spawn(async move {
            loop {
                tokio::select! {
                    alert = alerts.recv() => match alert {
                        Some(alert) => deliver(&transport, &url, &alert, ATTEMPTS).await,
                        None => break,
                    },
                    () = stop.stopping() => {
                        // Shutting down: what is queued gets one try each.
                        while let Ok(alert) = alerts.try_recv() {
                            deliver(&transport, &url, &alert, 1).await;
                        }
                        break;
                    }
                }
            }
        });
        AlertSink {
            queue,
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Queues `alert` for delivery without waiting.
    pub fn send(&self, alert: Alert) {
        if self.queue.try_send(alert).is_err() {
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::warn!(
                dropped,
                "alert webhook queue full or closed; budget alert not delivered (it was logged)"
            );
        }
    }
}

/// POSTs one alert, retrying failures (no answer, a non-2xx status) with backoff.
async fn deliver(transport: &Transport, url: &str, alert: &Alert, attempts: u32) {
    let body = Bytes::from(alert.payload().to_string());
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=attempts {
        match transport
            .post_json(url, HeaderMap::new(), body.clone())
            .await
        {
            Ok(_) => {
                tracing::debug!(
                    level = alert.level.kind(),
                    name = alert.level.name(),
                    "budget alert delivered"
                );
                return;
            }
            Err(e) if attempt < attempts => {
                tracing::debug!(attempt, error = %e, "budget alert delivery failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
            Err(e) => {
                tracing::warn!(level = alert.level.kind(), name = alert.level.name(), error = %e, "budget alert not delivered to the alert webhook");
            }
        }
    }
}
