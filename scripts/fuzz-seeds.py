#!/usr/bin/env python3
"""Regenerates the fuzz seed corpora in fuzz/corpus/<target>/ from the test fixtures
(tests/fixtures/**, examples/bifrost.toml) and a few hand-written bodies, so every
target starts from inputs that reach deep into its decoder.

Usage: scripts/fuzz-seeds.py    (rewrites fuzz/corpus/*/seed-*; files libFuzzer added
under other names are left alone)

Inputs are framed as each target in src/fuzzing.rs expects them: SSE text for the
stream targets, `KIND PAYLOAD` lines for bedrock_stream, AWS event-stream frames for
eventstream_framer, and a coding byte before the body for body_encoding. Deterministic:
the same fixtures give the same files.
"""

import gzip
import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"
OUT = ROOT / "fuzz" / "corpus"


def load(rel):
    return json.loads((FIX / rel).read_text())


def dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


# --- request bodies -------------------------------------------------------------

OPENAI_REQUESTS = [
    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]},
    {"model": "m", "stream": True, "stream_options": {"include_usage": True},
     "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]},
    {"model": "m", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}],
     "max_tokens": 64, "temperature": 0.2, "top_p": 0.9, "stop": ["\n"], "seed": 7},
    {"model": "m", "messages": [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "get", "arguments": "{\"city\":\"Paris\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}],
     "tools": [{"type": "function", "function": {"name": "get", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
     "tool_choice": "auto"},
    {"model": "m", "messages": [{"role": "user", "content": "json"}],
     "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
     "reasoning_effort": "low", "n": 1, "user": "u"},
]

ANTHROPIC_REQUESTS = [
    {"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "Hi"}]},
    {"model": "m", "max_tokens": 1024, "stream": True, "system": [{"type": "text", "text": "Be brief."}],
     "thinking": {"type": "enabled", "budget_tokens": 512},
     "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                  {"role": "assistant", "content": [
                      {"type": "thinking", "thinking": "hm", "signature": "sig"},
                      {"type": "tool_use", "id": "tu_1", "name": "get", "input": {"city": "Paris"}}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "tu_1", "content": "sunny"}]}],
     "tools": [{"name": "get", "input_schema": {"type": "object"}}], "tool_choice": {"type": "auto"}},
]

GENAI_REQUESTS = [
    {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]},
    {"contents": [{"role": "user", "parts": [{"text": "weather?"}]},
                  {"role": "model", "parts": [{"functionCall": {"name": "get", "args": {"city": "Paris"}}}]},
                  {"role": "user", "parts": [{"functionResponse": {"name": "get", "response": {"t": 20}}}]}],
     "systemInstruction": {"parts": [{"text": "Be brief."}]},
     "tools": [{"functionDeclarations": [{"name": "get", "parameters": {"type": "OBJECT"}}]}],
     "toolConfig": {"functionCallingConfig": {"mode": "ANY"}},
     "generationConfig": {"maxOutputTokens": 32, "temperature": 0.1, "stopSequences": ["x"],
                          "responseMimeType": "application/json"}},
    {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}]}]},
]

BEDROCK_REQUESTS = [
    {"messages": [{"role": "user", "content": [{"text": "Hi"}]}]},
    {"messages": [{"role": "user", "content": [{"text": "weather?"}]},
                  {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "get", "input": {"city": "Paris"}}}]},
                  {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "sunny"}]}}]}],
     "system": [{"text": "Be brief."}],
     "inferenceConfig": {"maxTokens": 32, "temperature": 0.1, "topP": 0.9, "stopSequences": ["x"]},
     "toolConfig": {"tools": [{"toolSpec": {"name": "get", "inputSchema": {"json": {"type": "object"}}}}],
                    "toolChoice": {"auto": {}}},
     "additionalModelRequestFields": {"top_k": 5}},
]

COHERE_REQUESTS = [
    {"model": "m", "messages": [{"role": "user", "content": "Hi"}]},
    {"model": "m", "stream": True, "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "weather?"}]},
        {"role": "assistant", "tool_plan": "look", "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "get", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": [{"type": "document", "document": {"data": "sunny"}}]}],
     "tools": [{"type": "function", "function": {"name": "get", "parameters": {"type": "object"}}}],
     "tool_choice": "REQUIRED", "response_format": {"type": "json_object"}, "max_tokens": 10},
]

OPENAI_ANSWERS = [
    {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
     "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello"}, "finish_reason": "stop"}],
     "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}},
    {"id": "chatcmpl-2", "object": "chat.completion", "created": 1, "model": "m",
     "choices": [{"index": 0, "message": {"role": "assistant", "content": None, "tool_calls": [
         {"id": "call_1", "type": "function", "function": {"name": "get", "arguments": "{\"city\":\"Paris\"}"}}]},
         "finish_reason": "tool_calls"}],
     "usage": {"prompt_tokens": 3, "completion_tokens": 9, "total_tokens": 12,
               "prompt_tokens_details": {"cached_tokens": 1}}},
]

