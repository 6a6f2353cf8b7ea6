//! `[client.compat] convert_text_to_chat`: legacy `/v1/completions` served by chat on
//! providers whose adapter refuses legacy completions (Anthropic and the other
//! chat-only APIs). The prompt becomes one user message; the chat answer, whole or
//! streamed, comes back in the `text_completion` shape.

use futures_util::StreamExt;
use http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use super::error::ApiError;
use super::pipeline::{dispatch_chat, dispatch_chat_stream, Ctx, PlainWatch, Targets};
use super::stream::OpenAiSse;
use crate::providers::{ProviderError, Reply};
use crate::routing::{DispatchError, Plan};
use crate::schema::{Answer, ChatChunk, ChatRequest, ChatResponse, CompletionRequest, Message};

/// Completion-only parameters chat does not take (`logprobs` is a number here and a
/// flag there), dropped rather than sent to fail upstream.
const COMPLETION_ONLY: [&str; 4] = ["echo", "best_of", "suffix", "logprobs"];

/// Whether a failed completion should be retried as chat: the switch is on and the
/// adapter refused the operation itself (nothing was sent upstream).
pub(super) fn falls_back<T>(ctx: &Ctx, result: &Result<T, DispatchError>) -> bool {
    ctx.state.compat().convert_text_to_chat
        && matches!(
            result,
            Err(DispatchError::Failed {
                error: ProviderError::Unsupported(_),
                ..
            })
        )
}

/// Serves `req` through chat along `plan`, in the completion shape.
pub(super) async fn complete(
    mut ctx: Ctx,
    plan: &Plan,
    req: &CompletionRequest,
) -> axum::response::Response {
    let Some(chat) = to_chat(req) else {
        return ctx.fail(one_prompt_only());
    };
    // Through the chat dispatch, so `should_drop_params` applies here too.
    let targets = Targets::single(plan, &chat);
    if chat.is_stream() {
        let result = dispatch_chat_stream(&ctx, &targets).await;
        if result.is_ok() {
            ctx.keep_prompt(chat);
        }
        let result = result.map(|d| {
            d.map(|reply| Reply {
                body: reply.body.map(|c| c.map(chunk)).boxed(),
                headers: reply.headers,
            })
        });
        return ctx.stream(plan, result, PlainWatch::new, OpenAiSse);
    }
    let result = match dispatch_chat(&ctx, &targets).await {
        Ok(d) if !d.value.body.reports_usage() => {
            ctx.keep_prompt(chat);
            Ok(d)
        }
        other => other,
    };
    let result = match result {
        Ok(d) => match d.value.body.clone().into_typed() {
            Ok(answer) => Ok(d.map(|reply| Reply {
                body: Answer::Typed(response(answer)),
                headers: reply.headers,
            })),
            Err(e) => {
                return ctx.fail(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "upstream_error",
                    format!("the chat answer could not be read as a completion: {e}"),
                ))
            }
        },
        Err(e) => Err(e),
    };
    ctx.answer(plan, result)
}

/// The chat request for a completion: one prompt becomes one user message. `None`
/// when the prompt is not one string (several prompts or token arrays).
fn to_chat(req: &CompletionRequest) -> Option<ChatRequest> {
    let prompt = match &req.prompt {
        Value::String(s) => s.clone(),
        Value::Array(items) if items.len() == 1 => items[0].as_str()?.to_string(),
        _ => return None,
    };
    let mut extra = req.extra.clone();
    for name in COMPLETION_ONLY {
        extra.remove(name);
    }
    Some(ChatRequest {
        model: req.model.clone(),
        messages: vec![Message {
            role: "user".to_string(),
            content: Some(Value::String(prompt)),
            extra: Default::default(),
        }],
        stream: req.stream,
        stream_options: req.stream_options.clone(),
        extra,
        vendor_headers: HeaderMap::new(),
    })
}

fn one_prompt_only() -> ApiError {
    let mut e = ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        "client.compat.convert_text_to_chat serves one text prompt per request; send `prompt` as a string",
    )
    .code("invalid_field");
    e.param = Some("prompt".into());
    e
}

fn response(chat: ChatResponse) -> Value {
    let choices: Vec<Value> = chat
        .choices
        .iter()
        .map(|c| {
            json!({"text": c.message.text(), "index": c.index, "logprobs": null, "finish_reason": c.finish_reason})
        })
        .collect();
    json!({
        "id": chat.id,
        "object": "text_completion",
        "created": chat.created,
        "model": chat.model,
        "choices": choices,
        "usage": chat.usage,
    })
}

fn chunk(chunk: ChatChunk) -> Value {
    let choices: Vec<Value> = chunk
        .choices
        .iter()
        .map(|c| {
            let text = c.delta.get("content").and_then(Value::as_str).unwrap_or("");
            json!({"text": text, "index": c.index, "logprobs": null, "finish_reason": c.finish_reason})
        })
        .collect();
    let mut out = json!({
        "id": chunk.id,
        "object": "text_completion",
        "created": chunk.created,
        "model": chunk.model,
        "choices": choices,
    });
    if let Some(usage) = chunk.usage {
        out["usage"] = json!(usage);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_becomes_one_user_message_without_completion_only_fields() {
        let req: CompletionRequest = serde_json::from_value(
            json!({"model": "m", "prompt": ["hi"], "echo": true, "logprobs": 2, "max_tokens": 5}),
        )
        .unwrap();
        let chat = to_chat(&req).unwrap();
        assert_eq!(chat.messages[0].role, "user");
        assert_eq!(chat.messages[0].text(), "hi");
        assert_eq!(chat.extra.get("max_tokens"), Some(&json!(5)));
        assert!(!chat.extra.contains_key("echo") && !chat.extra.contains_key("logprobs"));
        let two: CompletionRequest =
            serde_json::from_value(json!({"model": "m", "prompt": ["a", "b"]})).unwrap();
        assert!(to_chat(&two).is_none());
    }
}
