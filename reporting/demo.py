"""Demo statistics: the figures of the current and the previous year, computed from the other apps' demo
data (seeded before this app's), as the nightly run would. Safe to run again."""

from __future__ import annotations

from reporting.services import statistics_nightly


def seed(stdout=None) -> None:
    runs = statistics_nightly()
    if stdout is not None:
        stdout.write("reporting: " + ", ".join(f"{run.year}: {run.data['figures']} figures" for run in runs))
