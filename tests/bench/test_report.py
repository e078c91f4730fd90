"""The benchmark's report: figures against the targets the issue sets."""

from bench.run import markdown, percentile


def measured(p50, p95, rps=10.0, errors=0):
    return {"p50_ms": p50, "p95_ms": p95, "rps": rps, "errors": errors, "requests": 100, "statuses": {"200": 100}}


def result(case_list_p95_at_16: float, letter_median: float) -> dict:
    return {
        "date": "2026-11-22",
        "scale": 1.0,
        "concurrency": [1, 16],
        "machine": {"cores": 2, "memory_gib": 23.5, "system": "Linux"},
        "versions": {"django": "6.1.3"},
        "dataset": {"rows": {"cases_case": 1_000_000}, "region": {"name": "Põhja", "cases": 450_000}},
        "server": {"workers": 4, "threads": 2},
        "pages": [
            {
                "page": "case_list_first",
                "role": "specialist",
                "queries": 10,
                "1": measured(20, 30),
                "16": measured(100, case_list_p95_at_16),
            },
        ],
        "comparisons": [
            {
                "page": "case_list_first",
                "role": "specialist",
                "p95_ms": case_list_p95_at_16,
                "admin_p95_ms": 900,
                "admin_ratio": round(900 / case_list_p95_at_16, 1),
                "floor_ms": 5,
                "p50_ms": 20,
                "floor_ratio": 4.0,
            },
        ],
        "worker": {
            "statistics": {"year": 2025, "seconds": 4.2},
            "letters": {"count": 200, "median_s": letter_median, "per_second": 1 / letter_median},
        },
        "memory": {
            "web": {"peak_process_mib": 120, "peak_total_mib": 500},
            "worker": {"peak_process_mib": 150, "peak_total_mib": 260},
        },
    }


def test_report_marks_what_meets_the_targets():
    table = markdown(result(case_list_p95_at_16=120, letter_median=0.2))
    row = next(line for line in table.splitlines() if line.startswith("| Case list, first page | specialist | 10"))
    assert row.endswith("| – / – / – | 0 | yes |")
    assert "7.5× yes" in table  # 900 ms against 120 ms: more than three times faster than the admin
    assert "**no**" not in table
    assert "2 cores" in table and "django 6.1.3" in table


def test_report_marks_what_misses_the_targets():
    table = markdown(result(case_list_p95_at_16=400, letter_median=0.8))
    row = next(line for line in table.splitlines() if line.startswith("| Case list, first page | specialist | 10"))
    assert row.endswith("| **no** |")
    assert "2.2× **no**" in table
    assert "0.800 s | ≤ 0.5 s **no**" in table


def test_percentile_interpolates():
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([1.0, 2.0], 95) == 1.95
    assert percentile([7.0], 95) == 7.0
