"""RSA keys and Google service-account JSON files for the loopback FCM server of the tests."""

from __future__ import annotations

import functools
import json
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@functools.cache
def shared_key() -> rsa.RSAPrivateKey:
    """One RSA key per test session (generating a 2048-bit key is slow)."""
    return new_private_key()


def new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def mint_service_account(
    path: Path,
    *,
    token_uri: str,
    project_id: str = "stopcamb-test",
    key: rsa.RSAPrivateKey | None = None,
    mode: int = 0o600,
    **overrides: Any,
) -> Path:
    """Write a Google service-account JSON with its own RSA key; returns ``path``."""
    key = key or shared_key()
    info: dict[str, Any] = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": secrets.token_hex(20),
        "private_key": private_key_pem(key),
        "client_email": f"stopcamb-desk@{project_id}.iam.gserviceaccount.com",
        "client_id": str(secrets.randbelow(10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "universe_domain": "googleapis.com",
    }
    info.update(overrides)
    info = {k: v for k, v in info.items() if v is not None}
    path.write_text(json.dumps(info, indent=2), encoding="utf-8")
    path.chmod(mode)
    return path


__all__ = ["mint_service_account", "new_private_key", "private_key_pem", "shared_key"]
