"""The official OpenAI Python SDK, pointed at a running bifrost gateway.

Environment (set by the Rust integration test that starts the gateway):
  BIFROST_BASE_URL    e.g. http://127.0.0.1:PORT/v1
  BIFROST_MOCK_MODEL  e.g. mock/demo-model, served by the built-in mock provider,
                      which answers chat with "mock reply: <last user message>",
                      streams the same text in several chunks with usage, and
                      answers embeddings with 16-dim vectors, one per input.

The gateway's config must leave `nope/nothing` unroutable: a keyless mock
provider catches every model, so give it a key that lists its models, e.g.

  [providers.mock]
  type = "mock"
  [[providers.mock.keys]]
  name = "k"
  value = "unused"
  models = ["demo-model"]

Every test runs against the three base URLs the gateway accepts: /v1,
/openai/v1 and /openai.
"""

import os

import openai
import pytest

BASE_URL = os.environ.get("BIFROST_BASE_URL", "http://127.0.0.1:8080/v1").rstrip("/")
MODEL = os.environ.get("BIFROST_MOCK_MODEL", "mock/demo-model")
ROOT = BASE_URL[: -len("/v1")] if BASE_URL.endswith("/v1") else BASE_URL

BASES = {
    "v1": ROOT + "/v1",
    "openai-v1": ROOT + "/openai/v1",
    "openai": ROOT + "/openai",
}


@pytest.fixture(params=sorted(BASES), ids=lambda name: name)
def client(request):
    c = openai.OpenAI(
        base_url=BASES[request.param],
        api_key="sk-test",
        max_retries=0,
        timeout=30.0,
    )
    yield c
    c.close()


def test_chat_non_stream(client):
    resp = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "hello gateway"},
        ],
    )
    assert resp.object == "chat.completion"
    assert len(resp.choices) == 1
    content = resp.choices[0].message.content
    assert content.startswith("mock reply:"), content
    assert "hello gateway" in content
    assert resp.choices[0].message.role == "assistant"
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage is not None
    assert resp.usage.prompt_tokens > 0
    assert resp.usage.completion_tokens > 0
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens


def _non_stream_content(client, text):
    resp = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": text}])
    return resp.choices[0].message.content


def test_chat_stream_matches_non_stream(client):
    text = "stream this please"
    expected = _non_stream_content(client, text)

    parts = []
    chunks = 0
    stream = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": text}],
        stream=True,
    )
    for chunk in stream:
        chunks += 1
        assert chunk.object == "chat.completion.chunk"
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    assert "".join(parts) == expected
    assert len(parts) > 1, "the mock provider streams its reply in several chunks"


def test_chat_stream_include_usage(client):
    text = "count my tokens"
    stream = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": text}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert chunks, "no chunks"
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert content.startswith("mock reply:"), content
    last = chunks[-1]
    assert last.usage is not None, f"last chunk has no usage: {last}"
    assert last.usage.prompt_tokens > 0
    assert last.usage.completion_tokens > 0
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens


@pytest.mark.parametrize("encoding_format", [None, "float"])
def test_embeddings(client, encoding_format):
    kwargs = {} if encoding_format is None else {"encoding_format": encoding_format}
    resp = client.embeddings.create(model=MODEL, input=["first text", "second text"], **kwargs)
    assert len(resp.data) == 2
    assert [d.index for d in resp.data] == [0, 1]
    for d in resp.data:
        assert len(d.embedding) == 16
        assert all(isinstance(x, float) for x in d.embedding)
    # Deterministic: the same request embeds the same way.
    again = client.embeddings.create(model=MODEL, input=["first text", "second text"], **kwargs)
    assert [d.embedding for d in again.data] == [d.embedding for d in resp.data]


def test_models_list_contains_mock_model(client):
    ids = [m.id for m in client.models.list()]
    assert MODEL in ids, f"{MODEL!r} not in {ids}"


def test_unknown_model_is_not_found(client):
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(
            model="nope/nothing",
            messages=[{"role": "user", "content": "hi"}],
        )
    err = info.value
    assert err.status_code == 404
    # The message names the providers that are configured.
    assert "mock" in str(err), str(err)


def test_malformed_request_raw_post(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.post(
            "/chat/completions",
            cast_to=object,
            body={"model": MODEL, "messages": "not a list"},
        )
    assert info.value.status_code == 400


def test_malformed_request_via_create(client):
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=MODEL, messages="x")