OPENAI_CHUNKS = [
    {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
     "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]},
    {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
     "choices": [{"index": 0, "delta": {"content": "{\"a\": [1, tr"}, "finish_reason": None}]},
    {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
     "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                                       "function": {"name": "get", "arguments": "{\"ci"}}]}}]},
    {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
     "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
     "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}},
]


# --- framings -------------------------------------------------------------------

def sse(events, crlf=False):
    """`(name, data)` pairs as SSE text; a None name writes no `event:` line."""
    nl = "\r\n" if crlf else "\n"
    out = []
    for name, data in events:
        if name is not None:
            out.append(f"event: {name}{nl}")
        out.append(f"data: {data}{nl}{nl}")
    return "".join(out).encode()


def prefixes(blob, n=3):
    """The blob cut at a few places: streams that end early."""
    return [blob[: len(blob) * k // (n + 1)] for k in range(1, n + 1)]


def eventstream_frame(headers, payload):
    """One AWS event-stream message: prelude (total, headers length, CRC), string
    headers, payload, message CRC."""
    hbytes = b""
    for name, value in headers:
        n, v = name.encode(), value.encode()
        hbytes += bytes([len(n)]) + n + b"\x07" + struct.pack(">H", len(v)) + v
    total = 12 + len(hbytes) + len(payload) + 4
    prelude = struct.pack(">II", total, len(hbytes))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + hbytes + payload
    return body + struct.pack(">I", zlib.crc32(body))


def brotli_stored(data):
    """`data` as a brotli stream of one uncompressed meta-block (RFC 7932 §9.2), so
    no brotli encoder is needed here. Bodies up to 64 KiB."""
    bits = []

    def put(value, n):
        bits.extend((value >> i) & 1 for i in range(n))

    put(0, 1)                  # WBITS: 16
    if data:
        put(0, 1)              # ISLAST
        put(0, 2)              # MNIBBLES: 4
        put(len(data) - 1, 16)  # MLEN - 1
        put(1, 1)              # ISUNCOMPRESSED
        while len(bits) % 8:
            bits.append(0)
    out = bytearray(sum(b << i for i, b in enumerate(bits[k:k + 8])) for k in range(0, len(bits), 8))
    out += data
    tail = [1, 1]              # ISLAST, ISLASTEMPTY
    out.append(tail[0] | tail[1] << 1)
    return bytes(out)


def zstd_raw(data):
    """`data` as a zstd frame of one raw block (RFC 8878), for machines without the
    zstd command."""
    if len(data) < 256:
        header = b"\x20" + bytes([len(data)])
    else:
        header = b"\x60" + struct.pack("<H", len(data) - 256)
    block = struct.pack("<I", 1 | (len(data) << 3))[:3]
    return b"\x28\xb5\x2f\xfd" + header + block + data


def zstd(data):
    if shutil.which("zstd"):
        return subprocess.run(["zstd", "-q", "-c", "-3", "--no-check"], input=data,
                              capture_output=True, check=True).stdout
    return zstd_raw(data)


# --- the corpora ----------------------------------------------------------------

def corpora():
    c = {}

    c["openai_chat_request"] = [dumps(r) for r in OPENAI_REQUESTS] + [
        (FIX / p).read_bytes() for p in (
            "anthropic/openai_tool_request.json", "anthropic/openai_cache_request.json",
            "gemini/openai_tool_request.json", "bedrock/openai_tool_request.json",
            "cohere/openai_tool_request.json")]
    c["anthropic_request"] = [dumps(r) for r in ANTHROPIC_REQUESTS] + [
        (FIX / p).read_bytes() for p in ("anthropic/messages_request.json", "anthropic/messages_cache_request.json")]
    c["genai_request"] = [dumps(r) for r in GENAI_REQUESTS] + [(FIX / "gemini/generate_content_request.json").read_bytes()]
    c["bedrock_request"] = [dumps(r) for r in BEDROCK_REQUESTS] + [(FIX / "bedrock/converse_request.json").read_bytes()]
    c["cohere_request"] = [dumps(r) for r in COHERE_REQUESTS] + [(FIX / "cohere/chat_request.json").read_bytes()]

    c["openai_answer"] = [dumps(a) for a in OPENAI_ANSWERS] + [b'{"choices":[],"usage":null}']
    c["anthropic_answer"] = [(FIX / p).read_bytes() for p in ("anthropic/messages_response.json", "anthropic/thinking_response.json")]
    c["gemini_answer"] = [(FIX / p).read_bytes() for p in ("gemini/generate_content_response.json", "gemini/blocked_response.json")]
    c["bedrock_answer"] = [(FIX / "bedrock/converse_response.json").read_bytes()]
    c["cohere_answer"] = [(FIX / p).read_bytes() for p in ("cohere/chat_response.json", "cohere/chat_response_text.json")]
    c["anthropic_answer"].append(dumps(
        {"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
         "content": [{"type": "tool_use", "id": "tu", "name": "get", "input": {"city": "Paris"}}],
         "stop_reason": "tool_use", "usage": {"input_tokens": 1, "output_tokens": 1}}))
    c["bedrock_answer"] += [dumps(a) for a in (
        {"output": {"message": {"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "t", "name": "get", "input": {}}}]}},
         "stopReason": "tool_use", "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3}},
        {"output": {"message": {"role": "assistant", "content": [{"text": "cut"}]}},
         "stopReason": "max_tokens", "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3}})]
    c["cohere_answer"].append(dumps(
        {"id": "x", "finish_reason": "MAX_TOKENS",
         "message": {"role": "assistant", "content": [{"type": "text", "text": "hi"}]},
         "usage": {"billed_units": {"input_tokens": 1, "output_tokens": 1},
                   "tokens": {"input_tokens": 1, "output_tokens": 1}}}))
    # Each stream's events make answers too: more shapes for the answer decoders.
    c["gemini_answer"] += [dumps(e) for e in load("gemini/stream_text_tool.json")]

    openai_sse = sse([(None, dumps(ch).decode()) for ch in OPENAI_CHUNKS] + [(None, "[DONE]")])
    c["openai_stream"] = [openai_sse, sse([(None, dumps(OPENAI_CHUNKS[0]).decode())], crlf=True),
                          sse([(None, '{"error":{"message":"overloaded"}}')])] + prefixes(openai_sse)

    streams = {}
    for name in ("stream_tool_use.json", "stream_thinking.json"):
        streams.setdefault("anthropic_stream", []).append(
            sse([(e["event"], dumps(e["data"]).decode()) for e in load("anthropic/" + name)]))
    streams["gemini_stream"] = [sse([(None, dumps(e).decode()) for e in load("gemini/stream_text_tool.json")], crlf=True)]
    for name in ("stream_text.json", "stream_tool_call.json"):
        streams.setdefault("cohere_stream", []).append(
            sse([(e.get("type"), dumps(e).decode()) for e in load("cohere/" + name)]))
    for target, blobs in streams.items():
        c[target] = blobs + [p for b in blobs for p in prefixes(b)]
    c["anthropic_stream"].append(sse([("error", '{"type":"error","error":{"type":"overloaded_error","message":"x"}}')]))

    converse = load("bedrock/converse_stream.json")
    lines = "\n".join(f"{e['event']} {dumps(e['payload']).decode()}" for e in converse).encode()
    c["bedrock_stream"] = [lines] + prefixes(lines) + [
        b'!throttlingException {"message":"slow down"}', b"?InternalFailure boom"]

    c["sse_framer"] = (c["openai_stream"][:2] + c["anthropic_stream"][:1] + c["cohere_stream"][:1] + [
        b"\xef\xbb\xbfdata: bom\n\n", b": comment\nid: 1\nretry: 10\nevent: x\ndata: a\ndata: b\n\n",
        b"data:no-space\r\rdata: cr only\r\r", b"event: x\n\n", b"data: \xff\xfe\n\n"])

    frames = [eventstream_frame([(":message-type", "event"), (":event-type", e["event"]),
                                 (":content-type", "application/json")], dumps(e["payload"]))
              for e in converse]
    stream_bytes = b"".join(frames)
    vectors = load("bedrock/eventstream_vectors.json")
    c["eventstream_framer"] = [stream_bytes] + prefixes(stream_bytes) + [
        eventstream_frame([(":message-type", "exception"), (":exception-type", "throttlingException")], b'{"message":"x"}'),
        eventstream_frame([(":message-type", "error"), (":error-code", "E"), (":error-message", "m")], b""),
    ] + [bytes.fromhex(v["encoded"]) for group in ("positive", "negative")
         for v in vectors.get(group, {}).values() if isinstance(v, dict) and "encoded" in v]

    args = ['{"city": "Par', '{"a": [1, 2, {"b": tru', '[{"x": "\\u00', '{"n": -1.5e', '  {"k"',
            '{"s": "esc \\"q', "not json", '[[[[[[', '{"a":1}}']
    c["json_repair"] = [a.encode() for a in args]

    body = dumps(OPENAI_REQUESTS[3])
    c["body_encoding"] = [
        b"\x00" + body, b"\x01" + gzip.compress(body, mtime=0), b"\x02" + brotli_stored(body),
        b"\x03" + zstd(body), b"\x03" + zstd_raw(body),
        # gzip inside zstd: the first coding applied is the lowest two bits.
        bytes([0x01 | 0x03 << 2]) + zstd(gzip.compress(body, mtime=0)),
        b"\x01" + gzip.compress(body, mtime=0) * 2, b"\x01" + gzip.compress(b"\0" * 300_000, mtime=0),
        b"\x01not gzip", b"\x00gzip, br"]

    example = (ROOT / "examples/bifrost.toml").read_bytes()
    c["config"] = [example, b"", b'[client]\nrequest_body_timeout_secs = 0\n',
                   b'[providers.openai]\ntype = "openai"\nkeys = [{ name = "k", value = "env.OPENAI_API_KEY", models = ["gpt-4o"] }]\n',
                   b'[providers.x]\ntype = "nope"\nbase_url = "ftp://x"\n']
    return c


def main():
    for target, seeds in corpora().items():
        out = OUT / target
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("seed-*"):
            old.unlink()
        for i, seed in enumerate(seeds):
            (out / f"seed-{i:02}").write_bytes(seed)
        print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
