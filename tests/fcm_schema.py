"""The FCM v1 ``Message`` schema for the loopback server of the tests.

The official discovery document shipped in google-api-python-client (``fcm.v1.json``) is turned
into a JSON Schema (``$ref``s resolved, unknown fields refused, proto names accepted), and
:func:`validate_message` adds what FCM enforces beyond the schema (one target, topic names, data
values, TTL, APNs headers, size).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

TOPIC_RE = re.compile(r"[a-zA-Z0-9\-_.~%]+")
MAX_TTL_SECONDS = 28 * 24 * 3600
MAX_MESSAGE_BYTES = 4096


def discovery_document_path() -> Path:
    import googleapiclient

    return Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "fcm.v1.json"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_FORMAT_PATTERNS = {
    "google-duration": r"^-?\d+(\.\d{1,9})?s$",
    "google-datetime": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
    "int64": r"^-?\d+$",
}
_DROP = {"description", "id", "enumDescriptions", "deprecated", "readOnly"}


def _convert(node: Any) -> Any:
    """Discovery schema → JSON Schema (draft 2020-12).

    - ``{"$ref": "X"}`` → ``{"$ref": "#/$defs/X"}``;
    - objects with ``properties`` reject unknown fields (FCM answers 400 « Unknown name »);
    - each field is also accepted under its proto name (``collapse_key`` for
      ``collapseKey``): the proto3 JSON parser accepts both, and firebase-admin sends the
      snake_case form;
    - enums are matched case-insensitively (firebase-admin sends ``"high"`` for ``HIGH``);
    - string formats become patterns; ``"type": "any"`` (discovery only) accepts anything.
    """
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROP or (key == "type" and value == "any"):
            continue
        if key == "$ref":
            out["$ref"] = f"#/$defs/{value}"
        elif key == "properties":
            props: dict[str, Any] = {}
            for name, sub in value.items():
                props[name] = _convert(sub)
                props.setdefault(_snake(name), props[name])
            out["properties"] = props
        elif key == "enum":
            alternatives = "|".join(re.escape(v) for v in value)
            out["pattern"] = f"^(?i:{alternatives})$"
        elif key == "format":
            if value in _FORMAT_PATTERNS:
                out["pattern"] = _FORMAT_PATTERNS[value]
        else:
            out[key] = _convert(value)
    if "properties" in out and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


@functools.cache
def message_schema() -> dict[str, Any]:
    """JSON Schema of the FCM v1 ``Message`` resource."""
    doc = json.loads(discovery_document_path().read_text(encoding="utf-8"))
    defs = {name: _convert(schema) for name, schema in doc["schemas"].items()}
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}
    schema["$ref"] = "#/$defs/Message"
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _extra_checks(message: dict[str, Any]) -> list[str]:
    """What FCM enforces beyond the discovery schema."""
    errors: list[str] = []
    targets = [k for k in ("token", "topic", "condition") if message.get(k)]
    if len(targets) != 1:
        errors.append(f"exactly one of token/topic/condition required, got {targets}")
    topic = message.get("topic")
    if isinstance(topic, str) and not TOPIC_RE.fullmatch(topic):
        errors.append(f"malformed topic name {topic!r}")
    data = message.get("data") or {}
    if isinstance(data, dict):
        for k, v in data.items():
            if not isinstance(v, str):
                errors.append(f"data[{k!r}] is not a string")
            if k in ("from", "message_type") or k.startswith(("google.", "gcm.")):
                errors.append(f"data key {k!r} is reserved")
    android = message.get("android") or {}
    ttl = android.get("ttl") if isinstance(android, dict) else None
    if (
        isinstance(ttl, str)
        and re.fullmatch(_FORMAT_PATTERNS["google-duration"], ttl)
        and not 0 <= float(ttl[:-1]) <= MAX_TTL_SECONDS
    ):
        errors.append(f"android.ttl {ttl} outside 0..4 weeks")
    apns = message.get("apns") or {}
    headers = apns.get("headers") or {} if isinstance(apns, dict) else {}
    collapse = headers.get("apns-collapse-id")
    if collapse is not None and len(str(collapse).encode("utf-8")) > 64:
        errors.append("apns-collapse-id longer than 64 bytes")
    expiration = headers.get("apns-expiration")
    if expiration is not None and not (
        isinstance(expiration, str) and expiration.isdigit() and int(expiration) > 10**9
    ):
        errors.append(f"apns-expiration {expiration!r} is not a UNIX timestamp")
    if "apns-priority" in headers and headers["apns-priority"] not in ("5", "10"):
        errors.append("apns-priority must be 5 or 10")
    if "apns-push-type" in headers and headers["apns-push-type"] not in (
        "alert",
        "background",
        "voip",
        "complication",
        "fileprovider",
        "mdm",
        "liveactivity",
        "location",
        "pushtotalk",
        "controls",
        "widgets",
    ):
        errors.append("unknown apns-push-type")
    size = len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_MESSAGE_BYTES:
        errors.append(f"message too big ({size} bytes)")
    return errors


def validate_message(message: Any) -> list[str]:
    """All the reasons FCM would refuse ``message`` with 400 (empty list: valid)."""
    validator = jsonschema.Draft202012Validator(message_schema())
    errors = [
        f"{'/'.join(str(p) for p in e.absolute_path) or '<message>'}: {e.message}"
        for e in validator.iter_errors(message)
    ]
    if isinstance(message, dict) and not errors:
        errors.extend(_extra_checks(message))
    return errors


__all__ = [
    "MAX_MESSAGE_BYTES",
    "MAX_TTL_SECONDS",
    "TOPIC_RE",
    "discovery_document_path",
    "message_schema",
    "validate_message",
]
