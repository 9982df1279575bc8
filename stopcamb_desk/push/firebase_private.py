"""Every private attribute of firebase-admin and google-auth the desk relies on, and nothing else.

The desk otherwise uses public APIs only: ``credentials.Certificate(...).get_credential()``,
``messaging.Message`` and friends, ``db.reference``, google-auth's ``AuthorizedSession``, and the
documented FCM v1 REST endpoint. What no public API offers is wrapped here, one function per
attribute, each naming it in :data:`PRIVATE_ATTRIBUTES`. ``tests/test_firebase_private.py``
checks every one against the installed libraries, so an upgrade that removes or changes one
fails there, by name, instead of silently stopping the desk from sending; ``pyproject.toml``
bounds the tested major versions.

firebase-admin is bound lazily (:mod:`stopcamb_desk.lazy`): imported by the first message encoded.
"""

from __future__ import annotations

from typing import Any

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.lazy import firebase_messaging, requests

ENCODER = "firebase_admin.messaging._MessagingService.encode_message"
RTDB_SESSION = "firebase_admin.db.Reference._client.session"
RAB_LOOKUP = (
    "google.oauth2.service_account.Credentials._is_regional_access_boundary_lookup_required"
)

PRIVATE_ATTRIBUTES: tuple[str, ...] = (ENCODER, RTDB_SESSION, RAB_LOOKUP)
"""The whole list; the contract test walks it."""


class UnsupportedLibrary(DeskError):
    """An installed firebase-admin / google-auth lacks an attribute listed above."""

    def __init__(self, attribute: str, what: str) -> None:
        super().__init__(
            f"Cette version de firebase-admin n'est pas prise en charge par stopcamb-desk "
            f"({what} introuvable : {attribute}) : réinstallez la version livrée avec "
            "l'application. Rien n'a été envoyé."
        )
        self.attribute = attribute


def encode_message(message: firebase_messaging.Message) -> dict[str, Any]:
    """firebase-admin's own JSON encoding of ``message``: the body its ``send`` would post
    (``messaging.send`` has no public way to return it). Raises ValueError/TypeError for an
    invalid message, as firebase-admin does."""
    service = getattr(firebase_messaging, "_MessagingService", None)
    encode = getattr(service, "encode_message", None)
    if encode is None:
        raise UnsupportedLibrary(ENCODER, "encodeur des messages FCM")
    return dict(encode(message))


def rtdb_session(reference: Any) -> requests.Session:
    """The ``requests`` session behind a Realtime Database ``Reference``, so the caller can
    mount its own no-retry adapter (firebase-admin's retries sleep on ``Retry-After``)."""
    session = getattr(getattr(reference, "_client", None), "session", None)
    if session is None or not hasattr(session, "mount"):
        raise UnsupportedLibrary(RTDB_SESSION, "session HTTP de la Realtime Database")
    return session  # type: ignore[no-any-return]


def disable_regional_access_boundary(credential: Any) -> None:
    """No background lookup to iamcredentials.googleapis.com after a token fetch (google-auth
    2.4x–2.62 started one; 2.63 only does when an experimental environment variable asks):
    offline desks and relays must not talk to Google behind our back. A google-auth that no
    longer has the hook has nothing to switch off."""
    if hasattr(credential, "_is_regional_access_boundary_lookup_required"):
        credential._is_regional_access_boundary_lookup_required = lambda: False
