"""Tasks of the referrals app, for the worker. The letter task lives next to its work (letters); services
import that module, never this one."""

from referrals.letters import render_referral_letter

__all__ = ["render_referral_letter"]
