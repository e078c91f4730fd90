"""Tasks of the MARAC app, for the worker; they live next to their work."""

from marac.letters import render_agenda, render_minutes, render_referral_letters
from marac.services.actions import remind_overdue_actions

__all__ = ["remind_overdue_actions", "render_agenda", "render_minutes", "render_referral_letters"]
