"""Tasks of the compensation app, for the worker. They live next to their work (letters); services
import those modules, never this one."""

from compensation.letters import render_compensation_letter, send_compensation_email

__all__ = ["render_compensation_letter", "send_compensation_email"]
