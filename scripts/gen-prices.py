#!/usr/bin/env python3
"""Regenerates data/prices.json, the price catalog bifrost ships (src/governance/cost.rs).

The source is the model-prices JSON that LiteLLM publishes inside its PyPI package
(`litellm/model_prices_and_context_window_backup.json`); prices are facts, this keeps
only what bifrost can serve: chat, completion, embedding, image, audio and rerank
models of the provider types in src/config/provider_type.rs, under `type/model`.

    python3 scripts/gen-prices.py            # the pinned version below
    python3 scripts/gen-prices.py 1.111.0    # another version

Needs pip and network access to PyPI; writes nothing else.
"""

import datetime
import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile

VERSION = sys.argv[1] if len(sys.argv) > 1 else "1.110.2"
MEMBER = "litellm/model_prices_and_context_window_backup.json"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "prices.json")

# LiteLLM provider name -> bifrost provider type (src/config/provider_type.rs).
PROVIDERS = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "azure": "azure",
    "anthropic": "anthropic",
    "gemini": "gemini",
    "vertex_ai": "vertex",
    "vertex_ai-language-models": "vertex",
    "vertex_ai-anthropic_models": "vertex",
    "vertex_ai-embedding-models": "vertex",
    "vertex_ai-image-models": "vertex",
    "vertex_ai-mistral_models": "vertex",
    "vertex_ai-llama_models": "vertex",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "bedrock": "bedrock",
    "bedrock_converse": "bedrock",
    "groq": "groq",
    "mistral": "mistral",
    "xai": "xai",
    "deepseek": "deepseek",
    "openrouter": "openrouter",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "cerebras": "cerebras",
    "perplexity": "perplexity",
    "nebius": "nebius",
    "huggingface": "huggingface",
}

MODES = {"chat", "completion", "responses", "embedding", "image_generation",
         "audio_transcription", "audio_speech", "rerank"}

# Our field -> (LiteLLM field, multiplier): per-token prices become per million tokens.
FIELDS = [
    ("input_per_mtok", "input_cost_per_token", 1e6),
    ("output_per_mtok", "output_cost_per_token", 1e6),
    ("cached_input_per_mtok", "cache_read_input_token_cost", 1e6),
    ("cache_write_per_mtok", "cache_creation_input_token_cost", 1e6),
    ("reasoning_per_mtok", "output_cost_per_reasoning_token", 1e6),
    ("per_image", "output_cost_per_image", 1),
    ("per_audio_second", "input_cost_per_second", 1),
    ("per_character", "input_cost_per_character", 1),
]


def fetch(version, into):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--only-binary=:all:", f"litellm=={version}", "-d", into],
        check=True,
    )
    (wheel,) = glob.glob(os.path.join(into, "litellm-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        return json.loads(z.read(MEMBER))


def model_name(key, provider):
    """The model id a client sends, without LiteLLM's provider prefix; None to skip."""
    first, _, rest = key.partition("/")
    if rest and (first == provider or first in PROVIDERS or first.startswith("vertex_ai")):
        key = rest
    # Region- or commitment-scoped Bedrock entries (bedrock/us-east-1/...) are not ids.
    if PROVIDERS[provider] == "bedrock" and "/" in key:
        return None
    return key


def price(entry):
    out = {}
    for ours, theirs, scale in FIELDS:
        value = entry.get(theirs)
        if isinstance(value, (int, float)) and value > 0:
            out[ours] = float(f"{value * scale:.6g}")
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        source = fetch(VERSION, tmp)
    models = {}
    for key, entry in source.items():
        if not isinstance(entry, dict) or entry.get("mode") not in MODES:
            continue
        provider = entry.get("litellm_provider")
        if provider not in PROVIDERS:
            continue
        name = model_name(key, provider)
        p = price(entry)
        if name is None or not p:
            continue
        models.setdefault(f"{PROVIDERS[provider]}/{name}", p)
    doc = {
        "source": f"LiteLLM {VERSION} ({MEMBER} in its PyPI wheel), via scripts/gen-prices.py",
        "generated": datetime.date.today().isoformat(),
        "unit": "USD; *_per_mtok per million tokens, per_image per image, per_audio_second per second of audio, per_character per character",
        "models": dict(sorted(models.items())),
    }
    with open(OUT, "w") as f:
        f.write("{\n")
        for field in ("source", "generated", "unit"):
            f.write(f"  {json.dumps(field)}: {json.dumps(doc[field])},\n")
        f.write('  "models": {\n')
        lines = [f"    {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}"
                 for k, v in doc["models"].items()]
        f.write(",\n".join(lines))
        f.write("\n  }\n}\n")
    print(f"{len(models)} models -> {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
