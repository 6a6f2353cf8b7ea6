"""boto3's bedrock-runtime client against the gateway's /bedrock route.

Run by tests/it/bedrock_sdk.rs with BIFROST_BEDROCK_URL set; the mock upstream behind
the gateway speaks OpenAI (model `chat` answers "Hello from the gateway", `tools` asks
for get_weather until it sees a tool result).
"""

import os

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def client():
    # Dummy credentials: boto3 signs with SigV4, the gateway accepts and ignores it.
    return boto3.client(
        "bedrock-runtime",
        endpoint_url=os.environ["BIFROST_BEDROCK_URL"],
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def hello():
    return [{"role": "user", "content": [{"text": "hello"}]}]


def test_converse():
    r = client().converse(
        modelId="up/chat", messages=hello(), inferenceConfig={"maxTokens": 50}
    )
    assert r["output"]["message"]["role"] == "assistant"
    assert r["output"]["message"]["content"][0]["text"] == "Hello from the gateway"
    assert r["stopReason"] == "end_turn"
    assert r["usage"]["totalTokens"] == r["usage"]["inputTokens"] + r["usage"]["outputTokens"]


def test_converse_stream():
    r = client().converse_stream(modelId="up/chat", messages=hello())
    kinds, text = [], ""
    for event in r["stream"]:
        kind = next(iter(event))
        kinds.append(kind)
        if kind == "contentBlockDelta":
            text += event[kind]["delta"]["text"]
    assert text == "Hello from the gateway"
    assert kinds[0] == "messageStart"
    assert kinds[-2:] == ["messageStop", "metadata"]


def test_tool_round_trip():
    tools = {
        "tools": [
            {
                "toolSpec": {
                    "name": "get_weather",
                    "inputSchema": {
                        "json": {"type": "object", "properties": {"city": {"type": "string"}}}
                    },
                }
            }
        ]
    }
    messages = [{"role": "user", "content": [{"text": "Weather in Paris?"}]}]
    r = client().converse(modelId="up/tools", messages=messages, toolConfig=tools)
    assert r["stopReason"] == "tool_use"
    use = r["output"]["message"]["content"][0]["toolUse"]
    assert use["name"] == "get_weather"
    assert use["input"] == {"city": "Paris"}
    messages.append(r["output"]["message"])
    messages.append(
        {
            "role": "user",
            "content": [{"toolResult": {"toolUseId": use["toolUseId"], "content": [{"text": "22C"}]}}],
        }
    )
    r = client().converse(modelId="up/tools", messages=messages, toolConfig=tools)
    assert r["output"]["message"]["content"][0]["text"] == "It is 22C in Paris"


def test_unknown_model_raises_resource_not_found():
    with pytest.raises(ClientError) as e:
        client().converse(modelId="nope/nothing", messages=hello())
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "nope" in e.value.response["Error"]["Message"]


def test_a_bad_request_raises_validation_exception():
    with pytest.raises(ClientError) as e:
        client().converse(
            modelId="up/chat",
            messages=[{"role": "user", "content": [{"document": {"name": "d", "format": "txt", "source": {"bytes": b"x"}}}]}],
        )
    assert e.value.response["Error"]["Code"] == "ValidationException"
