"""Address geocoding with geopy's ``BANFrance`` geocoder, against an addok engine.

The national address API (Base Adresse Nationale) is an addok engine; a gendarmerie network can
run its own on premises. The endpoint is a setting (``[geocoder] url`` /
``STOPCAMB_GEOCODER_URL``, default :data:`DEFAULT_GEOCODER_URL`): ``scheme://host[:port][/path]``,
to which geopy appends ``/search``. Calls go through geopy's ``RateLimiter`` (at most one
request per :data:`MIN_DELAY_SECONDS`, no retry: an operator's click gets an answer in seconds)
and are blocking: callers run them off the GUI thread.

:class:`GeocodingError` (French ``message``) means the service could not be asked (offline,
timeout, HTTP error); ``None`` means it answered but found nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from stopcamb_desk.config import DEFAULT_GEOCODER_URL
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.lazy import geopy_errors, geopy_geocoders, geopy_rate_limiter

GEOCODER_URL_ENV = "STOPCAMB_GEOCODER_URL"
DEFAULT_TIMEOUT_SECONDS = 5.0
# The national API allows 50 requests per second and per address; one desk stays far below.
MIN_DELAY_SECONDS = 0.1
USER_AGENT = "stopcamb-desk (gendarmerie, annuaire des brigades)"
# Below this addok score the answer is a guess (a street of another town): not trusted.
MIN_SCORE = 0.4


class GeocodingError(DeskError):
    """The geocoding service could not be asked; ``message`` is French."""


def check_geocoder_url(url: str) -> str:
    """``http(s)://host[:port][/path]``, without query; refused with a French message."""
    url = url.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        readable = parts.port is None or parts.port > 0  # reading the port checks it
    except ValueError:  # « http://[::1 », « http://addok:99999 »
        readable = False
    if not readable or parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise GeocodingError(
            f"Adresse du service de géocodage invalide : « {url} ». Attendu par exemple "
            f"{DEFAULT_GEOCODER_URL} ou http://addok.interne:7878 (réglage [geocoder] url ou "
            f"{GEOCODER_URL_ENV})."
        )
    return url


@dataclass(frozen=True, slots=True)
class GeocodedAddress:
    label: str  # « 12 Rue de la Libération 34400 Lunel »
    lat: float
    lon: float
    score: float
    kind: str  # housenumber, street, locality, municipality
    citycode: str
    postcode: str
    city: str


class AddressGeocoder:
    """geopy ``BANFrance`` on the configured addok endpoint; thread-safe, built lazily."""

    def __init__(
        self, url: str = DEFAULT_GEOCODER_URL, timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self.url = check_geocoder_url(url)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._geocode: Any = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    def _limited(self) -> Any:
        with self._lock:
            if self._geocode is None:
                parts = urlsplit(self.url)
                geocoder = geopy_geocoders.BANFrance(
                    domain=parts.netloc + parts.path,
                    scheme=parts.scheme,
                    timeout=self.timeout,
                    user_agent=USER_AGENT,
                )
                self._geocode = geopy_rate_limiter.RateLimiter(
                    geocoder.geocode,
                    min_delay_seconds=MIN_DELAY_SECONDS,
                    max_retries=0,
                    swallow_exceptions=False,
                )
            return self._geocode

    def geocode(self, query: str, limit: int = 5) -> list[GeocodedAddress]:
        """Addresses matching ``query``, best first (empty: nothing found)."""
        query = " ".join(query.split())
        if not query:
            return []
        try:
            found = self._limited()(query[:200], limit=limit, exactly_one=False)
        except geopy_errors.GeocoderTimedOut:
            raise GeocodingError(
                f"Le service de géocodage ({self.host}) n'a pas répondu en {self.timeout:g} s."
            ) from None
        except geopy_errors.GeocoderServiceError as exc:
            raise GeocodingError(
                f"Le service de géocodage ({self.host}) est injoignable ou en erreur "
                f"({exc.__class__.__name__})."
            ) from None
        out: list[GeocodedAddress] = []
        for location in found or []:
            props = (location.raw or {}).get("properties", {})
            out.append(
                GeocodedAddress(
                    label=str(props.get("label") or location.address),
                    lat=float(location.latitude),
                    lon=float(location.longitude),
                    score=float(props.get("score") or 0.0),
                    kind=str(props.get("type") or ""),
                    citycode=str(props.get("citycode") or ""),
                    postcode=str(props.get("postcode") or ""),
                    city=str(props.get("city") or ""),
                )
            )
        return out
