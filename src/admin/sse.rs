//! The server-sent-events framing of `GET /api/logs/stream`, shared by every client of
//! the live log feed (`bifrost logs --follow`, `bifrost top`) so they parse it alike.

/// Server-sent events split out of a byte stream that may break anywhere (mid-line,
/// mid-UTF-8): `(event name, data)` per complete event.
#[derive(Default)]
pub struct Events {
    pending: Vec<u8>,
}

impl Events {
    /// Feeds `bytes`; returns the events they completed.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<(String, String)> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(end) = self.pending.windows(2).position(|w| w == b"\n\n") {
            let raw: Vec<u8> = self.pending.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&raw);
            let mut event = "message".to_string();
            let mut data: Vec<&str> = Vec::new();
            for l in text.lines() {
                if let Some(name) = l.strip_prefix("event:") {
                    event = name.trim().to_string();
                } else if let Some(d) = l.strip_prefix("data:") {
                    data.push(d.strip_prefix(' ').unwrap_or(d));
                }
            }
            if !data.is_empty() {
                out.push((event, data.join("\n")));
            }
        }
        out
    }
}

/// The events of an open SSE response as they arrive; an `Err` says why the
/// connection broke, and the stream ends when the server closes it.
pub fn events(
    mut body: hyper::body::Incoming,
) -> impl futures_util::Stream<Item = Result<(String, String), String>> + Send {
    use http_body_util::BodyExt;
    async_stream::stream! {
        let mut parser = Events::default();
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        for event in parser.push(&data) {
                            yield Ok(event);
                        }
                    }
                }
                Err(e) => {
                    yield Err(e.to_string());
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_any_split() {
        let feed = ": ready\n\nevent: log\ndata: {\"id\":\"é\"}\n\nevent: lagged\ndata: 3\n\n";
        let bytes = feed.as_bytes();
        for cut in 0..bytes.len() {
            let mut e = Events::default();
            let mut got = e.push(&bytes[..cut]);
            got.extend(e.push(&bytes[cut..]));
            assert_eq!(
                got,
                [
                    ("log".to_string(), "{\"id\":\"é\"}".to_string()),
                    ("lagged".to_string(), "3".to_string())
                ],
                "cut at {cut}"
            );
        }
    }
}
