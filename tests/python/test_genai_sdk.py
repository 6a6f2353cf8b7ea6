"""The official google-genai Python SDK, pointed at a running bifrost gateway's /genai.

Environment (set by tests/it/genai_route.rs, which starts the gateway and an
OpenAI-format mock upstream):
  BIFROST_GENAI_URL  e.g. http://127.0.0.1:PORT/genai
  BIFROST_MODEL      a chat model routed to the mock upstream, e.g. up/gpt-4o.
                     The upstream answers a request that offers tools with a
                     get_weather call, a request carrying the tool's result with
                     "It is 21C in Paris.", anything else with "hello from upstream".
  BIFROST_LIMITED    a model whose upstream answers 429.
  BIFROST_EMBED      an embedding model.

The SDK must see Gemini's wire format both ways, raise its own ClientError with
Google's status names, and never notice it is not talking to Google.
"""

import os

import pytest
from google import genai
from google.genai import errors, types

URL = os.environ.get("BIFROST_GENAI_URL", "http://127.0.0.1:8080/genai")
MODEL = os.environ.get("BIFROST_MODEL", "up/gpt-4o")
LIMITED = os.environ.get("BIFROST_LIMITED", "up/rate-limited")
EMBED = os.environ.get("BIFROST_EMBED", "up/text-embedding-3-small")

WEATHER = types.Tool(
    function_declarations=[
        types.FunctionDeclaration(
            name="get_weather",
            description="Current weather in a city",
            parameters={"type": "OBJECT", "properties": {"city": {"type": "STRING"}}, "required": ["city"]},
        )
    ]
)


@pytest.fixture(params=["v1beta", "v1"])
def client(request):
    # Newer SDKs call /v1, older ones /v1beta; the gateway serves both.
    return genai.Client(
        api_key="client-credential-not-forwarded",
        http_options=types.HttpOptions(base_url=URL, api_version=request.param),
    )


def test_generate_content(client):
    r = client.models.generate_content(
        model=MODEL,
        contents="Say hello",
        config=types.GenerateContentConfig(system_instruction="Be brief", temperature=0.2, max_output_tokens=50),
    )
    assert r.text == "hello from upstream"
    assert r.candidates[0].finish_reason == types.FinishReason.STOP
    assert r.usage_metadata.total_token_count > 0


def test_stream(client):
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="Say hello"))
    assert len(chunks) >= 2, "the answer arrives in several events"
    assert "".join(c.text or "" for c in chunks) == "hello from upstream"
    assert chunks[-1].usage_metadata.total_token_count > 0


def test_tool_call_round_trip(client):
    config = types.GenerateContentConfig(tools=[WEATHER])
    first = client.models.generate_content(model=MODEL, contents="Weather in Paris?", config=config)
    calls = first.function_calls
    assert calls and calls[0].name == "get_weather"
    assert calls[0].args == {"city": "Paris"}
    history = [
        types.Content(role="user", parts=[types.Part(text="Weather in Paris?")]),
        first.candidates[0].content,
        types.Content(
            role="user",
            parts=[types.Part.from_function_response(name="get_weather", response={"temp_c": 21})],
        ),
    ]
    second = client.models.generate_content(model=MODEL, contents=history, config=config)
    assert second.text == "It is 21C in Paris."


def test_unknown_model_is_a_not_found_error(client):
    with pytest.raises(errors.ClientError) as e:
        client.models.generate_content(model="nope/nothing", contents="hi")
    assert e.value.code == 404
    assert e.value.status == "NOT_FOUND"
    assert "nope/nothing" in e.value.message


def test_untranslatable_request_is_invalid_argument(client):
    with pytest.raises(errors.ClientError) as e:
        client.models.generate_content(
            model=MODEL,
            contents="hi",
            config=types.GenerateContentConfig(tools=[types.Tool(google_search=types.GoogleSearch())]),
        )
    assert e.value.code == 400
    assert e.value.status == "INVALID_ARGUMENT"


def test_upstream_rate_limit_is_resource_exhausted(client):
    with pytest.raises(errors.ClientError) as e:
        client.models.generate_content(model=LIMITED, contents="hi")
    assert e.value.code == 429
    assert e.value.status == "RESOURCE_EXHAUSTED"


def test_embed_content(client):
    r = client.models.embed_content(model=EMBED, contents=["one", "two"])
    assert len(r.embeddings) == 2
    assert len(r.embeddings[0].values) > 0


def test_count_tokens(client):
    r = client.models.count_tokens(model=MODEL, contents="How many tokens is this?")
    assert r.total_tokens > 0
