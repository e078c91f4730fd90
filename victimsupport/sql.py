"""Query building blocks for large tables."""

from __future__ import annotations

from django.db.models import Exists
from django.db.models.expressions import Col
from django.utils.functional import cached_property


class ProbeExists(Exists):
    """EXISTS that PostgreSQL runs as an index probe for each outer row. Without the `OFFSET 0`
    the planner may turn an EXISTS under OR into a hashed subplan over every granted row (hundreds
    of thousands for a regional group), even where the outer query stops after one page of 25."""

    def as_sql(self, compiler, connection, template=None, **extra_context):
        sql, params = super().as_sql(compiler, connection, template, **extra_context)
        if sql.endswith(" LIMIT 1)"):
            sql = sql[:-1] + " OFFSET 0)"
        return sql, params


_COL_ARGS = ("alias", "target", "output_field")


def col_identity(col: Col) -> tuple:
    """Django's Expression.identity for a column, without inspect.signature: Django 6.1 hashes every
    selected column each time it compiles a query (to order by position), and binding the signature was
    a twentieth of a start page's CPU. The same tuple as Django's (tests/platform/test_sql.py holds it)."""
    args, kwargs = col._constructor_args
    given = {**dict(zip(_COL_ARGS, args, strict=False)), **kwargs}
    return (
        col.__class__,
        *((name, Col._identity(given.get(name))) for name in _COL_ARGS),
    )


def install_col_identity() -> None:
    """Called once from the platform app's ready()."""
    prop = cached_property(col_identity)
    prop.__set_name__(Col, "identity")
    Col.identity = prop
