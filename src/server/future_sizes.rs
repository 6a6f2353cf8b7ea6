//! Size limits on the per-request futures of the busiest routes. A handler's future
//! lives in the connection task and is moved on every poll that crosses a boxed
//! boundary; issue 13's profile found about 12k instructions per request spent copying
//! a ~6 KiB handler future. A change that makes one of these futures larger fails here,
//! so it is seen and, where it matters, boxed behind the rare path that grew it.
//!
//! The sizes are read from the handlers' types alone (no state is built, nothing
//! runs). The limits are about 10% above the sizes of a debug build (the one the test
//! suite runs; a release build's futures are smaller). Boxing the request's outcome
//! report in `Ctx` took `/v1/chat/completions` from 13,008 to 7,128 bytes.

use std::future::Future;

use super::integrations::{anthropic, cohere};
use super::{openai, passthrough, rerank};

/// The size of the future `handler` returns.
fn future_size<A, B, C, F: Future>(_: impl Fn(A, B, C) -> F) -> usize {
    std::mem::size_of::<F>()
}

/// [`future_size`] for a handler of four arguments.
fn future_size4<A, B, C, D, F: Future>(_: impl Fn(A, B, C, D) -> F) -> usize {
    std::mem::size_of::<F>()
}

#[test]
fn request_futures_stay_small() {
    let sizes = [
        ("/v1/chat/completions", future_size(openai::chat), 7_800),
        ("/v1/completions", future_size(openai::completions), 5_800),
        ("/v1/embeddings", future_size(openai::embeddings), 2_600),
        ("/v1/responses", future_size(passthrough::responses), 8_200),
        (
            "/v1/images/generations",
            future_size(passthrough::images),
            5_000,
        ),
        ("/v1/rerank", future_size(rerank::rerank), 2_600),
        (
            "/anthropic/v1/messages",
            future_size4(anthropic::messages),
            9_700,
        ),
        ("/cohere/v2/chat", future_size(cohere::chat), 8_000),
    ];
    let over: Vec<_> = sizes.iter().filter(|(_, s, l)| s > l).collect();
    assert!(over.is_empty(), "futures over their limit: {over:?}");
}
