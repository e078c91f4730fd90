"""Tasks of the volunteers app, for the worker; they live next to their work (services import those
modules, never this one)."""

from volunteers.services.assignments import expire_assignments
from volunteers.services.expenses import remind_expense_reports
from volunteers.services.recruitment import purge_candidates, send_invitation
from volunteers.services.supervision import send_inactive_digest
from volunteers.services.training import render_certificate

__all__ = [
    "expire_assignments",
    "purge_candidates",
    "remind_expense_reports",
    "render_certificate",
    "send_inactive_digest",
    "send_invitation",
]
