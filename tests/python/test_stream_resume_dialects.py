"""The official SDKs reading a resumed stream whose closing event carries bifrost's
`extra_fields` (the `resumed_from` marker): Anthropic on `message_delta`, Gemini on
the last chunk, Bedrock on `metadata`, Responses on `response.completed`. Each must
parse the stream as usual and give the whole text.

Environment (set by tests/it/stream_resume_dialects.rs: alias MODEL has
`stream_resume = true`, a primary whose stream is cut after three chunks and a
fallback that continues it):
  BIFROST_URL          the gateway's root, e.g. http://127.0.0.1:PORT
  BIFROST_RESPONSES_URL the root of one whose primary is not OpenAI-format, so
                       /v1/responses is translated rather than relayed
  BIFROST_RESUME_MODEL the alias
  BIFROST_RESUME_TEXT  the whole answer the two parts make
"""

import os

import anthropic
import boto3
import openai
from botocore.config import Config
from google import genai
from google.genai import types

URL = os.environ.get("BIFROST_URL", "http://127.0.0.1:8080")
RESPONSES_URL = os.environ.get("BIFROST_RESPONSES_URL", URL)
MODEL = os.environ.get("BIFROST_RESUME_MODEL", "r")
TEXT = os.environ.get("BIFROST_RESUME_TEXT", "")
PROMPT = [{"role": "user", "content": "x"}]


def test_anthropic_reads_the_resumed_stream():
    client = anthropic.Anthropic(base_url=URL + "/anthropic", api_key="sk-ant-client", max_retries=0)
    with client.messages.stream(model=MODEL, max_tokens=64, messages=PROMPT) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert kinds[-1] == "message_stop"
    assert final.content[0].text == TEXT


def test_genai_reads_the_resumed_stream():
    client = genai.Client(
        api_key="client-credential",
        http_options=types.HttpOptions(base_url=URL + "/genai", api_version="v1beta"),
    )
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="x"))
    assert "".join(c.text or "" for c in chunks) == TEXT


def test_bedrock_reads_the_resumed_stream():
    client = boto3.client(
        "bedrock-runtime",
        endpoint_url=URL + "/bedrock",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    r = client.converse_stream(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "x"}]}])
    kinds, text = [], ""
    for event in r["stream"]:
        kind = next(iter(event))
        kinds.append(kind)
        if kind == "contentBlockDelta":
            text += event[kind]["delta"]["text"]
    assert text == TEXT
    assert kinds[-2:] == ["messageStop", "metadata"]


def test_responses_reads_the_resumed_stream():
    client = openai.OpenAI(base_url=RESPONSES_URL + "/v1", api_key="sk-test", max_retries=0)
    with client.responses.stream(model=MODEL, input="x") as stream:
        for _ in stream:
            pass
        final = stream.get_final_response()
    assert final.output_text == TEXT
    assert final.status == "completed"
