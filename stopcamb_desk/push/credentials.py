"""Check a Firebase service-account JSON file and explain any problem in French.

Nothing read from the file (private key, key id) ever goes into a message or a log line.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from stopcamb_desk.lazy import key_serialization
from stopcamb_desk.push.gateway import PushConfigError

DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
_WHERE = (
    "téléchargez-le depuis la console Firebase (Paramètres du projet › Comptes de service › "
    "Générer une nouvelle clé privée) et indiquez son chemin dans le réglage fcm.credentials"
)


@dataclass(frozen=True, slots=True)
class CredentialsInfo:
    path: Path
    project_id: str
    client_email: str
    token_uri: str


def _fail(path: Path, problem: str) -> PushConfigError:
    return PushConfigError(f"Fichier de compte de service Firebase {path} : {problem}")


def _refuse_shared(path: Path) -> None:
    """The key that sends alerts to the public must not be readable by every account of the
    workstation (its owner, and at most the operators' group, may read it: 0600 or 0640)."""
    if os.name != "posix":
        return
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXO | stat.S_IWGRP):
        raise _fail(
            path,
            f"accessible à d'autres comptes de ce poste (droits {stat.filemode(mode)}) alors "
            "qu'il contient la clé qui permet d'envoyer des alertes à la population. Rien n'a "
            f"été envoyé. Corrigez avec « chmod 600 '{path}' » puis relancez.",
        )


def check_credentials(path: Path | str) -> CredentialsInfo:
    """Validate the file; raise PushConfigError (French, says what to do) if unusable."""
    path = Path(path).expanduser()
    if not path.exists():
        raise _fail(path, f"fichier introuvable ; {_WHERE}.")
    if not path.is_file():
        raise _fail(path, f"ce n'est pas un fichier ; {_WHERE}.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(
            path,
            f"lecture impossible ({exc.strerror}) : vérifiez les droits du fichier pour le "
            "compte qui lance l'application.",
        ) from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _fail(
            path,
            f"ce n'est pas un fichier JSON valide (fichier tronqué ou modifié ?) ; {_WHERE}.",
        ) from None
    if not isinstance(data, dict) or data.get("type") != "service_account":
        raise _fail(
            path,
            'ce n\'est pas un compte de service (attendu : "type": "service_account" ; '
            "un fichier google-services.json d'application mobile ne convient pas) ; "
            f"{_WHERE}.",
        )
    project_id = data.get("project_id")
    if not isinstance(project_id, str) or not project_id.strip():
        raise _fail(path, f"l'identifiant du projet (project_id) est absent ; {_WHERE}.")
    client_email = data.get("client_email")
    if not isinstance(client_email, str) or "@" not in client_email:
        raise _fail(path, f"l'adresse du compte (client_email) est absente ; {_WHERE}.")
    private_key = data.get("private_key")
    if not isinstance(private_key, str) or "PRIVATE KEY" not in private_key:
        raise _fail(path, f"la clé privée (private_key) est absente ; {_WHERE}.")
    try:
        key_serialization.load_pem_private_key(private_key.encode("utf-8"), password=None)
    except (ValueError, TypeError):
        raise _fail(
            path, f"la clé privée est illisible (fichier tronqué ou modifié ?) ; {_WHERE}."
        ) from None
    token_uri = data.get("token_uri") or DEFAULT_TOKEN_URI
    if not isinstance(token_uri, str) or not token_uri.startswith(("https://", "http://")):
        raise _fail(path, f"l'adresse token_uri est invalide ; {_WHERE}.")
    _refuse_shared(path)
    return CredentialsInfo(
        path=path,
        project_id=project_id.strip(),
        client_email=client_email,
        token_uri=token_uri,
    )
