#!/usr/bin/env python3
"""A recording mock LLM upstream for scripts/agents-e2e.sh (standard library only).

It speaks three wire formats on one port, chosen by the request path:

  .../messages           Anthropic Messages (JSON, or SSE when "stream": true)
  .../messages/count_tokens   Anthropic token count (a fixed estimate)
  .../responses          OpenAI Responses (JSON, or the SSE event sequence)
  .../chat/completions   OpenAI chat completions (JSON, or SSE chunks + [DONE])
  .../models             a model list

Every request is appended to the --record file as one JSON line, *before* the reply
is sent: {"method", "path", "query", "headers" (names lowercased), "body" (parsed
JSON, or null), "body_text" (the body when it is not JSON)}. The e2e script reads
that file to check what the client (directly, or through the gateway) sent.

The conversation it plays is decided by the request, never by state, so the same
mock serves any number of clients and retries:

  * the request carries a tool result (Anthropic `tool_result`, Responses
    `function_call_output`, chat `role: "tool"`) -> final text
    "bifrost-mock saw the tool output: <the result>";
  * the user's text contains PROBE_MARKER and the request offers a shell tool the
    mock knows (Claude Code's `Bash`; Codex's `shell`, `shell_command` or
    `exec_command`, also when Codex's request reaches it translated to Anthropic
    Messages) -> a call of that tool running PROBE_COMMAND;
  * anything else -> the text ANSWER.

PROBE_COMMAND prints PROBE_OUTPUT, which appears nowhere in the command itself, so
seeing PROBE_OUTPUT in the final answer proves the agent ran the tool and sent the
result back.
"""

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

ANSWER = "bifrost-mock says hello"
PROBE_MARKER = "bifrost probe"
PROBE_COMMAND = "echo bifrost-$((20+22))"
PROBE_OUTPUT = "bifrost-42"
FINAL_PREFIX = "bifrost-mock saw the tool output: "


def final_text(result):
    """The answer once a tool result is back: FINAL_PREFIX + PROBE_OUTPUT when the
    result holds it (clients wrap a command's output in their own framing), else
    a text that says what came back instead."""
    if result is None:
        return ANSWER
    if PROBE_OUTPUT in result:
        return FINAL_PREFIX + PROBE_OUTPUT
    return "bifrost-mock got a tool result without the probe output: " + result.strip()[:300]


# ---------------------------------------------------------------------------
# What the conversation asks for (format-specific readers).
# ---------------------------------------------------------------------------


