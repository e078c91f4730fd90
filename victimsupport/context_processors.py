from django.conf import settings

from victimsupport.models import Role
from victimsupport.navigation import navigation_for


def shell(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "nav_items": navigation_for(request) if signed_in else [],
        "role_labels": [label for value, label in Role.choices if value in user.roles] if signed_in else [],
        "APP_VERSION": settings.APP_VERSION,
    }
