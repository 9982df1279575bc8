"""Push delivery: FCM through firebase-admin (real) or SIMULATION (embedded default).

Importing this package is cheap: firebase-admin, google-auth and requests are bound lazily
(:mod:`stopcamb_desk.lazy`), imported when a gateway first connects or a payload is encoded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.push.gateway import PushGateway
from stopcamb_desk.push.simulation import SimulationGateway

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings


def gateway_from_settings(settings: Settings) -> PushGateway:
    """FCM when credentials are configured (raises PushConfigError if unusable), else the
    SIMULATION gateway journaling in the data directory."""
    if settings.fcm.configured:
        assert settings.fcm.credentials is not None
        return FcmGateway(settings.fcm.credentials, endpoint=settings.fcm.endpoint)
    return SimulationGateway(settings.data_dir)
