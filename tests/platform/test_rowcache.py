"""Small lists read from the cache (victimsupport.rowcache): the case list's specialists and counties. A
page asks no query for them, and every change that alters them reaches the next page."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from cases.forms import CaseFilterForm
from tests.factories import make_user, region
from victimsupport.models import County, Region, Role
from victimsupport.rowcache import CachedRows, changed
from victimsupport.services import user_set_roles_and_regions

pytestmark = pytest.mark.django_db


def staff_names(user) -> list[str]:
    return [label for value, label in CaseFilterForm(user=user).fields["responsible"].choices if value]


def county_names(user) -> list[str]:
    return [label for value, label in CaseFilterForm(user=user).fields["county"].choices if value]


def test_the_second_page_reads_the_lists_from_the_cache(manager, specialist, django_assert_num_queries):
    first = CaseFilterForm(user=manager)
    with django_assert_num_queries(0):
        again = CaseFilterForm(user=manager)
    assert again.fields["responsible"].choices == first.fields["responsible"].choices
    assert "Siiri Spetsialist" in staff_names(manager) and "Harju maakond" in county_names(manager)


def test_each_set_of_regions_has_its_own_list(manager, specialist, outsider):
    south_manager = make_user(Role.REGIONAL_MANAGER, "louna")
    assert "Siiri Spetsialist" in staff_names(manager) and "Olev Teisest" not in staff_names(manager)
    assert "Olev Teisest" in staff_names(south_manager) and "Siiri Spetsialist" not in staff_names(south_manager)


def test_a_colleague_added_renamed_moved_or_closed_reaches_the_next_page(manager, specialist):
    assert "Uus Kolleeg" not in staff_names(manager)
    newcomer = make_user(Role.SPECIALIST, "pohja", first_name="Uus", last_name="Kolleeg")
    assert "Uus Kolleeg" in staff_names(manager)
    newcomer.last_name = "Abikaasa"
    newcomer.save()
    assert "Uus Abikaasa" in staff_names(manager) and "Uus Kolleeg" not in staff_names(manager)
    user_set_roles_and_regions(newcomer, roles=[Role.SPECIALIST], regions=[region("louna")])
    assert "Uus Abikaasa" not in staff_names(manager)
    region("pohja").users.add(newcomer)
    assert "Uus Abikaasa" in staff_names(manager)
    Group.objects.get(name=Role.SPECIALIST).user_set.remove(newcomer)  # from the group's side
    assert "Uus Abikaasa" not in staff_names(manager)
    specialist.is_active = False
    specialist.save()
    assert "Siiri Spetsialist" not in staff_names(manager)


def test_a_county_added_or_renamed_reaches_the_next_page(manager):
    assert "Uus maakond" not in county_names(manager)
    county = County.objects.create(region=region("pohja"), code="uus", name="Uus maakond")
    assert "Uus maakond" in county_names(manager)
    county.name = "Uuem maakond"
    county.save()
    assert "Uuem maakond" in county_names(manager) and "Uus maakond" not in county_names(manager)
    county.delete()
    assert "Uuem maakond" not in county_names(manager)


def test_rows_read_before_a_change_are_not_kept_after_it(manager):
    # A page read the rows, another request's commit changed them, then the page stored what it read:
    # the copy names the generation it was read under, and the next page reads the rows again.
    built = []

    def build():
        built.append(list(County.objects.values_list("name", flat=True)))
        if len(built) == 1:
            changed(County)  # the commit, between the read and the store
        return built[-1]

    rows = CachedRows("test-race", build, depends_on=(County,))
    rows.get()
    rows.get()
    assert len(built) == 2
    rows.get()
    assert len(built) == 2  # and the copy stored under the current generation is used


def test_no_list_reads_a_persons_data():
    # Only reference data, staff names and providers belong here: never a person or what is about one.
    import cases.selectors  # noqa: F401 (each module declares its lists)
    import referrals.forms  # noqa: F401
    from cases.models import Person

    about_a_person = {Person} | {
        model for model in apps.get_models() if any(field.related_model is Person for field in model._meta.fields)
    }
    names = {rows.name for rows in CachedRows.declared}
    assert {"case-staff", "counties", "regions", "provider-choices", "aid-due-soon-days"} <= names
    for rows in CachedRows.declared:
        assert not about_a_person & set(rows.depends_on), rows.name


def test_the_start_pages_due_soon_days_follow_the_settings_row(specialist, case):
    from django.utils import timezone

    from cases.models import AidApplication, AidPolicy
    from cases.selectors import aid_due_soon
    from tests.factories import make_application
    from victimsupport.dates import add_working_days

    application = make_application(specialist, case)
    due = add_working_days(timezone.localdate(), 5)
    AidApplication.objects.filter(pk=application.pk).update(decision_due_on=due)
    policy = AidPolicy.objects.order_by("pk").first() or AidPolicy.objects.create()
    policy.due_soon_working_days = 3
    policy.save()
    assert application.pk not in [found.pk for found in aid_due_soon(specialist, scope="mine")]
    policy.due_soon_working_days = 6
    policy.save()
    assert application.pk in [found.pk for found in aid_due_soon(specialist, scope="mine")]


def test_the_invoice_lists_providers_follow_the_register(client, manager):
    from referrals.forms import InvoiceFilterForm
    from tests.factories import make_provider

    def providers():
        return [label for value, label in InvoiceFilterForm().fields["provider"].choices if value]

    assert "Hingerahu OÜ" not in providers()
    provider = make_provider()
    assert "Hingerahu OÜ" in providers()
    provider.name = "Hingerahu Teraapia OÜ"
    provider.save()
    assert providers().count("Hingerahu Teraapia OÜ") == 1 and "Hingerahu OÜ" not in providers()
    client.force_login(manager)
    response = client.get("/referrals/invoices/", {"provider": provider.pk})
    assert response.status_code == 200 and response.context["form"].cleaned_data["provider"] == provider.pk
    assert client.get("/referrals/invoices/", {"provider": "x"}).status_code == 200  # refused, not a 500


def test_a_login_keeps_the_lists_and_a_lost_generation_reads_them_again(manager, specialist, django_assert_num_queries):
    from django.contrib.auth.models import update_last_login
    from django.core.cache import cache

    from victimsupport.rowcache import _generation_key

    staff_names(manager)
    update_last_login(None, specialist)  # what every login saves
    with django_assert_num_queries(0):
        assert "Siiri Spetsialist" in staff_names(manager)
    # A generation evicted from the cache, then a change, then its generation evicted again: the copy read
    # while there was none is not taken for the current one.
    from victimsupport.models import User

    cache.delete(_generation_key(User))
    staff_names(manager)
    specialist.last_name = "Uuesti"
    specialist.save()
    cache.delete(_generation_key(User))
    with django_assert_num_queries(1):
        assert "Siiri Uuesti" in staff_names(manager)
    with django_assert_num_queries(0):
        staff_names(manager)


def test_the_statistics_area_filter_reads_its_options_from_the_cache(manager, django_assert_num_queries):
    """A CachedModelChoiceField: its options are the cached rows, written as ModelChoiceField writes them;
    the chosen row is still read from the table, and one gone or unknown is refused."""
    from django import forms

    from reporting.forms import StatisticsFilterForm

    class AsBefore(forms.Form):
        region = forms.ModelChoiceField(Region.objects.order_by("name"), required=False, empty_label="Kogu Eesti")
        county = forms.ModelChoiceField(County.objects.order_by("name"), required=False, empty_label="Kõik")

    harju = County.objects.get(code="harju")
    data = {"period": "year", "year": "2025", "county": str(harju.pk)}
    warm = StatisticsFilterForm(data)
    str(warm["county"]), str(warm["region"])  # both lists are cached
    with django_assert_num_queries(1):  # the chosen county, read when the bound form is cleaned; no options
        form = StatisticsFilterForm(data)
        county_html, region_html = str(form["county"]), str(form["region"])
        assert form.is_valid() and form.cleaned_data["county"] == harju
    expected = AsBefore({"county": data["county"]})
    assert region_html == str(expected["region"])
    assert county_html == str(expected["county"]).replace(">Kõik<", ">Kõik maakonnad<")
    assert county_html.count("<option") == County.objects.count() + 1 and " selected>Harju maakond<" in county_html
    assert not StatisticsFilterForm({**data, "county": "999999"}).is_valid()
    added = County.objects.create(region=region("pohja"), code="uus", name="Uus maakond")
    assert ">Uus maakond<" in str(StatisticsFilterForm(data)["county"])
    added.delete()
    assert ">Uus maakond<" not in str(StatisticsFilterForm(data)["county"])
    assert not StatisticsFilterForm({**data, "county": str(added.pk)}).is_valid()
