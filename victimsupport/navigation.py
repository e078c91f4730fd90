"""The main navigation, by role. Apps add their entries here as they grow pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from victimsupport.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    # Roles that open this page rarely: for them it is under "More", so that the bar fits one row.
    more: frozenset[str] = frozenset()


ALL_ROLES = frozenset(Role.values)
CASEWORK = frozenset({Role.SPECIALIST, Role.REGIONAL_MANAGER})

NAV_ITEMS: list[NavItem] = [
    NavItem(_("Start"), "home", ALL_ROLES),
    NavItem(_("Cases"), "cases:case-list", CASEWORK),
    # The case list has the same button: a manager, who opens few cases, finds it there or under "More".
    NavItem(_("New case"), "cases:intake", CASEWORK, more=frozenset({Role.REGIONAL_MANAGER})),
    NavItem(_("Find a person"), "cases:person-search", CASEWORK),
    NavItem(_("Mental-health aid"), "cases:aid-applications", CASEWORK),
    NavItem(_("Anonymous contacts"), "cases:anonymous-list", CASEWORK, more=CASEWORK),
    NavItem(_("Compensation"), "compensation:claim-list", CASEWORK),
    NavItem(_("Mediation"), "mediation:list", CASEWORK | {Role.VOLUNTEER}, more=CASEWORK),
    NavItem(_("Crisis"), "crisis:event-list", CASEWORK | {Role.VOLUNTEER}, more=CASEWORK),
    NavItem(
        _("Providers"),
        "referrals:provider-list",
        frozenset({Role.SERVICE_ORGANISER, Role.SPECIALIST, Role.REGIONAL_MANAGER}),
        more=frozenset({Role.SPECIALIST, Role.REGIONAL_MANAGER}),
    ),
    NavItem(
        _("Invoices"),
        "referrals:invoice-list",
        frozenset({Role.SERVICE_ORGANISER, Role.REGIONAL_MANAGER}),
        more=frozenset({Role.REGIONAL_MANAGER}),
    ),
    NavItem(_("Payments"), "referrals:payments", frozenset({Role.SERVICE_ORGANISER})),
    NavItem(
        _("Budget"),
        "referrals:budget",
        frozenset({Role.SERVICE_ORGANISER, Role.ADMINISTRATOR}),
        more=frozenset({Role.SERVICE_ORGANISER}),
    ),
    NavItem(
        _("Statistics"),
        "reporting:dashboard",
        frozenset({Role.ANALYST, Role.REGIONAL_MANAGER, Role.SERVICE_ORGANISER, Role.ADMINISTRATOR}),
    ),
    NavItem(_("My work"), "reporting:own-work", frozenset({Role.SPECIALIST})),
    NavItem(_("My clients"), "volunteers:my-clients", frozenset({Role.VOLUNTEER})),
    NavItem(_("My month"), "volunteers:my-month", frozenset({Role.VOLUNTEER})),
    NavItem(_("Volunteers"), "volunteers:volunteer-list", frozenset({Role.COORDINATOR, Role.REGIONAL_MANAGER})),
    NavItem(
        _("Volunteer figures"),
        "volunteers:overview",
        frozenset({Role.COORDINATOR, Role.REGIONAL_MANAGER}),
        more=frozenset({Role.REGIONAL_MANAGER}),
    ),
    NavItem(
        _("Expense reports"),
        "volunteers:report-list",
        frozenset({Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.SERVICE_ORGANISER}),
        more=frozenset({Role.REGIONAL_MANAGER}),
    ),
    NavItem(
        _("Volunteers' expenses"),
        "volunteers:payments",
        frozenset({Role.SERVICE_ORGANISER}),
        more=frozenset({Role.SERVICE_ORGANISER}),
    ),
    # One MARAC entry (its page leads to the cases, the actions and the figures), so the bar fits one row.
    NavItem(
        _("MARAC"),
        "marac:network-list",
        frozenset({Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.MARAC_PARTNER}),
    ),
    NavItem(_("My actions"), "marac:my-actions", frozenset({Role.MARAC_PARTNER})),
    NavItem(_("MARAC figures"), "marac:figures", frozenset({Role.ANALYST})),
    NavItem(_("Expert opinions"), "compensation:my-opinions", frozenset({Role.EXPERT_DOCTOR})),
    # One entry for prevention work: the plan's page leads to the activities, the figures and the materials.
    NavItem(
        _("Prevention"),
        "prevention:plan-list",
        frozenset({Role.SERVICE_ORGANISER, Role.REGIONAL_MANAGER, Role.COORDINATOR}),
        more=frozenset({Role.REGIONAL_MANAGER, Role.SERVICE_ORGANISER}),
    ),
    NavItem(_("Prevention figures"), "prevention:effectiveness", frozenset({Role.ANALYST})),
    NavItem(
        _("Access log"),
        "access-log",
        frozenset({Role.REGIONAL_MANAGER, Role.ADMINISTRATOR}),
        more=frozenset({Role.REGIONAL_MANAGER}),
    ),
    NavItem(_("Administration"), "admin:index", frozenset({Role.ADMINISTRATOR})),
]


# Each set of roles' entries (label, address, under "More"), worked out once per process: the entries and
# their addresses change only with a deploy. Keyed also by the script prefix and URL conf, as reverse() is.
_entries: dict[tuple, list[tuple]] = {}


def _entries_for(roles: frozenset[str]) -> list[tuple]:
    key = (roles, get_script_prefix(), get_urlconf())
    entries = _entries.get(key)
    if entries is None:
        entries = []
        for item in NAV_ITEMS:
            granted_by = item.roles & roles
            if not granted_by:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            entries.append((item.label, url, granted_by <= item.more))
        _entries[key] = entries
    return entries


def navigation_for(request) -> list[dict]:
    """The user's entries in order; `more` marks those shown under "More" (every role of the user that
    gives the entry opens it rarely)."""
    items = [
        {"label": label, "url": url, "current": False, "more": more}
        for label, url, more in _entries_for(frozenset(request.user.roles))
    ]
    # The current entry is the one whose address is the longest start of this page's address.
    matches = [
        entry
        for entry in items
        if request.path == entry["url"] or (entry["url"] != "/" and request.path.startswith(entry["url"]))
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["current"] = True
    return items
