//! A stream counts as served only once its first item arrived: an upstream that
//! answers 200 and then fails before any content (a reset, an error event, a first
//! chunk past its timeout) is a failed attempt, so the next key, retry or fallback can
//! take over while the client has seen nothing. After the first item, a failure ends
//! the client's stream with an error event instead.

use futures_util::StreamExt;

use crate::providers::{ItemStream, ProviderError, Reply};

/// `reply` once its first item is in hand (put back in front), or the error that
/// came first.
pub async fn started<T: Send + 'static>(
    reply: Reply<ItemStream<T>>,
) -> Result<Reply<ItemStream<T>>, ProviderError> {
    let Reply { mut body, headers } = reply;
    match body.next().await {
        Some(Err(e)) => Err(e),
        Some(Ok(first)) => Ok(Reply {
            body: Box::pin(futures_util::stream::once(async move { Ok(first) }).chain(body)),
            headers,
        }),
        None => Ok(Reply {
            body: Box::pin(futures_util::stream::empty()),
            headers,
        }),
    }
}
