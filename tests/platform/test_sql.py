"""victimsupport.sql: a column's identity as Django computes it (without inspect.signature), and the written-out
EXISTS and COUNT subqueries against the querysets they spell."""

import pytest
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import Col, Expression
from django.utils import timezone

from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Person, Task
from cases.selectors import CaseFilters, case_list
from cases.services import work as work_services
from tests.factories import make_case
from victimsupport.models import User
from victimsupport.permissions.policies import permission_id
from victimsupport.sql import RowCount, RowExists, count_of


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
    assert len(columns) > 10  # the columns the list shows, and the keys
    for col in columns:
        assert col.identity == django_identity(col), col
    assert list(case_list(specialist, CaseFilters()))  # and the query still runs


@pytest.mark.django_db
def test_a_written_out_exists_finds_the_rows_the_orm_exists_finds(specialist, colleague, manager):
    # victimsupport.sql.RowExists is the grant probe restrict() uses: the same rows as the queryset it spells.
    make_case(specialist), make_case(colleague)
    for actor in (specialist, colleague):
        work_services.task_add(
            actor=actor, case=make_case(actor), title="Helistada", due_on=timezone.localdate(), assigned_to=actor
        )
    view = permission_id(Case, "view")
    for user in (specialist, colleague, manager):
        groups = sorted(user.groups.values_list("pk", flat=True))
        for table, equal in (
            (CaseUserObjectPermission, {"permission": view, "user": user.pk}),
            (CaseGroupObjectPermission, {"group": groups, "permission": view}),
        ):
            lookups = {f"{name}__in" if isinstance(value, list) else name: value for name, value in equal.items()}
            spelled = Case.objects.filter(Exists(table.objects.filter(content_object=OuterRef("pk"), **lookups)))
            assert spelled.exists() or user == manager
            for probe in (False, True):
                written = Case.objects.filter(Q(RowExists(table, "content_object", "pk", equal, probe=probe)))
                assert set(written) == set(spelled), (user, table, probe)
        # Through a path and negated.
        mine = {"user": user.pk, "permission": view}
        written = Task.objects.filter(~Q(RowExists(CaseUserObjectPermission, "content_object", "case", mine)))
        spelled = Task.objects.exclude(
            Exists(CaseUserObjectPermission.objects.filter(content_object=OuterRef("case"), **mine))
        )
        assert set(written) == set(spelled) and Task.objects.exists()
    # Nothing to match is no row, not an SQL error.
    assert not Case.objects.filter(RowExists(CaseGroupObjectPermission, "content_object", "pk", {"group": []}))


def test_a_written_out_count_counts_what_count_of_counts(specialist, colleague):
    # victimsupport.sql.RowCount: per outer row, the rows count_of() counts, with a value, a list of
    # values, a path to the outer value and a list of none.
    for actor in (specialist, colleague):
        for title in ("Helistada", "Kirjutada", "Kohtuda"):
            work_services.task_add(
                actor=actor, case=make_case(actor), title=title, due_on=timezone.localdate(), assigned_to=actor
            )
    Task.objects.filter(title="Kohtuda", assigned_to=specialist).update(title="Kohtuda uuesti")
    for equal in ({"title": "Kohtuda"}, {"title": ["Helistada", "Kohtuda"]}, {}):
        lookups = {f"{name}__in" if isinstance(value, list) else name: value for name, value in equal.items()}
        for model, link, outer in ((User, "assigned_to", "pk"), (Case, "case", "pk"), (Task, "case", "case")):
            spelled = model.objects.annotate(n=count_of(Task.objects.filter(**lookups), link, outer)).order_by("pk")
            written = model.objects.annotate(n=RowCount(Task, link, outer, equal)).order_by("pk")
            assert list(written.values_list("pk", "n")) == list(spelled.values_list("pk", "n")), (model, equal)
            assert any(n for _, n in written.values_list("pk", "n"))
    none = User.objects.annotate(n=RowCount(Task, "assigned_to", "pk", {"title": []}))
    assert set(none.values_list("n", flat=True)) == {0}
    with pytest.raises(ValueError):
        list(User.objects.annotate(n=RowCount(Task, "assigned_to", "pk", {"done_at": None})))
