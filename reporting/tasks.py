"""Tasks of the reporting app, for the worker. The statistics task lives next to its work (services)."""

from reporting.services import compute_statistics

__all__ = ["compute_statistics"]
