"""Every credential header on every SDK route, and every refusal, through the official
SDKs (openai, anthropic, google-genai): one table, one row per case, each with the exact
status and the error shape of its route.

Environment (set by tests/it/auth_matrix.rs, which starts a gateway that requires
virtual keys, in front of an OpenAI-format mock upstream):
  BIFROST_URL   e.g. http://127.0.0.1:PORT
  VK_OK         a key allowed provider `up`, model `m` only
  VK_OFF        a disabled key
"""

import os

import json
import urllib.error
import urllib.parse
import urllib.request

import anthropic
import openai
import pytest
from google import genai
from google.genai import errors, types

URL = os.environ["BIFROST_URL"]
VK_OK = os.environ["VK_OK"]
VK_OFF = os.environ["VK_OFF"]
# Well formed, never created: only its first and last four characters may be shown.
VK_UNKNOWN = "sk-bf-unknownMIDDLEPARTunknownunknownunkn9wxyz"
NOT_A_VK = "sk-provider-key-not-ours"

ALLOWED = "up/m"
MODEL_DENIED = "up/other"
PROVIDER_DENIED = "side/m"

# How each route's SDK can carry a key.
CARRIERS = {
    "openai": ["bearer", "x-bf-vk", "x-api-key"],
    "anthropic": ["x-api-key", "bearer", "x-bf-vk"],
    "genai": ["x-goog-api-key", "query", "x-bf-vk"],
}
# The route's error shape: status -> the error's type (OpenAI: the gateway's own
# refusal type; Anthropic and Gemini: their SDK's type for the status).
ANTHROPIC_TYPE = {401: "authentication_error", 403: "permission_error"}
GENAI_STATUS = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}

# case -> (key, model, status, OpenAI error type, what the message must say)
CASES = {
    "ok": (VK_OK, ALLOWED, 200, None, None),
    "missing": (None, ALLOWED, 401, "virtual_key_required", "bifrost vk create"),
    "unknown": (VK_UNKNOWN, ALLOWED, 401, "virtual_key_not_found", "sk-b…wxyz"),
    "inactive": (VK_OFF, ALLOWED, 403, "virtual_key_blocked", "bifrost vk enable"),
    "model_denied": (VK_OK, MODEL_DENIED, 403, "model_blocked", "it allows: m"),
    "provider_denied": (VK_OK, PROVIDER_DENIED, 403, "provider_blocked", "it allows: up"),
}

# Every carrier with a good and an unknown key; every other case with the SDK's own.
ROWS = [(route, carrier, case) for route, carriers in CARRIERS.items() for carrier in carriers for case in ("ok", "unknown")]
ROWS += [(route, carriers[0], case) for route, carriers in CARRIERS.items() for case in CASES if case not in ("ok", "unknown")]


def headers_for(carrier, key):
    """Extra headers a carrier adds (bearer and the SDK's own header go as the API key)."""
    if key is not None and carrier in ("x-bf-vk", "x-api-key"):
        return {carrier: key}
    return {}


def call_openai(carrier, key, model):
    api_key = key if carrier == "bearer" and key else NOT_A_VK
    client = openai.OpenAI(base_url=URL + "/v1", api_key=api_key, max_retries=0, default_headers=headers_for(carrier, key))
    try:
        client.chat.completions.create(model=model, max_tokens=2, messages=[{"role": "user", "content": "hi"}])
        return 200, None
    except openai.APIStatusError as e:
        body = e.response.json()
        return e.status_code, (body["error"]["type"], body["error"]["message"])


def call_anthropic(carrier, key, model):
    extra = headers_for(carrier, key) if carrier == "x-bf-vk" else {}
    if carrier == "bearer" and key:
        client = anthropic.Anthropic(base_url=URL + "/anthropic", api_key=None, auth_token=key, max_retries=0)
    else:
        api_key = key if carrier == "x-api-key" and key else NOT_A_VK
        client = anthropic.Anthropic(base_url=URL + "/anthropic", api_key=api_key, max_retries=0, default_headers=extra)
    try:
        client.messages.create(model=model, max_tokens=2, messages=[{"role": "user", "content": "hi"}])
        return 200, None
    except anthropic.APIStatusError as e:
        body = e.response.json()
        assert body["type"] == "error", body
        assert body["error"]["type"] == ANTHROPIC_TYPE[e.status_code], body
        return e.status_code, (None, body["error"]["message"])


def call_genai(carrier, key, model):
    if carrier == "query":
        # The SDK sends its key as a header; ?key= is Gemini's REST form.
        query = "?" + urllib.parse.urlencode({"key": key}) if key else ""
        request = urllib.request.Request(
            f"{URL}/genai/v1beta/models/{model}:generateContent{query}",
            data=json.dumps({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}).encode(),
            headers={"content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30):
                return 200, None
        except urllib.error.HTTPError as e:
            err = json.loads(e.read())["error"]
            assert err["code"] == e.code and err["status"] == GENAI_STATUS[e.code], err
            return e.code, (None, err["message"])
    api_key = key if carrier == "x-goog-api-key" and key else NOT_A_VK
    options = types.HttpOptions(base_url=URL + "/genai", api_version="v1beta", headers=headers_for(carrier, key) if carrier == "x-bf-vk" else None)
    client = genai.Client(api_key=api_key, http_options=options)
    try:
        client.models.generate_content(model=model, contents="hi")
        return 200, None
    except errors.APIError as e:
        assert e.status == GENAI_STATUS[e.code], (e.code, e.status)
        return e.code, (None, e.message)


CALLS = {"openai": call_openai, "anthropic": call_anthropic, "genai": call_genai}


@pytest.mark.parametrize("route,carrier,case", ROWS)
def test_auth_matrix(route, carrier, case):
    key, model, status, kind, says = CASES[case]
    got, error = CALLS[route](carrier, key, model)
    assert got == status, (route, carrier, case, error)
    if status == 200:
        return
    error_type, message = error
    if route == "openai":
        assert error_type == kind, (error_type, message)
    assert says in message, message
    # A presented key is never echoed whole: at most its first and last four characters.
    assert "MIDDLEPART" not in message and VK_OK[8:-4] not in message, message
