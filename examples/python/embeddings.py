"""Embeddings through bifrost.

    python examples/python/embeddings.py "first text" "second text"

BIFROST_URL   gateway address (default http://127.0.0.1:8080)
BIFROST_MODEL model (default mock/demo-model, the built-in mock provider; with
              OpenAI use e.g. openai/text-embedding-3-small)
"""

import os
import sys

from openai import OpenAI

client = OpenAI(
    base_url=os.environ.get("BIFROST_URL", "http://127.0.0.1:8080") + "/v1",
    api_key=os.environ.get("BIFROST_API_KEY", "sk-anything"),
)
model = os.environ.get("BIFROST_MODEL", "mock/demo-model")
texts = sys.argv[1:] or ["first text", "second text"]

resp = client.embeddings.create(model=model, input=texts, encoding_format="float")
for text, item in zip(texts, resp.data):
    head = ", ".join(f"{x:+.4f}" for x in item.embedding[:4])
    print(f"{text!r}: {len(item.embedding)} dims [{head}, ...]")
