"""victimsupport.sql.col_identity: a column's identity as Django computes it, without inspect.signature."""

import pytest
from django.db import models
from django.db.models.expressions import Col, Expression

from cases.models import Case, Person
from cases.selectors import CaseFilters, case_list
from tests.factories import make_case


def django_identity(col: Col) -> tuple:
    return Expression.identity.func(col)  # Django's own, bypassing the installed one


def test_the_installed_identity_is_the_fast_one():
    assert Col.identity.func.__name__ == "col_identity"


def test_a_column_has_the_identity_django_gives_it():
    opened, name = Case._meta.get_field("opened_on"), Person._meta.get_field("last_name")
    columns = [
        Col("T1", opened),
        Col("T1", opened, models.DateField()),
        Col(None, opened),
        Col("T2", name, output_field=name),
        Col(alias="T3", target=name),
    ]
    for col in columns:
        assert col.identity == django_identity(col), col
    assert Col("T1", opened) == Col("T1", opened) and Col("T1", opened) != Col("T2", opened)
    assert hash(Col("T1", opened)) == hash(Col("T1", opened))


@pytest.mark.django_db
def test_every_column_of_a_compiled_list_query(specialist):
    make_case(specialist)
    compiler = case_list(specialist, CaseFilters()).query.get_compiler("default")
    compiler.setup_query()
    columns = [expression for expression, _, _ in compiler.select if isinstance(expression, Col)]
    assert len(columns) > 20
    for col in columns:
        assert col.identity == django_identity(col), col
    assert list(case_list(specialist, CaseFilters()))  # and the query still runs
