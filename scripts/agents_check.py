#!/usr/bin/env python3
"""Checks over what scripts/agents_mock.py recorded, for scripts/agents-e2e.sh.

Each subcommand reads one or two recordings (JSONL, one request per line), prints
one line saying what it found, and exits 0 when the check holds, 1 when it does not
(2 on bad usage). `fixture` turns one recorded request into a sanitized test fixture.

  fixture REC INDEX OUT CLIENT          write request INDEX of REC to OUT
  forwarded BASE REC DIALECT MODEL KEY  REC's first request carries BASE's vendor
                                        fields and headers, MODEL as model, KEY as
                                        the only credential
  round-trip REC DIALECT                the last request sends the probe's output back
  absent REC FIELD                      no request body has FIELD at any depth
  path REC PATH [QUERY]                 every request went to PATH (and QUERY)
  dropped BASE URL MODEL FIELDS         BASE's first request, sent again to URL with
                                        MODEL, is answered 200 with every one of the
                                        comma-separated FIELDS named in
                                        x-bifrost-dropped-params
"""

import json
import sys
import urllib.error
import urllib.request

PROBE_OUTPUT = "bifrost-42"

# Headers kept out of fixtures: transport details of one connection, not the client's.
TRANSPORT = {"host", "content-length", "connection", "transfer-encoding"}
CLIENT_KEY_PLACEHOLDER = "sk-client-key-placeholder"

# Per dialect: the credential headers, the vendor headers that must reach the vendor,
# and the body fields that must arrive as the client sent them.
DIALECTS = {
    "anthropic": {
        "credentials": ("x-api-key", "authorization"),
        "key_header": "x-api-key",
        "vendor_headers": ("anthropic-beta", "anthropic-version"),
        "fields": ("thinking", "context_management", "output_config", "max_tokens",
                   "stream", "metadata", "tools"),
    },
    "responses": {
        "credentials": ("authorization", "x-api-key"),
        "key_header": "authorization",
        "vendor_headers": ("openai-beta",),
        "fields": ("tools", "tool_choice", "parallel_tool_calls", "reasoning", "store",
                   "include", "stream"),
    },
}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def fail(msg):
    print(msg)
    sys.exit(1)


def first(path):
    reqs = load(path)
    if not reqs:
        fail(f"{path}: no request was recorded")
    return reqs[0]


def cmd_fixture(rec, index, out, client):
    req = load(rec)[int(index)]
    headers = {}
    for name, value in req["headers"].items():
        if name in TRANSPORT:
            continue
        if name == "x-api-key":
            value = CLIENT_KEY_PLACEHOLDER
        elif name == "authorization":
            value = "Bearer " + CLIENT_KEY_PLACEHOLDER
        headers[name] = value
    fixture = {
        "recorded_from": client,
        "method": req["method"],
        "path": req["path"],
        "query": req["query"],
        "headers": headers,
        "body": req["body"],
    }
    text = json.dumps(fixture, indent=2, ensure_ascii=False) + "\n"
    for secret in {req["headers"].get("x-api-key"), req["headers"].get("authorization")} - {None}:
        if secret.removeprefix("Bearer ") in json.dumps(fixture["body"]):
            fail(f"the client key appears in the body of {rec}#{index}")
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {out} ({req['method']} {req['path']}, {len(text)} bytes)")


def cmd_forwarded(base, rec, dialect, model, key):
    spec = DIALECTS[dialect]
    sent, got = first(base), first(rec)
    problems = []
    if got["path"] != sent["path"]:
        problems.append(f"path {got['path']!r}, the client used {sent['path']!r}")
    if got["query"] != sent["query"]:
        problems.append(f"query {got['query']!r}, the client sent {sent['query']!r}")
    for h in spec["vendor_headers"]:
        if got["headers"].get(h) != sent["headers"].get(h):
            problems.append(f"header {h}: {got['headers'].get(h)!r}, the client sent {sent['headers'].get(h)!r}")
    wanted = key if spec["key_header"] == "x-api-key" else f"Bearer {key}"
    if got["headers"].get(spec["key_header"]) != wanted:
        problems.append(f"{spec['key_header']} is {got['headers'].get(spec['key_header'])!r}, not the provider key")
    for h in spec["credentials"]:
        client = sent["headers"].get(h)
        if client and any(client in v for v in got["headers"].values()):
            problems.append(f"the client's {h} reached the upstream")
    body, client_body = got["body"] or {}, sent["body"] or {}
    if body.get("model") != model:
        problems.append(f"model {body.get('model')!r}, expected {model!r}")
    if set(body) != set(client_body):
        problems.append(f"body fields differ: missing {sorted(set(client_body) - set(body))}, "
                        f"added {sorted(set(body) - set(client_body))}")
    for field in spec["fields"]:
        if field == "metadata":
            # Carries a per-session id: the key set must match, not the values.
            same = set(body.get(field) or {}) == set(client_body.get(field) or {})
        else:
            same = body.get(field) == client_body.get(field)
        if not same:
            problems.append(f"body field {field} changed")
    if problems:
        fail("; ".join(problems))
    vendor = [h for h in spec["vendor_headers"] if h in sent["headers"]] or ["no vendor header"]
    print(f"{got['path']} with {', '.join(vendor)}, query {got['query']!r}, "
          f"{len(body)} body fields as the client sent them, the provider key only")


