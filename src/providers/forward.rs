//! OpenAI endpoints that bifrost forwards without translating the body (Responses,
//! images, audio, moderations): only upstreams that speak the OpenAI format offer them,
//! and every other adapter answers with [`ProviderError::Unsupported`].

use bytes::Bytes;
use http::HeaderValue;

use super::{ItemStream, ProviderError};

/// An OpenAI endpoint forwarded as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v1/responses`.
    Responses,
    /// `POST /v1/images/generations`.
    ImageGenerations,
    /// `POST /v1/audio/speech` (answers audio bytes).
    AudioSpeech,
    /// `POST /v1/audio/transcriptions` (multipart in).
    AudioTranscriptions,
    /// `POST /v1/moderations`.
    Moderations,
}

impl Endpoint {
    /// The path below the provider's base URL.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Responses => "responses",
            Endpoint::ImageGenerations => "images/generations",
            Endpoint::AudioSpeech => "audio/speech",
            Endpoint::AudioTranscriptions => "audio/transcriptions",
            Endpoint::Moderations => "moderations",
        }
    }

    /// The error for an adapter that does not offer this endpoint.
    pub fn unsupported(self) -> ProviderError {
        ProviderError::Unsupported(format!(
            "this provider type does not offer /v1/{}; route the request to an OpenAI-format provider (openai, azure or an OpenAI-compatible preset)",
            self.path()
        ))
    }
}

/// A request to forward; the body already names the upstream's model.
#[derive(Debug, Clone)]
pub struct Forward {
    /// Which endpoint.
    pub endpoint: Endpoint,
    /// `application/json`, or `multipart/form-data; boundary=...` for transcriptions.
    pub content_type: HeaderValue,
    /// The body as the upstream should see it.
    pub body: Bytes,
    /// The client asked for a stream (SSE) answer.
    pub stream: bool,
}

/// The upstream's successful answer, passed back as it came.
pub enum Forwarded {
    /// A whole body (JSON, or audio for speech).
    Body {
        /// The upstream's content type.
        content_type: HeaderValue,
        /// The body.
        body: Bytes,
    },
    /// A stream of raw bytes (SSE for Responses, chunked audio for speech).
    Stream {
        /// The upstream's content type.
        content_type: HeaderValue,
        /// The bytes as they arrive; an `Err` ends it.
        stream: ItemStream<Bytes>,
    },
}
