//! `POST /v1/audio/transcriptions`: a multipart form whose `model` field is resolved
//! like any other model and rewritten to the upstream's id. The form is parsed with
//! `multer` and encoded again part by part, each part keeping its own headers (name,
//! filename, content type) and bytes, so the audio file reaches the upstream intact.

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use http::{HeaderMap, HeaderValue, StatusCode};

use super::error::ApiError;
use super::passthrough::{missing_model, send};
use super::pipeline::{Ctx, Demand, Dialect};
use super::AppState;
use crate::hooks;
use crate::providers::{Endpoint, Forward};

/// One part of a form, as received.
struct Part {
    name: Option<String>,
    headers: HeaderMap,
    data: Bytes,
}

/// `POST /v1/audio/transcriptions`.
pub async fn transcriptions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let content_type = headers.get(http::header::CONTENT_TYPE).cloned();
    let mut ctx = Ctx::start(
        &state,
        Dialect::OPENAI,
        hooks::Endpoint::Transcription,
        headers,
    );
    let parts = match read_form(&mut ctx, content_type, body).await {
        Ok(parts) => parts,
        Err(done) => return done,
    };
    let model_at = parts
        .iter()
        .position(|p| p.name.as_deref() == Some("model"));
    let Some(mut model) = model_at.and_then(|i| {
        std::str::from_utf8(&parts[i].data)
            .ok()
            .map(|m| m.trim().to_string())
    }) else {
        return ctx.fail(missing_model("the form"));
    };
    let stream = parts
        .iter()
        .any(|p| p.name.as_deref() == Some("stream") && p.data.eq_ignore_ascii_case(b"true"));
    let size = parts.iter().map(|p| p.data.len()).sum();
    let plan = match ctx
        .prepare_model(&mut model, stream, || Demand::of_body(size, None))
        .await
    {
        Ok(plan) => plan,
        Err(done) => return done,
    };
    let upstream_model = Bytes::from(plan.primary().model.to_string());
    let (content_type, body) = encode(&parts, model_at, &upstream_model);
    let forward = Forward {
        content_type,
        ..Forward::json(Endpoint::AudioTranscriptions, body, stream)
    };
    // Audio has no translation: it falls over only to the same provider type and model.
    match send(ctx, &plan.same_type(), forward).await {
        Ok(response) => response,
        Err((mut ctx, e)) => ctx.forward_failed(&plan, e),
    }
}

fn bad_form(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_request_error", message).code("invalid_form")
}

/// Reads the body under the usual limits and splits it into parts; an error is the
/// finished response.
async fn read_form(
    ctx: &mut Ctx,
    content_type: Option<HeaderValue>,
    body: Body,
) -> Result<Vec<Part>, Response> {
    let content_type = content_type
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = match multer::parse_boundary(content_type) {
        Ok(b) => b,
        Err(e) => {
            return Err(ctx.fail(bad_form(format!(
                "send the audio as multipart/form-data with a boundary (content type was {}): {e}",
                crate::config::quote(content_type)
            ))))
        }
    };
    let bytes = ctx.read_bytes(body).await?;
    split_form(bytes, boundary).await.map_err(|e| ctx.fail(e))
}

/// The parts of a form.
async fn split_form(bytes: Bytes, boundary: String) -> Result<Vec<Part>, ApiError> {
    let source =
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut form = multer::Multipart::new(source, boundary);
    let mut parts = Vec::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| bad_form(format!("malformed form: {e}")))?
    {
        let name = field.name().map(str::to_string);
        let headers = field.headers().clone();
        let data = field
            .bytes()
            .await
            .map_err(|e| bad_form(format!("malformed form part: {e}")))?;
        parts.push(Part {
            name,
            headers,
            data,
        });
    }
    Ok(parts)
}

/// Encodes the parts as a new form, part `model_at` carrying `model` instead of its
/// own value. The boundary is fresh and checked against every part's bytes, since the
/// new model value could, in principle, contain the client's boundary.
fn encode(parts: &[Part], model_at: Option<usize>, model: &Bytes) -> (HeaderValue, Bytes) {
    let mut boundary = format!("bifrost-{}", uuid::Uuid::new_v4().simple());
    while parts.iter().any(|p| contains(&p.data, boundary.as_bytes())) {
        boundary = format!("bifrost-{}", uuid::Uuid::new_v4().simple());
    }
    let size: usize = parts.iter().map(|p| p.data.len() + 256).sum();
    let mut out = BytesMut::with_capacity(size + model.len());
    for (i, part) in parts.iter().enumerate() {
        out.put_slice(b"--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"\r\n");
        for (name, value) in &part.headers {
            out.put_slice(name.as_str().as_bytes());
            out.put_slice(b": ");
            out.put_slice(value.as_bytes());
            out.put_slice(b"\r\n");
        }
        out.put_slice(b"\r\n");
        out.put_slice(if Some(i) == model_at {
            model
        } else {
            &part.data
        });
        out.put_slice(b"\r\n");
    }
    out.put_slice(b"--");
    out.put_slice(boundary.as_bytes());
    out.put_slice(b"--\r\n");
    // The boundary is ASCII letters, digits and `-`, so the header value is valid.
    let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .unwrap_or_else(|_| HeaderValue::from_static("multipart/form-data"));
    (content_type, out.freeze())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_form_survives_the_round_trip_with_only_the_model_changed() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nup/whisper\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\x00\x01--Xy\r\n\
--XyZ--\r\n";
        let source = futures_util::stream::once(async move {
            Ok::<_, std::convert::Infallible>(Bytes::from(body))
        });
        let mut form = multer::Multipart::new(source, "XyZ");
        let mut parts = Vec::new();
        while let Some(f) = form.next_field().await.unwrap() {
            parts.push(Part {
                name: f.name().map(str::to_string),
                headers: f.headers().clone(),
                data: f.bytes().await.unwrap(),
            });
        }
        let (ct, out) = encode(&parts, Some(0), &Bytes::from_static(b"whisper-1"));
        let boundary = multer::parse_boundary(ct.to_str().unwrap()).unwrap();
        let source =
            futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(out) });
        let mut again = multer::Multipart::new(source, boundary);
        let model = again.next_field().await.unwrap().unwrap();
        assert_eq!(model.name(), Some("model"));
        assert_eq!(model.text().await.unwrap(), "whisper-1");
        let file = again.next_field().await.unwrap().unwrap();
        assert_eq!(file.headers(), &parts[1].headers);
        assert_eq!(
            file.content_type().map(|m| m.to_string()).as_deref(),
            Some("audio/wav")
        );
        assert_eq!(&file.bytes().await.unwrap()[..], b"RIFF\x00\x01--Xy");
        assert!(again.next_field().await.unwrap().is_none());
    }
}
