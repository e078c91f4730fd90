"""Users, their roles (Django groups) and regions, counties, and login sessions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from victimsupport.history import history


class Role(models.TextChoices):
    """Roles are Django groups with these names."""

    ADMINISTRATOR = "administrator", _("administrator")
    REGIONAL_MANAGER = "regional_manager", _("regional manager")
    SPECIALIST = "specialist", _("victim support specialist")
    SERVICE_ORGANISER = "service_organiser", _("service organiser")
    COORDINATOR = "coordinator", _("coordinator")
    VOLUNTEER = "volunteer", _("volunteer")
    MARAC_PARTNER = "marac_partner", _("MARAC partner")
    ANALYST = "analyst", _("analyst")
    EXPERT_DOCTOR = "expert_doctor", _("expert doctor")


# Roles whose holders work with the cases of their regions (members of the regions' staff groups).
CASEWORK_ROLES = frozenset({Role.SPECIALIST, Role.REGIONAL_MANAGER})


class Region(models.Model):
    """A regional victim support team's area. Reference data an administrator can change."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    # Case grants go to these groups; membership follows a user's roles and regions (services).
    staff_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="staff_of_region", verbose_name=_("staff group")
    )
    managers_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="managers_of_region", verbose_name=_("managers group")
    )
    history = history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class County(models.Model):
    """One of the 15 counties (maakond)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="counties", verbose_name=_("region"))
    history = history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff, a volunteer or a partner. Roles are groups; scope is regions and grants."""

    personal_code = models.CharField(
        _("personal code"),
        max_length=11,
        blank=True,
        default="",
        help_text=_("The official's personal code, reported to the Data Tracker."),
    )
    position = models.CharField(_("position"), max_length=150, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    regions = models.ManyToManyField(Region, blank=True, related_name="users", verbose_name=_("regions"))
    language = models.CharField(
        _("interface language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    history = history(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["personal_code"], condition=~models.Q(personal_code=""), name="user_personal_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        names = set(self.groups.values_list("name", flat=True))
        return frozenset(names & set(Role.values))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @cached_property
    def region_ids(self) -> frozenset[int]:
        return frozenset(self.regions.values_list("pk", flat=True))

    @cached_property
    def group_ids(self) -> frozenset[int]:
        """Role and region groups, whose object grants restrict() honours."""
        return frozenset(self.groups.values_list("pk", flat=True))


class UserSession(models.Model):
    """A login session, so that an administrator can see and end a user's sessions at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True, default="")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ended by")
    )
    end_reason = models.CharField(max_length=30, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%d.%m.%Y %H:%M}"
