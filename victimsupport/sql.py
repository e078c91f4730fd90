"""Query building blocks for large tables."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, Count, Exists, Expression, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property


def count_of(queryset: QuerySet, link: str, outer: str = "pk") -> Coalesce:
    """The number of `queryset`'s rows whose `link` is the outer row's `outer`, as a correlated subquery:
    `.annotate(open_actions=count_of(Action.objects.filter(status="open"), "referral"))`. Unlike
    `Count("actions", filter=...)` it needs no join and GROUP BY over every row the outer query could
    show, so a page of 25 sorted by an index counts for those 25 only."""
    counted = queryset.filter(**{link: OuterRef(outer)}).order_by().values(link).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


class ProbeExists(Exists):
    """EXISTS that PostgreSQL runs as an index probe for each outer row. Without the `OFFSET 0`
    the planner may turn an EXISTS under OR into a hashed subplan over every granted row (hundreds
    of thousands for a regional group), even where the outer query stops after one page of 25."""

    def as_sql(self, compiler, connection, template=None, **extra_context):
        sql, params = super().as_sql(compiler, connection, template, **extra_context)
        if sql.endswith(" LIMIT 1)"):
            sql = sql[:-1] + " OFFSET 0)"
        return sql, params


class _WrittenOut(Expression):
    """A subquery on `model`'s table over the rows whose `link` is the outer row's `outer` and whose fields
    equal `equal`'s values (a value, or a list of values: IN), written out as SQL: no queryset built,
    resolved and compiled per query."""

    ALIAS = "row_probe"  # never one of Django's (a table's name, or a letter and a number)

    def __init__(self, model, link: str, outer: str, equal: dict):
        super().__init__()
        self.model, self.link, self.equal = model, link, equal
        self.outer = F(outer)

    def get_source_expressions(self):
        return [self.outer]

    def set_source_expressions(self, exprs):
        (self.outer,) = exprs

    def rows_sql(self, compiler, connection) -> tuple[str, list]:
        """`FROM <table> <alias> WHERE (...)` and its parameters."""
        quote, meta = connection.ops.quote_name, self.model._meta
        alias = quote(self.ALIAS)
        outer_sql, params = compiler.compile(self.outer)
        where = [f"{alias}.{quote(meta.get_field(self.link).column)} = ({outer_sql})"]
        params = list(params)
        for name, value in self.equal.items():
            if value is None:
                raise ValueError(f"{name}: = NULL matches nothing; no IS NULL is written out")
            column = f"{alias}.{quote(meta.get_field(name).column)}"
            if isinstance(value, list | tuple | set | frozenset):
                values = sorted(value)
                if not values:
                    raise EmptyResultSet
                where.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
                params += values
            else:
                where.append(f"{column} = %s")
                params.append(value)
        return f"FROM {quote(meta.db_table)} {alias} WHERE ({' AND '.join(where)})", params


class RowExists(_WrittenOut):
    """`EXISTS(SELECT 1 FROM <model's table> WHERE <link> = (<outer>) AND <field> = %s AND <field> IN (...)
    LIMIT 1)`, written out: the SQL `Exists(model.objects.filter(link=OuterRef(outer), **equal))` compiles
    to, without building, resolving and compiling a queryset for it (restrict() built two per query, a
    tenth of a start page's CPU). `equal` maps a field to a value or a list of values; `probe` adds
    ProbeExists' `OFFSET 0`."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, model, link: str, outer: str, equal: dict, probe: bool = False):
        super().__init__(model, link, outer, equal)
        self.probe = probe

    def as_sql(self, compiler, connection):
        rows, params = self.rows_sql(compiler, connection)
        limit = "LIMIT 1 OFFSET 0" if self.probe else "LIMIT 1"
        return f'EXISTS(SELECT 1 AS "a" {rows} {limit})', params


class RowCount(_WrittenOut):
    """`(SELECT COUNT(*) FROM <model's table> WHERE <link> = (<outer>) AND ...)`, written out as RowExists
    is: what `count_of(model.objects.filter(**equal), link, outer)` counts, for a page's rows, without a
    queryset to build per request (a fifth of the MARAC case list's query building). A list of no values
    counts 0."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection):
        try:
            rows, params = self.rows_sql(compiler, connection)
        except EmptyResultSet:
            return "0", []
        return f"(SELECT COUNT(*) {rows})", params


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
