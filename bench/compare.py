"""Bench runs side by side: `python bench/compare.py A.json B.json [...] > out.md`.

For each page and user: queries, p50 at one user, web CPU per request and p95 at the top concurrency,
page / floor, per run (the label of a run is its file name). Two runs of one scale show a change; runs
of several scales show whether a page's cost and queries grow with the data."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def load(path: str) -> dict:
    result = json.loads(Path(path).read_text())
    result["label"] = Path(path).stem
    return result


def figures(result: dict) -> dict[tuple[str, str], dict]:
    top = str(max(result["concurrency"]))
    ratios = {(row["page"], row["role"]): row.get("ratio") for row in result.get("floors", [])}
    found = {}
    for page in result["pages"]:
        key = (page["page"], page["role"])
        one, many = page.get("1", {}), page.get(top, {})
        found[key] = {
            "queries": page.get("queries"),
            "p50": one.get("p50_ms"),
            "cpu": many.get("web_cpu_ms"),
            "db": many.get("database_cpu_ms"),
            "p95": many.get("p95_ms"),
            "ratio": ratios.get(key),
        }
    return found


def cell(value, suffix: str = "") -> str:
    return "—" if value is None else f"{value:g}{suffix}"


def compare(runs: list[dict]) -> str:
    tables = [figures(run) for run in runs]
    keys = list(dict.fromkeys(key for table in tables for key in table))
    labels = [f"{run['label']} (scale {run['scale']:g})" for run in runs]
    top = max(max(run["concurrency"]) for run in runs)
    lines = [
        "Runs: " + "; ".join(labels) + ".",
        "",
        f"Each cell: one value per run, in that order. p50 at 1 user; web and database CPU per request and "
        f"p95 at {top} users; page / floor at 1 user.",
        "",
        "| Page | User | Queries | p50 ms @1 | Web CPU ms | Database CPU ms | p95 ms | Page / floor |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page, role in keys:
        rows = [table.get((page, role), {}) for table in tables]

        def joined(name, suffix="", rows=rows):
            return " / ".join(cell(row.get(name), suffix) for row in rows)

        lines.append(
            f"| {page} | {role} | {joined('queries')} | {joined('p50')} | {joined('cpu')} | {joined('db')} | "
            f"{joined('p95')} | {joined('ratio', '×')} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.stdout.write(compare([load(path) for path in sys.argv[1:]]))