def text_of(content):
    """All text inside a content value (a string, a list of blocks, nested)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(text_of(c) for c in content)
    if isinstance(content, dict):
        parts = []
        for key in ("text", "content", "output", "input"):
            if key in content:
                parts.append(text_of(content[key]))
        return "\n".join(parts)
    return ""


def anthropic_tool_result(body):
    for msg in body.get("messages") or []:
        content = msg.get("content")
        if isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "tool_result":
                    return text_of(block.get("content"))
    return None


def responses_tool_result(body):
    items = body.get("input")
    if not isinstance(items, list):
        return None
    for item in items:
        if isinstance(item, dict) and item.get("type") in (
            "function_call_output",
            "custom_tool_call_output",
            "local_shell_call_output",
        ):
            out = item.get("output")
            return out if isinstance(out, str) else json.dumps(out)
    return None


def chat_tool_result(body):
    for msg in body.get("messages") or []:
        if msg.get("role") == "tool":
            return text_of(msg.get("content"))
    return None


def user_text(items, role_key="role"):
    return "\n".join(
        text_of(m.get("content"))
        for m in items
        if isinstance(m, dict) and m.get(role_key) == "user"
    )


def anthropic_tool_call(body):
    """(name, input) for the probe, or None."""
    names = {t.get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
    if PROBE_MARKER not in user_text(body.get("messages") or []):
        return None
    if "Bash" in names:
        return "Bash", {"command": PROBE_COMMAND, "description": "Print the probe"}
    # Codex behind the gateway's Responses translation offers its shell tool here.
    if "exec_command" in names:
        return "exec_command", {"cmd": PROBE_COMMAND}
    return None


def chat_tool_call(body):
    names = {
        (t.get("function") or {}).get("name")
        for t in body.get("tools") or []
        if isinstance(t, dict)
    }
    if PROBE_MARKER not in user_text(body.get("messages") or []):
        return None
    if "Bash" in names:
        return "Bash", {"command": PROBE_COMMAND, "description": "Print the probe"}
    return None


def responses_tool_call(body):
    items = body.get("input")
    said = items if isinstance(items, str) else user_text(items or [])
    if PROBE_MARKER not in said:
        return None
    names = {t.get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
    if "exec_command" in names:
        return "exec_command", {"cmd": PROBE_COMMAND}
    if "shell_command" in names:
        return "shell_command", {"command": PROBE_COMMAND}
    if "shell" in names:
        return "shell", {"command": ["bash", "-lc", PROBE_COMMAND]}
    return None


# ---------------------------------------------------------------------------
# Anthropic Messages answers.
# ---------------------------------------------------------------------------

USAGE_ANT = {"input_tokens": 25, "output_tokens": 9}


def anthropic_message(body):
    model = body.get("model", "mock")
    result = anthropic_tool_result(body)
    call = None if result is not None else anthropic_tool_call(body)
    if call:
        content = [
            {"type": "text", "text": "Running the probe."},
            {"type": "tool_use", "id": "toolu_mock_1", "name": call[0], "input": call[1]},
        ]
        stop = "tool_use"
    else:
        text = final_text(result)
        content = [{"type": "text", "text": text}]
        stop = "end_turn"
    return {
        "id": "msg_mock_1",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": USAGE_ANT,
    }


def anthropic_events(message):
    """The SSE events (name, data) Anthropic sends for `message`."""
    start = dict(message, content=[], stop_reason=None,
                 usage={"input_tokens": USAGE_ANT["input_tokens"], "output_tokens": 1})
    yield "message_start", {"type": "message_start", "message": start}
    yield "ping", {"type": "ping"}
    for i, block in enumerate(message["content"]):
        if block["type"] == "text":
            yield "content_block_start", {"type": "content_block_start", "index": i,
                                          "content_block": {"type": "text", "text": ""}}
            text = block["text"]
            half = len(text) // 2
            for piece in (text[:half], text[half:]):
                yield "content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "text_delta", "text": piece}}
        else:
            yield "content_block_start", {"type": "content_block_start", "index": i,
                                          "content_block": dict(block, input={})}
            args = json.dumps(block["input"])
            half = len(args) // 2
            for piece in (args[:half], args[half:]):
                yield "content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "input_json_delta",
                                                        "partial_json": piece}}
        yield "content_block_stop", {"type": "content_block_stop", "index": i}
    yield "message_delta", {"type": "message_delta",
                            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                            "usage": {"output_tokens": USAGE_ANT["output_tokens"]}}
    yield "message_stop", {"type": "message_stop"}


# ---------------------------------------------------------------------------
# OpenAI Responses answers.
# ---------------------------------------------------------------------------


def responses_output(body):
    result = responses_tool_result(body)
    call = None if result is not None else responses_tool_call(body)
    if call:
        return [{
            "type": "function_call", "id": "fc_mock_1", "call_id": "call_mock_1",
            "name": call[0], "arguments": json.dumps(call[1]), "status": "completed",
        }]
    text = final_text(result)
    return [{
        "type": "message", "id": "msg_mock_1", "role": "assistant", "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }]


def response_object(body, output, status):
    return {
        "id": "resp_mock_1", "object": "response", "created_at": 1700000000,
        "status": status, "model": body.get("model", "mock"), "output": output,
        "usage": {"input_tokens": 25, "input_tokens_details": {"cached_tokens": 0},
                  "output_tokens": 9, "output_tokens_details": {"reasoning_tokens": 0},
                  "total_tokens": 34} if status == "completed" else None,
    }


def responses_events(body):
    output = responses_output(body)
    seq = iter(range(10_000))

    def ev(kind, **fields):
        return kind, dict({"type": kind, "sequence_number": next(seq)}, **fields)

    yield ev("response.created", response=response_object(body, [], "in_progress"))
    yield ev("response.in_progress", response=response_object(body, [], "in_progress"))
    for i, item in enumerate(output):
        if item["type"] == "function_call":
            yield ev("response.output_item.added", output_index=i, item=dict(item, arguments="", status="in_progress"))
            yield ev("response.function_call_arguments.delta", output_index=i, item_id=item["id"], delta=item["arguments"])
            yield ev("response.function_call_arguments.done", output_index=i, item_id=item["id"], arguments=item["arguments"])
        else:
            text = item["content"][0]["text"]
            yield ev("response.output_item.added", output_index=i, item=dict(item, content=[], status="in_progress"))
            yield ev("response.content_part.added", output_index=i, item_id=item["id"], content_index=0,
                     part={"type": "output_text", "text": "", "annotations": []})
            half = len(text) // 2
            for piece in (text[:half], text[half:]):
                yield ev("response.output_text.delta", output_index=i, item_id=item["id"], content_index=0, delta=piece)
            yield ev("response.output_text.done", output_index=i, item_id=item["id"], content_index=0, text=text)
            yield ev("response.content_part.done", output_index=i, item_id=item["id"], content_index=0,
                     part=item["content"][0])
        yield ev("response.output_item.done", output_index=i, item=item)
    yield ev("response.completed", response=response_object(body, output, "completed"))


# ---------------------------------------------------------------------------
# OpenAI chat completions answers.
# ---------------------------------------------------------------------------

USAGE_CHAT = {"prompt_tokens": 25, "completion_tokens": 9, "total_tokens": 34}


def chat_message(body):
    result = chat_tool_result(body)
    call = None if result is not None else chat_tool_call(body)
    if call:
        msg = {"role": "assistant", "content": None, "tool_calls": [{
            "id": "call_mock_1", "type": "function",
            "function": {"name": call[0], "arguments": json.dumps(call[1])}}]}
        return msg, "tool_calls"
    text = final_text(result)
    return {"role": "assistant", "content": text}, "stop"


def chat_completion(body):
    msg, finish = chat_message(body)
    return {"id": "chatcmpl-mock", "object": "chat.completion", "created": 1700000000,
            "model": body.get("model", "mock"),
            "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
            "usage": USAGE_CHAT}


def chat_chunks(body):
    msg, finish = chat_message(body)

    def chunk(delta, finish_reason=None, **extra):
        return dict({"id": "chatcmpl-mock", "object": "chat.completion.chunk",
                     "created": 1700000000, "model": body.get("model", "mock"),
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]},
                    **extra)

    yield chunk({"role": "assistant", "content": ""})
    if msg.get("tool_calls"):
        call = msg["tool_calls"][0]
        yield chunk({"tool_calls": [{"index": 0, "id": call["id"], "type": "function",
                                     "function": {"name": call["function"]["name"], "arguments": ""}}]})
        yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": call["function"]["arguments"]}}]})
    else:
        text = msg["content"]
        half = len(text) // 2
        for piece in (text[:half], text[half:]):
            yield chunk({"content": piece})
    yield chunk({}, finish)
    if (body.get("stream_options") or {}).get("include_usage"):
        last = chunk({})
        last["choices"] = []
        last["usage"] = USAGE_CHAT
        yield last


# ---------------------------------------------------------------------------
# HTTP.
# ---------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bifrost-agents-mock"
    record_lock = threading.Lock()

    def log_message(self, fmt, *args):  # quiet unless asked
        if self.server.verbose:
            sys.stderr.write("mock: " + fmt % args + "\n")

    def _record(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not length and self.headers.get("transfer-encoding", "").lower() == "chunked":
            raw = self._read_chunked()
        try:
            body = json.loads(raw) if raw else None
            text = None
        except ValueError:
            body, text = None, raw.decode("utf-8", "replace")
        entry = {
            "method": self.command,
            "path": parts.path,
            "query": parts.query or None,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
            "body_text": text,
        }
        with self.record_lock, open(self.server.record, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
        return parts.path, body if isinstance(body, dict) else {}

    def _read_chunked(self):
        out = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return out
            out += self.rfile.read(size)
            self.rfile.readline()

    def _json(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", "req_mock_1")
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, frames):
        """Sends each text frame as one HTTP chunk of a text/event-stream."""
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for frame in frames:
            data = frame.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def do_GET(self):
        path, _ = self._record()
        if path.endswith("/models"):
            models = ["claude-sonnet-4-5", "gpt-5-codex"]
            self._json(200, {
                "object": "list", "has_more": False,
                "data": [{"id": m, "object": "model", "type": "model", "owned_by": "mock",
                          "created": 1700000000, "display_name": m,
                          "created_at": "2025-01-01T00:00:00Z"} for m in models],
            })
        else:
            self._json(404, {"error": {"type": "not_found_error", "message": f"mock: no GET {path}"}})

    def do_HEAD(self):
        self._record()
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_POST(self):
        path, body = self._record()
        stream = body.get("stream") is True
        if path.endswith("/messages/count_tokens"):
            self._json(200, {"input_tokens": 42})
        elif path.endswith("/messages"):
            message = anthropic_message(body)
            if stream:
                self._sse(f"event: {name}\ndata: {json.dumps(data)}\n\n"
                          for name, data in anthropic_events(message))
            else:
                self._json(200, message)
        elif path.endswith("/responses"):
            if stream:
                self._sse(f"event: {name}\ndata: {json.dumps(data)}\n\n"
                          for name, data in responses_events(body))
            else:
                output = responses_output(body)
                self._json(200, response_object(body, output, "completed"))
        elif path.endswith("/chat/completions"):
            if stream:
                frames = [f"data: {json.dumps(c)}\n\n" for c in chat_chunks(body)]
                self._sse(frames + ["data: [DONE]\n\n"])
            else:
                self._json(200, chat_completion(body))
        else:
            self._json(404, {"error": {"type": "not_found_error", "message": f"mock: no POST {path}"}})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--record", required=True, help="JSONL file each request is appended to")
    ap.add_argument("--port-file", required=True, help="written with the bound port once listening")
    ap.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.record = args.record
    server.verbose = args.verbose
    # Written whole, then renamed, so a reader never sees a partial port.
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{server.server_address[1]}\n")
    os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
