"""Persons: personal codes, birth dates, duplicates within scope, relations, safe-contact decisions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from cases import selectors
from cases.choices import Channel, PartyRole, RelationKind
from cases.contact import may_contact
from cases.models.persons import normalize_name
from cases.services import cases as case_services
from cases.services import persons as person_services
from tests.factories import make_case, make_person, set_rules

pytestmark = pytest.mark.django_db


def test_a_valid_personal_code_gives_birth_date_and_sex(specialist):
    person = make_person(specialist, personal_code="37605030299")
    assert person.birth_date == date(1976, 5, 3) and person.sex == "M"
    assert make_person(specialist, personal_code="49403136515").sex == "F"
    assert person.country_code == "EE37605030299"


@pytest.mark.parametrize("code", ["37605030290", "37613030299", "3760503029", "3760503029X", "99999999999"])
def test_a_wrong_personal_code_is_refused_at_the_field(specialist, code):
    with pytest.raises(ValidationError) as error:
        make_person(specialist, personal_code=code)
    assert "personal_code" in error.value.message_dict


def test_a_client_without_a_code_needs_a_birth_date_but_another_party_need_not(specialist):
    from cases.forms import PartyPersonForm, PersonIntakeForm

    data = {"first_name": "John", "last_name": "Smith", "language": "en"}
    client_form = PersonIntakeForm(data)
    assert not client_form.is_valid() and "birth_date" in client_form.errors
    assert PartyPersonForm(data).is_valid()  # an alleged perpetrator's birth date is often unknown
    person = person_services.person_create(actor=specialist, first_name="John", last_name="Smith")
    assert person.personal_code == "" and person.birth_date is None


def test_a_birth_date_in_the_future_is_refused(specialist):
    with pytest.raises(ValidationError) as error:
        person_services.person_create(
            actor=specialist, first_name="A", last_name="B", birth_date=timezone.localdate() + timedelta(days=1)
        )
    assert "birth_date" in error.value.message_dict


def test_names_are_normalised_for_search():
    assert normalize_name("  Õie   ŠMIDT-Jõgi ") == "oie smidt-jogi"
    assert normalize_name("Žanna Üürike") == "zanna uurike"


def test_duplicates_are_found_only_within_the_users_scope(specialist, outsider):
    seen = make_case(specialist).client
    hidden = make_case(outsider, region_code="louna", client=make_person(outsider, personal_code="49403136515")).client
    by_code = selectors.possible_duplicates(specialist, personal_code=seen.personal_code)
    assert by_code == [seen]
    assert selectors.possible_duplicates(specialist, personal_code=hidden.personal_code) == []
    by_name = selectors.possible_duplicates(
        specialist, first_name="mari", last_name="MAASIKAS", birth_date=seen.birth_date
    )
    assert seen in by_name and hidden not in by_name


def test_relations_between_persons(specialist, case):
    child = make_person(specialist, first_name="Mia", birth=date(2015, 6, 1))
    case_services.case_add_party(actor=specialist, case=case, person=child, role=PartyRole.FAMILY_MEMBER)
    relation = person_services.relation_add(
        actor=specialist, person=child, related_person=case.client, kind=RelationKind.CHILD_OF
    )
    assert str(relation).startswith("Mia")
    with pytest.raises(ValidationError):
        person_services.relation_add(
            actor=specialist, person=child, related_person=case.client, kind=RelationKind.CHILD_OF
        )
    with pytest.raises(ValidationError):
        person_services.relation_add(actor=specialist, person=child, related_person=child, kind=RelationKind.SIBLING_OF)


class TestMayContact:
    def test_nothing_is_allowed_before_rules_are_recorded(self, case):
        for channel in Channel.values:
            assert not may_contact(case.client, channel)

    def test_allowed_channels_need_the_details_they_use(self, specialist, case):
        person = case.client
        set_rules(specialist, person=person, email_allowed=True, sms_allowed=True, phone_allowed=False)
        assert not may_contact(person, Channel.EMAIL)  # no address recorded
        person.email, person.phone = "mari@example.invalid", "+372 5555 1234"
        person.save()
        assert may_contact(person, Channel.EMAIL).destination == ["mari@example.invalid"]
        assert may_contact(person, Channel.SMS)
        assert not may_contact(person, Channel.PHONE)

    @override("en")
    def test_letters_never_go_home_when_the_rules_say_so(self, specialist, case):
        person = case.client
        person.street, person.house, person.settlement, person.postal_code = "Jõe tn", "5", "Tartu", "50109"
        person.save()
        set_rules(specialist, person=person, letter_allowed=True)
        assert may_contact(person, Channel.LETTER).destination[0] == "Jõe tn 5"
        with pytest.raises(ValidationError) as error:  # letters allowed, home forbidden: a safe address is needed
            set_rules(specialist, person=person, never_write_home=True)
        assert "letter_address" in error.value.message_dict
        set_rules(specialist, person=person, letter_allowed=False, never_write_home=True)
        decision = may_contact(person, Channel.LETTER)
        assert not decision and "do not allow" in decision.reason
        set_rules(specialist, person=person, letter_allowed=True, letter_address="Postkast 12\n10101 Tallinn")
        assert may_contact(person, Channel.LETTER).destination == ["Postkast 12", "10101 Tallinn"]

    @override("en")
    def test_an_alleged_perpetrator_is_never_contacted(self, specialist, case):
        abuser = make_person(specialist, first_name="Peeter", female=False, email="p@example.invalid")
        case_services.case_add_party(actor=specialist, case=case, person=abuser, role=PartyRole.OTHER)
        set_rules(specialist, person=abuser, email_allowed=True, phone_allowed=True)
        assert may_contact(abuser, Channel.EMAIL)
        case_services.case_add_party(actor=specialist, case=case, person=abuser, role=PartyRole.ALLEGED_PERPETRATOR)
        for channel in Channel.values:
            decision = may_contact(abuser, channel)
            assert not decision and "perpetrator" in decision.reason
