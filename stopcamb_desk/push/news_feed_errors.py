"""French explanations of failed Realtime Database calls (firebase-admin / google-auth)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stopcamb_desk.lazy import firebase_errors, google_auth_errors, requests
from stopcamb_desk.push.news_feed_base import DATABASE_URL_ENV, NewsFeedError


@dataclass(frozen=True, slots=True)
class Wording:
    """What the messages name: the server, the data sent, the path, what stays on the desk."""

    server: str = "du flux d'actualité"
    item: str = "l'article"
    path: str = "/flux_actualite"
    nothing_lost: str = "L'article reste enregistré sur le poste ; rien n'est perdu."
    retry: str = "(sans risque : le même article est remplacé)"


NEWS_WORDING = Wording()


def map_error(
    exc: BaseException,
    *,
    host: str,
    timeout: float,
    wording: Wording = NEWS_WORDING,
    error: type[NewsFeedError] = NewsFeedError,
) -> NewsFeedError:
    """French explanation of a failed Realtime Database call (firebase-admin / google-auth)."""
    w = wording
    nothing_lost = w.nothing_lost
    if isinstance(exc, NewsFeedError):
        return exc
    if isinstance(exc, google_auth_errors.GoogleAuthError):
        return error(
            "Connexion à Firebase refusée : le compte de service n'a pas pu obtenir de jeton "
            "(clé révoquée, fichier remplacé ou heure du poste fausse). Demandez à "
            f"l'administrateur de vérifier le fichier de compte de service. {nothing_lost}"
        )
    response = getattr(exc, "http_response", None)
    cause = getattr(exc, "cause", None) or exc.__cause__
    if response is None:
        if isinstance(exc, firebase_errors.DeadlineExceededError) or isinstance(
            cause, requests.Timeout
        ):
            return error(
                f"Le serveur {w.server} ({host}) n'a pas répondu en {timeout:g} s. "
                "La modification est peut-être arrivée : vérifiez la connexion, puis cliquez sur "
                f"« Réessayer » {w.retry}. {nothing_lost}",
                transient=True,
                maybe_applied=True,
            )
        if isinstance(exc, firebase_errors.UnavailableError) or isinstance(
            cause, requests.ConnectionError
        ):
            return error(
                f"Le serveur {w.server} ({host}) est injoignable : vérifiez la "
                "connexion Internet du poste (câble, proxy, pare-feu), puis cliquez sur "
                f"« Réessayer ». {nothing_lost}",
                transient=True,
            )
        return error(
            f"Échec de l'échange avec le serveur {w.server} ({host}) : "
            f"{exc.__class__.__name__}. Réessayez ; si cela persiste, prévenez l'administrateur. "
            f"{nothing_lost}",
            transient=True,
        )
    status = int(response.status_code)
    detail = _server_message(response)
    if status in (401, 403):
        return error(
            f"La base {w.server} a refusé l'accès (erreur {status}{detail}) : le "
            f"compte de service n'a pas le droit d'écrire dans {w.path}, ou les règles de "
            "sécurité l'interdisent. Demandez à l'administrateur de vérifier le compte de "
            f"service et les règles de la Realtime Database. {nothing_lost}",
            http_status=status,
        )
    if status == 404:
        return error(
            f"Base {w.server} introuvable sur {host} (erreur 404{detail}) : vérifiez "
            f"l'adresse {DATABASE_URL_ENV} avec l'administrateur. {nothing_lost}",
            http_status=status,
        )
    if status == 429 or status >= 500:
        return error(
            f"Le serveur {w.server} est momentanément indisponible (erreur {status}"
            f"{detail}) : réessayez dans quelques minutes avec « Réessayer ». {nothing_lost}",
            transient=True,
            http_status=status,
        )
    return error(
        f"Le serveur {w.server} a refusé {w.item} (erreur {status}{detail}) : "
        f"prévenez l'administrateur. {nothing_lost}",
        http_status=status,
    )


def _server_message(response: Any) -> str:
    """`` : <message>`` from the RTDB error body ``{"error": "..."}``, kept short."""
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("error") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        return ""
    return f" : « {message.strip()[:120]} »"
