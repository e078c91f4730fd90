"""`make bench` and its data generator (see README, "Benchmark")."""

BENCH_PASSWORD = "Bench-parool-2026"  # noqa: S105 (generated benchmark users only)
