"""View mixins: role gates for pages, and objects fetched only through restrict().

Out of scope: 404 (the object is not revealed). In scope but not allowed to act: 403.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from victimsupport.permissions.querysets import is_permitted


def restricted_object(queryset: models.QuerySet, user, *, action: str = "view", **lookup) -> models.Model:
    """The object matching `lookup` among those `user` may view; 404 otherwise. If `action` is not
    "view", the user must also hold it on the object, else 403."""
    try:
        obj = queryset.restrict(user, "view").get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if action != "view" and not is_permitted(user, obj, action):
        raise PermissionDenied
    return obj


class RoleRequiredMixin(LoginRequiredMixin):
    """Only users holding one of `roles` (any authenticated user when empty) get the page; others 403."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.roles and not request.user.has_role(*self.roles):
            raise PermissionDenied
        response = self.prepare(request, *args, **kwargs)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, request, *args, **kwargs):
        """After the role check, before the handler: load objects; return a response to stop."""
        return None


class RestrictedObjectMixin(RoleRequiredMixin):
    """Fetches `self.object` through restrict(). `action` is what the view does to the object."""

    model: type[models.Model]
    action: str = "view"
    pk_url_kwarg = "pk"

    def get_base_queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def get_object(self) -> models.Model:
        return restricted_object(
            self.get_base_queryset(), self.request.user, action=self.action, pk=self.kwargs[self.pk_url_kwarg]
        )
