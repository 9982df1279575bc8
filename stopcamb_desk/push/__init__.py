"""Push delivery: FCM through firebase-admin (real) or SIMULATION (embedded default).

Importing this package is cheap: firebase-admin is imported only when an FCM gateway is
built or a payload is encoded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stopcamb_desk.push.gateway import PushGateway

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings


def gateway_from_settings(settings: Settings) -> PushGateway:
    """FCM when credentials are configured (raises PushConfigError if unusable), else the
    SIMULATION gateway journaling in the data directory."""
    if settings.fcm.configured:
        from stopcamb_desk.push.fcm import FcmGateway

        assert settings.fcm.credentials is not None
        return FcmGateway(settings.fcm.credentials, endpoint=settings.fcm.endpoint)
    from stopcamb_desk.push.simulation import SimulationGateway

    return SimulationGateway(settings.data_dir)
