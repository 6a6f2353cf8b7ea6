//! Drop-in routes for other vendors' SDKs: each speaks its vendor's wire format at the
//! edge and the canonical (OpenAI) format inside, so any configured provider serves it
//! through the same pipeline as `/v1`.

pub mod anthropic;
pub mod bedrock;
pub mod cohere;
pub mod genai;
pub mod litellm;
pub mod responses;
