"""French explanations of failed Realtime Database calls (firebase-admin / google-auth)."""

from __future__ import annotations

from typing import Any

from stopcamb_desk.push.news_feed_base import DATABASE_URL_ENV, NewsFeedError

_NOTHING_LOST = "L'article reste enregistré sur le poste ; rien n'est perdu."


def map_error(exc: BaseException, *, host: str, timeout: float) -> NewsFeedError:
    """French explanation of a failed Realtime Database call (firebase-admin / google-auth)."""
    import requests
    from firebase_admin import exceptions as fexc
    from google.auth import exceptions as gexc

    if isinstance(exc, NewsFeedError):
        return exc
    if isinstance(exc, gexc.GoogleAuthError):
        return NewsFeedError(
            "Connexion à Firebase refusée : le compte de service n'a pas pu obtenir de jeton "
            "(clé révoquée, fichier remplacé ou heure du poste fausse). Demandez à "
            f"l'administrateur de vérifier le fichier de compte de service. {_NOTHING_LOST}"
        )
    response = getattr(exc, "http_response", None)
    cause = getattr(exc, "cause", None) or exc.__cause__
    if response is None:
        if isinstance(exc, fexc.DeadlineExceededError) or isinstance(cause, requests.Timeout):
            return NewsFeedError(
                f"Le serveur du flux d'actualité ({host}) n'a pas répondu en {timeout:g} s. "
                "La modification est peut-être arrivée : vérifiez la connexion, puis cliquez sur "
                f"« Réessayer » (sans risque : le même article est remplacé). {_NOTHING_LOST}",
                transient=True,
                maybe_applied=True,
            )
        if isinstance(exc, fexc.UnavailableError) or isinstance(cause, requests.ConnectionError):
            return NewsFeedError(
                f"Le serveur du flux d'actualité ({host}) est injoignable : vérifiez la "
                "connexion Internet du poste (câble, proxy, pare-feu), puis cliquez sur "
                f"« Réessayer ». {_NOTHING_LOST}",
                transient=True,
            )
        return NewsFeedError(
            f"Échec de l'échange avec le serveur du flux d'actualité ({host}) : "
            f"{exc.__class__.__name__}. Réessayez ; si cela persiste, prévenez l'administrateur. "
            f"{_NOTHING_LOST}",
            transient=True,
        )
    status = int(response.status_code)
    detail = _server_message(response)
    if status in (401, 403):
        return NewsFeedError(
            f"La base du flux d'actualité a refusé l'accès (erreur {status}{detail}) : le "
            "compte de service n'a pas le droit d'écrire dans /flux_actualite, ou les règles de "
            "sécurité l'interdisent. Demandez à l'administrateur de vérifier le compte de "
            f"service et les règles de la Realtime Database. {_NOTHING_LOST}",
            http_status=status,
        )
    if status == 404:
        return NewsFeedError(
            f"Base du flux d'actualité introuvable sur {host} (erreur 404{detail}) : vérifiez "
            f"l'adresse {DATABASE_URL_ENV} avec l'administrateur. {_NOTHING_LOST}",
            http_status=status,
        )
    if status == 429 or status >= 500:
        return NewsFeedError(
            f"Le serveur du flux d'actualité est momentanément indisponible (erreur {status}"
            f"{detail}) : réessayez dans quelques minutes avec « Réessayer ». {_NOTHING_LOST}",
            transient=True,
            http_status=status,
        )
    return NewsFeedError(
        f"Le serveur du flux d'actualité a refusé l'article (erreur {status}{detail}) : "
        f"prévenez l'administrateur. {_NOTHING_LOST}",
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
