from django.conf import settings

from victimsupport.models import Role
from victimsupport.navigation import navigation_for


def shell(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    nav_items = navigation_for(request) if signed_in else []
    nav_more = [item for item in nav_items if item["more"]]
    return {
        "nav_items": nav_items,
        "nav_more": nav_more,
        "nav_more_current": any(item["current"] for item in nav_more),
        "role_labels": [label for value, label in Role.choices if value in user.roles] if signed_in else [],
        "APP_VERSION": settings.APP_VERSION,
    }
