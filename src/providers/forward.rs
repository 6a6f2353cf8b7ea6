//! Endpoints that bifrost forwards without translating the body: OpenAI's (Responses,
//! images, audio, moderations), which only upstreams that speak the OpenAI format
//! offer, and the chat formats of Anthropic (Messages), Cohere (v2 chat) and Gemini
//! (generateContent) for a route whose dialect is the upstream's own. Every other
//! adapter answers with [`ProviderError::Unsupported`].

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde_json::value::RawValue;

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
    /// Anthropic's `POST /v1/messages`, forwarded as the client sent it.
    Messages,
    /// Cohere's `POST /v2/chat`, forwarded as the client sent it.
    CohereChat,
    /// Gemini's `models/{model}:generateContent` (`:streamGenerateContent` when the
    /// forward streams), the body forwarded as the client sent it; the adapter builds
    /// the URL from the resolved model.
    GenerateContent,
    /// Bedrock's `model/{modelId}/converse` (`/converse-stream` when the forward
    /// streams), the body forwarded as the client sent it; the adapter builds the URL
    /// from the resolved model and signs the exact bytes.
    Converse,
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
            Endpoint::Messages => "messages",
            Endpoint::CohereChat => "chat",
            Endpoint::GenerateContent => "generateContent",
            Endpoint::Converse => "converse",
        }
    }

    /// Whether this is one of OpenAI's endpoints (which OpenAI-format adapters serve),
    /// rather than another vendor's chat format forwarded to that vendor's adapter.
    pub fn is_openai(self) -> bool {
        !matches!(
            self,
            Endpoint::Messages
                | Endpoint::CohereChat
                | Endpoint::GenerateContent
                | Endpoint::Converse
        )
    }

    /// The error for an adapter that does not offer this endpoint.
    pub fn unsupported(self) -> ProviderError {
        let only = match self {
            Endpoint::Messages => Some("only anthropic providers take Anthropic Messages"),
            Endpoint::CohereChat => Some("only cohere providers take Cohere v2 chat"),
            Endpoint::GenerateContent => Some("only gemini providers take generateContent"),
            Endpoint::Converse => Some("only bedrock providers take Bedrock Converse"),
            _ => None,
        };
        if let Some(only) = only {
            return ProviderError::Unsupported(format!("{only} requests as they are"));
        }
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
    /// Headers the client addressed to the vendor (`anthropic-beta`, `openai-beta`),
    /// from the route's allow-list: passed on because the route's dialect is the
    /// upstream's own.
    pub vendor_headers: HeaderMap,
    /// Query parameters passed on likewise (Anthropic's `beta=true`), already
    /// allow-listed and encoded by the route; never the raw client query.
    pub query: Option<String>,
}

impl Forward {
    /// A JSON body to forward, with no vendor headers or query.
    pub fn json(endpoint: Endpoint, body: Bytes, stream: bool) -> Forward {
        Forward {
            endpoint,
            content_type: HeaderValue::from_static("application/json"),
            body,
            stream,
            vendor_headers: HeaderMap::new(),
            query: None,
        }
    }
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

/// A forwarded JSON body whose members stay the client's own bytes: bifrost changes
/// `model` and nothing else, so fields it does not know reach the upstream untouched
/// (no float reformatting, no reordering).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct JsonBody {
    members: indexmap::IndexMap<String, Box<RawValue>>,
}

impl JsonBody {
    /// Member `name` decoded as `T`; `None` when absent or of another type.
    pub fn get<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        serde_json::from_str(self.members.get(name)?.get()).ok()
    }

    /// The body's size in bytes, as the client sent its members.
    pub fn size(&self) -> usize {
        self.members
            .iter()
            .map(|(k, v)| k.len() + v.get().len() + 4)
            .sum()
    }

    /// Removes member `name`, decoded as JSON: for the gateway's own members
    /// (`fallbacks`) that an upstream must never see.
    pub fn take(&mut self, name: &str) -> Option<serde_json::Value> {
        let raw = self.members.shift_remove(name)?;
        serde_json::from_str(raw.get()).ok()
    }

    /// Whether member `name` is present (whatever its type).
    pub fn has(&self, name: &str) -> bool {
        self.members.contains_key(name)
    }

    /// Sets member `name` to the string `value`, in place if it exists.
    pub fn set_str(&mut self, name: &str, value: &str) -> Result<(), ProviderError> {
        let raw = serde_json::to_string(value)
            .and_then(RawValue::from_string)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode `{name}`: {e}")))?;
        match self.members.get_mut(name) {
            Some(slot) => *slot = raw,
            None => {
                self.members.insert(name.to_string(), raw);
            }
        }
        Ok(())
    }

    /// The body to send.
    pub fn to_bytes(&self) -> Result<Bytes, ProviderError> {
        serde_json::to_vec(self)
            .map(Bytes::from)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode the body: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_model_changes() {
        let text =
            r#"{"model":"up/m","input":[{"x":1.50}],"unknown":{"deep":[1e5, null]},"stream":true}"#;
        let mut body: JsonBody = serde_json::from_str(text).unwrap();
        assert_eq!(body.get::<bool>("stream"), Some(true));
        assert_eq!(body.get::<String>("model").as_deref(), Some("up/m"));
        body.set_str("model", "m\"2").unwrap();
        let out = String::from_utf8(body.to_bytes().unwrap().to_vec()).unwrap();
        assert_eq!(
            out,
            r#"{"model":"m\"2","input":[{"x":1.50}],"unknown":{"deep":[1e5, null]},"stream":true}"#
        );
    }
}
