"""Tasks of the reporting app, for the worker. The tasks live next to their work (services)."""

from reporting.services import compute_nightly, compute_statistics
from reporting.yearly import render_yearly_report

__all__ = ["compute_nightly", "compute_statistics", "render_yearly_report"]
