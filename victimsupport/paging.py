"""Paging for large lists: no COUNT over millions of rows, one query per page, and no OFFSET past
thousands of rows either. The "next" and "previous" links carry the id of the last (first) row
shown; the next page continues after that row's place in the sort order (keyset paging), so page
400 costs what page 2 costs. Only the row's id goes into the address, never a name or a date. A
page number alone (an old link, a typed address) still works, by OFFSET."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

PAGE_SIZE = 25
PAGING_PARAMS = ("page", "after", "before")


@dataclass
class Page:
    items: list
    number: int
    has_next: bool
    size: int
    has_previous: bool = False
    next_query: str = ""
    previous_query: str = ""

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.items)


def page_number(value) -> int:
    try:
        return max(1, min(int(value), 100_000))
    except (TypeError, ValueError):
        return 1


def row_id(value) -> int | None:
    """A row id from an address or a form: a positive whole number the database can hold, else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def seek_keys(queryset: QuerySet) -> list[tuple[str, bool]] | None:
    """The ordering as (path, descending) pairs when keyset paging can follow it: plain field paths,
    none of which can be NULL (a NULL has no place to continue from), ending in the primary key."""
    ordering = queryset.query.order_by
    if not ordering:
        return None
    keys = []
    for item in ordering:
        if not isinstance(item, str) or item == "?":
            return None
        descending = item.startswith("-")
        path = item.lstrip("-")
        meta = queryset.model._meta
        parts = path.split("__")
        for index, part in enumerate(parts):
            try:
                model_field = meta.pk if part == "pk" else meta.get_field(part)
            except FieldDoesNotExist:
                return None  # an annotation: its nullability is unknown
            if getattr(model_field, "null", True):
                return None
            last = index == len(parts) - 1
            if model_field.is_relation:
                if last or model_field.many_to_many or model_field.one_to_many:
                    return None
                meta = model_field.related_model._meta
            elif not last:
                return None
        keys.append((path, descending))
    if keys[-1][0] not in ("pk", "id", queryset.model._meta.pk.name):
        return None
    return keys


def _after(keys: list[tuple[str, bool]], values: dict, forward: bool) -> Q:
    """Rows after (forward) or before the row with `values`, in the order of `keys`."""

    def op(descending: bool, inclusive: bool = False) -> str:
        smaller = descending == forward
        return ("lt" if smaller else "gt") + ("e" if inclusive else "")

    first, first_descending = keys[0]
    # A bound on the first key alone lets PostgreSQL start its index scan at the row.
    bound = Q(**{f"{first}__{op(first_descending, inclusive=True)}": values[first]})
    alternatives = []
    for index, (name, descending) in enumerate(keys):
        equal = [Q(**{previous: values[previous]}) for previous, _ in keys[:index]]
        alternatives.append(reduce(and_, [*equal, Q(**{f"{name}__{op(descending)}": values[name]})]))
    return bound & reduce(or_, alternatives)


def _query(params: Mapping, **paging) -> str:
    pairs = []
    for key in params:
        if key in PAGING_PARAMS:
            continue
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        pairs += [(key, value) for value in values]
    pairs += [(key, value) for key, value in paging.items() if value is not None]
    return urlencode(pairs)


def paginate(queryset: QuerySet, params: Mapping | str | int | None, size: int = PAGE_SIZE) -> Page:
    """One page of `queryset` for the request's GET parameters (or a bare page number)."""
    if not isinstance(params, Mapping):
        params = {"page": params} if params is not None else {}
    number = page_number(params.get("page"))
    keys = seek_keys(queryset)
    page = None
    after, before = row_id(params.get("after")), row_id(params.get("before"))
    if keys and (after or before):
        page = _seek(queryset, keys, after or before, forward=bool(after), number=number, size=size)
    if page is None:
        offset = (number - 1) * size
        rows = list(queryset[offset : offset + size + 1])
        page = Page(items=rows[:size], number=number, has_next=len(rows) > size, size=size, has_previous=number > 1)
    # Links continue from the row shown last (first) where the order allows it, else by number.
    cursor = bool(keys and page.items)
    page.next_query = _query(params, page=page.number + 1, after=page.items[-1].pk if cursor else None)
    page.previous_query = (
        _query(params, page=page.number - 1, before=page.items[0].pk if cursor else None)
        if page.number > 2
        else _query(params)
    )
    return page


def rows_after(queryset: QuerySet, keys, row_id: int, *, forward: bool = True) -> QuerySet | None:
    """The rows that come after (before) the row `row_id` in the queryset's order, nearest first;
    None if the queryset does not hold that row. The row's sort values are read through the same
    (restricted) queryset, so a row the user may not see gives nothing away."""
    values = queryset.order_by().filter(pk=row_id).values(*[name for name, _ in keys]).first()
    if values is None:
        return None
    rows = queryset.filter(_after(keys, values, forward))
    return rows if forward else rows.reverse()


def _seek(queryset: QuerySet, keys, row_id: int, *, forward: bool, number: int, size: int) -> Page | None:
    rows = rows_after(queryset, keys, row_id, forward=forward)
    if rows is None:
        return None  # the page falls back to its number
    rows = list(rows[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if forward:
        return Page(items=rows, number=max(number, 2), has_next=more, size=size, has_previous=True)
    rows.reverse()
    if not rows:
        return None
    return Page(items=rows, number=max(number, 2) if more else 1, has_next=True, size=size, has_previous=more)


def sorted_list_context(params, sorts, default: str) -> dict:
    """What a sortable list's template needs: `sort` (a known key of `sorts`, else `default`), `query` (the
    filters and sort, without paging: for the pager) and `sort_query` (without the sort: for the column
    links)."""
    sort = params.get("sort", default)
    if sort not in sorts:
        sort = default
    query = params.copy()
    for name in PAGING_PARAMS:
        query.pop(name, None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return {"sort": sort, "query": query.urlencode(), "sort_query": sort_query.urlencode()}
