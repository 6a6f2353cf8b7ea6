"""Streaming chat through bifrost: tokens are printed as they arrive.

    python examples/python/stream.py "Tell me a short story."

BIFROST_URL   gateway address (default http://127.0.0.1:8080)
BIFROST_MODEL model (default mock/demo-model, the built-in mock provider)
"""

import os
import sys

from openai import OpenAI

client = OpenAI(
    base_url=os.environ.get("BIFROST_URL", "http://127.0.0.1:8080") + "/v1",
    api_key=os.environ.get("BIFROST_API_KEY", "sk-anything"),
)
model = os.environ.get("BIFROST_MODEL", "mock/demo-model")
prompt = " ".join(sys.argv[1:]) or "Stream a short answer."

stream = client.chat.completions.create(
    model=model,
    messages=[{"role": "user", "content": prompt}],
    stream=True,
    # Ask for a final chunk carrying token usage.
    stream_options={"include_usage": True},
)
usage = None
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        print(chunk.choices[0].delta.content, end="", flush=True)
    if chunk.usage:
        usage = chunk.usage
print()
if usage:
    print(
        f"[{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens]",
        file=sys.stderr,
    )
