"""The Django admin: for administrators only, behind the same login and second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from victimsupport.models.users import Role


class VictimSupportAdminSite(admin.AdminSite):
    site_header = _("Victim support: administration")
    site_title = _("Victim support administration")
    index_title = _("Users, reference data and registers")

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if not (user.is_superuser or user.has_role(Role.ADMINISTRATOR)):
            return False
        return user.is_verified() or not settings.OTP_REQUIRED

    def login(self, request, extra_context=None):
        """One login page for the whole system (with lockout and the second factor)."""
        if request.user.is_authenticated:
            return redirect(reverse("home"))
        return redirect(f"{reverse('login')}?next={request.GET.get('next', reverse('admin:index'))}")
