"""Chat completion through bifrost with the official OpenAI SDK.

    pip install -r examples/python/requirements.txt
    python examples/python/chat.py "What is a gateway?"

BIFROST_URL   gateway address (default http://127.0.0.1:8080)
BIFROST_MODEL model (default mock/demo-model, the built-in mock provider)
"""

import os
import sys

from openai import OpenAI

client = OpenAI(
    base_url=os.environ.get("BIFROST_URL", "http://127.0.0.1:8080") + "/v1",
    # bifrost sends the provider's own key upstream; this one is for the gateway.
    api_key=os.environ.get("BIFROST_API_KEY", "sk-anything"),
)
model = os.environ.get("BIFROST_MODEL", "mock/demo-model")
prompt = " ".join(sys.argv[1:]) or "Say hello through the gateway."

resp = client.chat.completions.create(
    model=model,
    messages=[
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": prompt},
    ],
)
print(resp.choices[0].message.content)
if resp.usage:
    print(
        f"[{resp.model}: {resp.usage.prompt_tokens} prompt + "
        f"{resp.usage.completion_tokens} completion tokens]",
        file=sys.stderr,
    )
