"""Query building blocks for large tables."""

from __future__ import annotations

from django.db.models import Exists


class ProbeExists(Exists):
    """EXISTS that PostgreSQL runs as an index probe for each outer row. Without the `OFFSET 0`
    the planner may turn an EXISTS under OR into a hashed subplan over every granted row (hundreds
    of thousands for a regional group), even where the outer query stops after one page of 25."""

    def as_sql(self, compiler, connection, template=None, **extra_context):
        sql, params = super().as_sql(compiler, connection, template, **extra_context)
        if sql.endswith(" LIMIT 1)"):
            sql = sql[:-1] + " OFFSET 0)"
        return sql, params
