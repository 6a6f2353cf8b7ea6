"""The official Anthropic Python SDK reading a stream bifrost resumed mid-answer.

Environment (set by tests/it/stream_resume.rs, which starts the gateway with
`stream_resume = true`, a primary `a/m` whose stream is cut after three chunks and a
fallback `b/m` that continues it):
  BIFROST_ANTHROPIC_BASE_URL  e.g. http://127.0.0.1:PORT/anthropic
  BIFROST_RESUME_TEXT         the whole answer the two parts make
"""

import os

import anthropic

BASE_URL = os.environ.get("BIFROST_ANTHROPIC_BASE_URL", "http://127.0.0.1:8080/anthropic")
TEXT = os.environ.get("BIFROST_RESUME_TEXT", "")


def test_a_resumed_stream_reads_as_one_message():
    client = anthropic.Anthropic(base_url=BASE_URL, api_key="sk-ant-client-test", max_retries=0, timeout=30.0)
    with client.messages.stream(
        model="a/m",
        max_tokens=64,
        messages=[{"role": "user", "content": "x"}],
        extra_body={"fallbacks": ["b/m"]},
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    client.close()
    assert kinds.count("message_start") == 1
    assert kinds[-1] == "message_stop"
    assert [b.type for b in final.content] == ["text"]
    assert final.content[0].text == TEXT
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 0
