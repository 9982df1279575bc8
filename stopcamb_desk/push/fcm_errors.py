"""Turn what went wrong on the way to FCM into a typed error with a French explanation.

Inputs are what the requests / google-auth stack raises (no firebase-admin exception types:
our gateway posts the stored message itself, see ``fcm.py``):

- ``requests.HTTPError`` with the FCM v1 error body
  ``{"error": {"code", "status", "message", "details": [{"@type": …FcmError, "errorCode"}]}}``;
- ``requests.Timeout`` / ``requests.ConnectionError`` (no answer);
- ``google.auth.exceptions.RefreshError`` / ``TransportError`` (the OAuth token endpoint).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from stopcamb_desk.lazy import google_auth_errors, requests
from stopcamb_desk.push.gateway import PermanentPushError, PushError, TransientPushError

FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_DETAIL_MAX = 200

_CHECK_CREDENTIALS = (
    "vérifiez le fichier de compte de service (clé supprimée ou révoquée dans la console "
    "Firebase ?) et l'heure du poste, puis cliquez sur « Renvoyer »."
)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay in seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _error_body(response: Any) -> tuple[str | None, str | None, str]:
    """(FCM errorCode, Google status, short English message) from an error response."""
    try:
        body = response.json()
    except ValueError:
        return None, None, ""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, None, ""
    fcm_code = None
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and detail.get("@type") == FCM_ERROR_TYPE:
            fcm_code = detail.get("errorCode")
    status = error.get("status") if isinstance(error.get("status"), str) else None
    message = str(error.get("message") or "")[:_DETAIL_MAX]
    return fcm_code, status, message


def from_http_response(response: Any, *, project_id: str) -> PushError:
    """Map an FCM HTTP error response (status ≥ 400) to a typed error."""
    status = int(response.status_code)
    fcm_code, google_status, detail = _error_body(response)
    code = fcm_code or google_status
    tail = f" (HTTP {status}{' ' + code if code else ''}{' : ' + detail if detail else ''})"
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    kw: dict[str, Any] = {"http_status": status, "fcm_code": code}

    if status == 429 or fcm_code == "QUOTA_EXCEEDED":
        wait = f"dans {round(retry_after)} s" if retry_after is not None else "sous peu"
        return TransientPushError(
            f"Quota d'envoi Firebase dépassé : nouvel essai automatique {wait}.{tail}",
            retry_after=retry_after,
            **kw,
        )
    if status >= 500:
        return TransientPushError(
            "Le service Firebase Cloud Messaging est momentanément indisponible : "
            f"nouvel essai automatique.{tail}",
            retry_after=retry_after,
            **kw,
        )
    if fcm_code in ("THIRD_PARTY_AUTH_ERROR", "APNS_AUTH_ERROR"):
        return PermanentPushError(
            "Apple (APNs) a refusé le certificat ou la clé de l'application iOS enregistrés "
            "dans la console Firebase : l'équipe de l'application doit les renouveler, puis "
            f"cliquez sur « Renvoyer ».{tail}",
            **kw,
        )
    if status == 401:
        return PermanentPushError(
            "Identifiants Firebase refusés, même après renouvellement du jeton d'accès : "
            + _CHECK_CREDENTIALS
            + tail,
            **kw,
        )
    if status == 403 or fcm_code == "SENDER_ID_MISMATCH":
        return PermanentPushError(
            f"Le compte de service n'a pas le droit d'envoyer pour le projet Firebase "
            f"« {project_id} » : vérifiez que le fichier de compte de service est celui du "
            "projet de l'application et qu'il a le rôle « Firebase Cloud Messaging API "
            f"Admin », puis cliquez sur « Renvoyer ».{tail}",
            **kw,
        )
    if status == 404:
        return PermanentPushError(
            f"Projet Firebase « {project_id} » introuvable à cette adresse : vérifiez le "
            "project_id du fichier de compte de service et le réglage fcm.endpoint "
            f"(relais), puis cliquez sur « Renvoyer ».{tail}",
            **kw,
        )
    if status == 400:
        return PermanentPushError(
            "Firebase a refusé le message comme mal formé : ce n'est pas un problème de "
            "réseau ; renvoyer ne changera rien. Signalez-le à l'administrateur avec le "
            f"numéro de l'alerte.{tail}",
            **kw,
        )
    return PermanentPushError(
        f"Réponse inattendue de Firebase : l'alerte n'a pas été acceptée.{tail}", **kw
    )


def from_network_error(exc: Exception, *, url: str) -> TransientPushError:
    """A request that got no HTTP answer (``requests`` Timeout / ConnectionError)."""
    host = urlsplit(url).netloc or url
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransientPushError(
            f"Connexion impossible au service d'envoi ({host}) : délai dépassé. Vérifiez le "
            "réseau du poste ; nouvel essai automatique."
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return TransientPushError(
            f"Pas de réponse du service d'envoi ({host}) dans le délai : le message a peut-être "
            "été accepté. Nouvel essai automatique, sans doublon visible (le nouveau push "
            "remplace le précédent sur les téléphones).",
            maybe_delivered=True,
        )
    text = repr(exc)
    if "RemoteDisconnected" in text or "ProtocolError" in text or "ConnectionReset" in text:
        return TransientPushError(
            f"Le service d'envoi ({host}) a coupé la connexion sans répondre : le message a "
            "peut-être été accepté. Nouvel essai automatique, sans doublon visible.",
            maybe_delivered=True,
        )
    return TransientPushError(
        f"Connexion impossible au service d'envoi ({host}) : vérifiez le réseau du poste, le "
        "pare-feu ou le relais (réglage fcm.endpoint) ; nouvel essai automatique."
    )


def from_auth_error(exc: Exception) -> PushError:
    """google-auth failed to obtain an access token from the service account's token_uri."""
    if isinstance(exc, google_auth_errors.RefreshError) and not exc.retryable:
        reason = ""
        if len(exc.args) > 1 and isinstance(exc.args[1], dict):
            reason = str(exc.args[1].get("error") or "")
        reason = f" ({reason})" if reason else ""
        return PermanentPushError(
            "Identifiants Firebase refusés par le serveur d'authentification Google"
            f"{reason} : " + _CHECK_CREDENTIALS
        )
    return TransientPushError(
        "Impossible d'obtenir le jeton d'accès Firebase (serveur d'authentification "
        "injoignable ou indisponible) : vérifiez le réseau du poste ; nouvel essai automatique."
    )


def from_unexpected(exc: Exception, *, url: str) -> TransientPushError:
    """An answer that is not FCM's JSON (a misconfigured relay or proxy page)."""
    host = urlsplit(url).netloc or url
    return TransientPushError(
        f"Réponse illisible du service d'envoi ({host}) : le message a peut-être été accepté. "
        "Vérifiez le relais (réglage fcm.endpoint) ; nouvel essai automatique.",
        maybe_delivered=True,
    )
