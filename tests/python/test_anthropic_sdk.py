"""The official Anthropic Python SDK, pointed at bifrost's Anthropic drop-in route.

Environment (set by tests/it/anthropic_sdk.rs, which starts the gateway and a mock
OpenAI-format upstream behind provider `up`):
  BIFROST_ANTHROPIC_BASE_URL  e.g. http://127.0.0.1:PORT/anthropic

The mock answers by model: `up/chat` with "Hello from the gateway" (streamed in three
chunks when asked), `up/tools` with a get_weather tool call (or, once the conversation
holds the tool's result, with text that quotes it), `up/limited` with a 429.
`nope/nothing` is unroutable.
"""

import os

import anthropic
import pytest

BASE_URL = os.environ.get("BIFROST_ANTHROPIC_BASE_URL", "http://127.0.0.1:8080/anthropic")

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


@pytest.fixture
def client():
    c = anthropic.Anthropic(
        base_url=BASE_URL,
        api_key="sk-ant-client-test",
        max_retries=0,
        timeout=30.0,
    )
    yield c
    c.close()


def test_messages_create(client):
    msg = client.messages.create(
        model="up/chat",
        max_tokens=64,
        system="be brief",
        messages=[{"role": "user", "content": "hello"}],
    )
    assert msg.type == "message"
    assert msg.role == "assistant"
    assert msg.model == "up/chat"
    assert msg.id.startswith("msg_")
    assert msg.stop_reason == "end_turn"
    assert [b.type for b in msg.content] == ["text"]
    assert msg.content[0].text == "Hello from the gateway"
    assert msg.usage.input_tokens == 10
    assert msg.usage.output_tokens == 4


def test_messages_stream(client):
    with client.messages.stream(
        model="up/chat",
        max_tokens=64,
        messages=[{"role": "user", "content": "hello"}],
    ) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert len(pieces) == 3
    assert "".join(pieces) == "Hello from the gateway"
    assert final.content[0].text == "Hello from the gateway"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == 4
    assert final.usage.input_tokens == 10


def test_tool_use_round_trip(client):
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    first = client.messages.create(
        model="up/tools", max_tokens=100, tools=[WEATHER_TOOL], messages=messages
    )
    assert first.stop_reason == "tool_use"
    calls = [b for b in first.content if b.type == "tool_use"]
    assert len(calls) == 1
    assert calls[0].name == "get_weather"
    assert calls[0].input == {"city": "Paris"}

    messages.append({"role": "assistant", "content": first.content})
    messages.append(
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": calls[0].id, "content": "22C and sunny"}
            ],
        }
    )
    second = client.messages.create(
        model="up/tools", max_tokens=100, tools=[WEATHER_TOOL], messages=messages
    )
    assert second.stop_reason == "end_turn"
    assert second.content[0].text == "It is 22C and sunny in Paris"


def test_unknown_model_is_not_found(client):
    with pytest.raises(anthropic.NotFoundError) as err:
        client.messages.create(
            model="nope/nothing", max_tokens=8, messages=[{"role": "user", "content": "x"}]
        )
    assert err.value.status_code == 404
    assert err.value.body["error"]["type"] == "not_found_error"


def test_invalid_request_is_a_bad_request(client):
    with pytest.raises(anthropic.BadRequestError) as err:
        client.messages.create(
            model="up/chat", max_tokens=8, messages=[{"role": "robot", "content": "x"}]
        )
    assert err.value.body["error"]["type"] == "invalid_request_error"


def test_upstream_rate_limit_is_a_rate_limit_error(client):
    with pytest.raises(anthropic.RateLimitError) as err:
        client.messages.create(
            model="up/limited", max_tokens=8, messages=[{"role": "user", "content": "x"}]
        )
    assert err.value.status_code == 429
    assert err.value.body["error"]["type"] == "rate_limit_error"


def test_count_tokens_and_models(client):
    count = client.messages.count_tokens(
        model="up/chat", messages=[{"role": "user", "content": "x" * 400}]
    )
    assert count.input_tokens == 100
    ids = [m.id for m in client.models.list()]
    assert "up/chat" in ids
