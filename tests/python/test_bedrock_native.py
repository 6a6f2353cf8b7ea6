"""boto3's bedrock-runtime client against /bedrock with a `bedrock` provider behind
it: the gateway forwards Converse untranslated (same dialect).

Run by tests/it/bedrock_native.rs with BIFROST_BEDROCK_URL and BIFROST_BEDROCK_MODEL
set; the mock Bedrock behind the gateway answers "Hello from the gateway" (a stream
in three deltas), calls get_weather({"city": "Paris"}) when tools are offered, and
answers "It is {result} in Paris" once the tool result comes back. The Rust test
checks what reached the mock.
"""

import os

import boto3
from botocore.config import Config

MODEL = os.environ.get("BIFROST_BEDROCK_MODEL", "aws/anthropic.claude-3-5-sonnet-20240620-v1:0")
EXTRA = {"top_k": 5, "thinking": {"type": "enabled", "budget_tokens": 1024}}
TOOLS = {
    "tools": [
        {
            "toolSpec": {
                "name": "get_weather",
                "description": "The weather in a city",
                "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}},
            }
        }
    ]
}


def client():
    # Dummy credentials: the gateway ignores the client's signature and signs anew.
    return boto3.client(
        "bedrock-runtime",
        endpoint_url=os.environ["BIFROST_BEDROCK_URL"],
        region_name="us-east-1",
        aws_access_key_id="AKIDCLIENT",
        aws_secret_access_key="not-a-real-secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def hello():
    return [{"role": "user", "content": [{"text": "hello"}]}]


def test_converse_with_additional_fields():
    r = client().converse(
        modelId=MODEL,
        messages=hello(),
        inferenceConfig={"maxTokens": 50},
        additionalModelRequestFields=EXTRA,
    )
    assert r["output"]["message"]["content"][0]["text"] == "Hello from the gateway"
    assert r["stopReason"] == "end_turn"
    assert r["usage"] == {"inputTokens": 20, "outputTokens": 5, "totalTokens": 25}


def test_converse_stream_with_additional_fields():
    r = client().converse_stream(modelId=MODEL, messages=hello(), additionalModelRequestFields=EXTRA)
    kinds, text = [], ""
    for event in r["stream"]:
        kind = next(iter(event))
        kinds.append(kind)
        if kind == "contentBlockDelta":
            text += event[kind]["delta"]["text"]
        if kind == "metadata":
            assert event[kind]["usage"]["totalTokens"] == 25
    assert text == "Hello from the gateway"
    assert kinds[0] == "messageStart" and kinds[-1] == "metadata"


def test_tool_round_trip():
    c = client()
    first = c.converse(modelId=MODEL, messages=hello(), toolConfig=TOOLS)
    assert first["stopReason"] == "tool_use"
    use = first["output"]["message"]["content"][0]["toolUse"]
    assert use["name"] == "get_weather" and use["input"] == {"city": "Paris"}
    messages = hello() + [
        first["output"]["message"],
        {"role": "user", "content": [{"toolResult": {"toolUseId": use["toolUseId"], "content": [{"text": "21C"}]}}]},
    ]
    second = c.converse(modelId=MODEL, messages=messages, toolConfig=TOOLS)
    assert second["output"]["message"]["content"][0]["text"] == "It is 21C in Paris"
