"""The official OpenAI Python SDK's Responses API (`client.responses.create` and
`client.responses.stream`) against providers that have no Responses API of their
own: the gateway translates to their chat APIs and back.

Environment (set by tests/it/responses_sdk.rs, which starts the gateway):
  BIFROST_BASE_URL  e.g. http://127.0.0.1:PORT/v1
  BIFROST_MODELS    comma-separated `provider/model` ids, one per provider type
                    (Anthropic, Gemini, Bedrock mocks). Each mock answers
                    "Hello from the gateway" (streamed in pieces), calls
                    get_weather({"city": "Paris"}) when tools are offered, and
                    answers "It is {tool output} in Paris" once the output comes back.
"""

import json
import os

import openai
import pytest

BASE_URL = os.environ.get("BIFROST_BASE_URL", "http://127.0.0.1:8080/v1")
MODELS = [m for m in os.environ.get("BIFROST_MODELS", "").split(",") if m]
HELLO = "Hello from the gateway"

TOOLS = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
        "strict": True,
    }
]


@pytest.fixture
def client():
    c = openai.OpenAI(base_url=BASE_URL, api_key="sk-test", max_retries=0, timeout=30.0)
    yield c
    c.close()


@pytest.mark.parametrize("model", MODELS)
def test_create_text(client, model):
    resp = client.responses.create(model=model, input="Say hello", instructions="Be brief.")
    assert resp.object == "response"
    assert resp.status == "completed"
    assert resp.output_text == HELLO
    assert resp.usage.input_tokens == 20
    assert resp.usage.output_tokens == 5
    assert resp.usage.total_tokens == 25


@pytest.mark.parametrize("model", MODELS)
def test_stream_text(client, model):
    deltas = []
    with client.responses.stream(model=model, input="Say hello") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
        final = stream.get_final_response()
    assert "".join(deltas) == HELLO
    assert len(deltas) > 1
    assert final.status == "completed"
    assert final.output_text == HELLO
    assert final.usage.output_tokens == 5


def _round_trip(client, model, first):
    """Asks with tools, checks the call `first` returns, sends the output back."""
    ask = {"role": "user", "content": "What is the weather in Paris?"}
    calls = [item for item in first([ask]) if item.type == "function_call"]
    assert len(calls) == 1, calls
    call = calls[0]
    assert call.name == "get_weather"
    assert json.loads(call.arguments) == {"city": "Paris"}
    assert call.call_id
    follow = [
        ask,
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": "21C"},
    ]
    return follow


@pytest.mark.parametrize("model", MODELS)
def test_create_function_call_round_trip(client, model):
    follow = _round_trip(
        client, model, lambda input: client.responses.create(model=model, input=input, tools=TOOLS).output
    )
    resp = client.responses.create(model=model, input=follow, tools=TOOLS)
    assert resp.output_text == "It is 21C in Paris"


@pytest.mark.parametrize("model", MODELS)
def test_stream_function_call_round_trip(client, model):
    def streamed(input):
        arg_deltas = []
        with client.responses.stream(model=model, input=input, tools=TOOLS) as stream:
            for event in stream:
                if event.type == "response.function_call_arguments.delta":
                    arg_deltas.append(event.delta)
            final = stream.get_final_response()
        assert final.status == "completed"
        call = [item for item in final.output if item.type == "function_call"][0]
        assert "".join(arg_deltas) == call.arguments
        return final.output

    follow = _round_trip(client, model, streamed)
    with client.responses.stream(model=model, input=follow, tools=TOOLS) as stream:
        final = stream.get_final_response()
    assert final.output_text == "It is 21C in Paris"


@pytest.mark.parametrize("model", MODELS)
def test_previous_response_id_is_a_clear_400(client, model):
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model=model, input="Go on", previous_response_id="resp_1")
    assert "previous_response_id" in str(e.value)