def tool_results(req, dialect):
    body = req["body"] or {}
    if dialect == "anthropic":
        return [json.dumps(b.get("content")) for m in body.get("messages") or []
                if isinstance(m.get("content"), list)
                for b in m["content"] if isinstance(b, dict) and b.get("type") == "tool_result"]
    if dialect == "responses":
        items = body.get("input") if isinstance(body.get("input"), list) else []
        return [json.dumps(i.get("output")) for i in items
                if i.get("type") in ("function_call_output", "custom_tool_call_output")]
    if dialect == "chat":
        return [json.dumps(m.get("content")) for m in body.get("messages") or []
                if m.get("role") == "tool"]
    raise SystemExit(f"unknown dialect {dialect}")


def cmd_round_trip(rec, dialect):
    reqs = [r for r in load(rec) if r["method"] == "POST"]
    if len(reqs) < 2:
        fail(f"{len(reqs)} model request(s): the tool call was never answered")
    results = tool_results(reqs[-1], dialect)
    if not results:
        fail("the last request carries no tool result")
    if not any(PROBE_OUTPUT in r for r in results):
        fail(f"the tool result lacks {PROBE_OUTPUT}: {results[0][:200]}")
    print(f"{len(reqs)} requests; the last carries the tool result with {PROBE_OUTPUT}")


def has_field(value, field):
    if isinstance(value, dict):
        return field in value or any(has_field(v, field) for v in value.values())
    if isinstance(value, list):
        return any(has_field(v, field) for v in value)
    return False


def cmd_absent(rec, field):
    reqs = load(rec)
    if not reqs:
        fail(f"{rec}: no request was recorded")
    found = [i for i, r in enumerate(reqs) if has_field(r["body"], field)]
    if found:
        fail(f"requests {found} carry {field}")
    print(f"none of {len(reqs)} request(s) carries {field}")


def cmd_path(rec, path, query=None):
    reqs = load(rec)
    if not reqs:
        fail(f"{rec}: no request was recorded")
    wrong = [(r["path"], r["query"]) for r in reqs
             if r["path"] != path or (query is not None and r["query"] != query)]
    if wrong:
        fail(f"requests went to {wrong}, expected {path} {query or ''}")
    print(f"{len(reqs)} request(s) to {path}" + (f"?{query}" if query else ""))


def cmd_dropped(base, url, model, fields):
    sent = first(base)
    body = dict(sent["body"], model=model)
    headers = {k: v for k, v in sent["headers"].items()
               if k not in TRANSPORT and k != "accept-encoding"}
    if sent["query"]:
        url = f"{url}?{sent['query']}"
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    # The request goes to the gateway on 127.0.0.1: no proxy, whatever the environment says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=60) as resp:
            status, named, _ = resp.status, resp.headers.get("x-bifrost-dropped-params") or "", resp.read()
    except urllib.error.HTTPError as e:
        fail(f"HTTP {e.code}: {e.read()[:300].decode('utf-8', 'replace')}")
    if status != 200:
        fail(f"HTTP {status}")
    names = [n.strip() for n in named.split(",") if n.strip()]
    missing = [f for f in fields.split(",") if not any(f in n for n in names)]
    if missing:
        fail(f"x-bifrost-dropped-params is {named!r}: {missing} not named")
    print(f"200, x-bifrost-dropped-params: {named}")


def main():
    commands = {"fixture": (cmd_fixture, (4,)), "forwarded": (cmd_forwarded, (5,)),
                "round-trip": (cmd_round_trip, (2,)), "absent": (cmd_absent, (2,)),
                "path": (cmd_path, (2, 3)), "dropped": (cmd_dropped, (4,))}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    fn, arities = commands[sys.argv[1]]
    args = sys.argv[2:]
    if len(args) not in arities:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    fn(*args)


if __name__ == "__main__":
    main()
