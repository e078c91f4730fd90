"""The security log: logins, failed logins, role and permission changes, and acts with legal or
financial effect. Its own logger (`victimsupport.security`), one JSON object per line."""

from __future__ import annotations

import json
import logging

from django.utils import timezone

from victimsupport.models import User
from victimsupport.requestcontext import current_ip

logger = logging.getLogger("victimsupport.security")


def security_event(event: str, *, actor: User | None = None, **fields) -> None:
    record = {
        "event": event,
        "at": timezone.now().isoformat(),
        "actor": getattr(actor, "pk", actor),
        "ip": current_ip(),
        **{key: (value.pk if hasattr(value, "pk") else value) for key, value in fields.items()},
    }
    logger.info(json.dumps(record, default=str, ensure_ascii=False))
