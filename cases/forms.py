"""Forms of the cases app. Validation that concerns the data lives in the models and services; forms
shape input and carry the version for concurrent edits."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.choices import (
    CaseStatus,
    ClosureReason,
    IncidentType,
    PartyRole,
    RelationKind,
)
from cases.models import (
    AidApplication,
    AidDecision,
    AnonymousContact,
    Case,
    Contact,
    Note,
    Person,
    PlanItem,
    SafeContact,
    Task,
)
from cases.models.aid import DecisionKind
from cases.models.persons import validate_personal_code
from cases.models.work import PlanItemStatus
from cases.selectors import eligible_responsibles, with_caseloads
from cases.services.aid import APPLICATION_FIELDS, APPLICATION_RULES, DRAFT_FIELDS
from cases.services.anonymous import ANONYMOUS_FIELDS
from cases.services.cases import CLOSE_RULES, INTAKE_FIELDS
from cases.services.persons import PERSON_FIELDS
from cases.services.work import CONTACT_RULES, TASK_RULES
from victimsupport.forms import (
    COUNTIES,
    DateInput,
    ListSelect,
    StyledForm,
    StyledModelForm,
    VersionedForm,
    check_date_range,
    localize_money,
)
from victimsupport.models import County, Region, User
from victimsupport.rowcache import CachedRows


class DateTimeInput(forms.DateTimeInput):
    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "pp.kk.aaaa tt:mm", "autocomplete": "off", **(attrs or {})}, format="%d.%m.%Y %H:%M"
        )


# --- persons ---

# What staff type for a person: every stored field but the sex (read from the code) and the ADS code.
PERSON_FORM_FIELDS = [name for name in PERSON_FIELDS if name not in ("sex", "ads_code")]


class PersonFieldsMixin:
    # A client without a personal code needs a birth date; another party (an alleged perpetrator, say)
    # may be recorded without one.
    birth_date_required = True

    def setup_person_fields(self) -> None:
        self.fields["personal_code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["birth_date"].widget = DateInput()
        self.fields["birth_date"].help_text = _("Needed when there is no personal code; otherwise taken from it.")
        self.fields["county"].queryset = County.objects.order_by("name")

    def clean_personal_code(self):
        code = (self.cleaned_data.get("personal_code") or "").strip().replace(" ", "")
        validate_personal_code(code)
        return code

    def clean(self):
        data = super().clean()
        missing = not data.get("personal_code") and not data.get("birth_date")
        if (
            self.birth_date_required
            and missing
            and "personal_code" not in self.errors
            and "birth_date" not in self.errors
        ):
            self.add_error("birth_date", _("Enter the birth date of a person without a personal code."))
        return data


class PersonLookupForm(StyledForm):
    """The intake's first step: the personal code, looked up before anything else is typed."""

    personal_code = forms.CharField(
        label=_("Personal code"),
        required=False,
        max_length=20,
        help_text=_("We check first whether the person is already recorded. Leave it empty if they have none."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_personal_code(self):
        code = self.cleaned_data["personal_code"].strip().replace(" ", "")
        validate_personal_code(code)
        return code


class PersonIntakeForm(PersonFieldsMixin, StyledModelForm):
    class Meta:
        model = Person
        fields = PERSON_FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_person_fields()


class PartyPersonForm(PersonIntakeForm):
    birth_date_required = False


class PersonEditForm(PersonFieldsMixin, VersionedForm):
    birth_date_required = False

    class Meta:
        model = Person
        fields = PERSON_FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_person_fields()


class SafeContactForm(StyledModelForm):
    # The version of the rules the user sees (0: none recorded); stored rules are never replaced unseen.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0

    class Meta:
        model = SafeContact
        fields = [
            "phone_allowed",
            "sms_allowed",
            "email_allowed",
            "letter_allowed",
            "in_person_allowed",
            "safe_times",
            "code_word",
            "never_write_home",
            "confidential_address",
            "letter_address",
            "channel_notes",
        ]
        widgets = {
            "letter_address": forms.Textarea(attrs={"rows": 3}),
            "channel_notes": forms.Textarea(attrs={"rows": 3}),
        }


class DuplicateChoiceForm(StyledForm):
    """After a duplicate warning: use one of the shown persons, or create a new one anyway."""

    use_person = forms.CharField(required=False, widget=forms.HiddenInput)


# --- cases ---

CASE_INTAKE_FIELDS = ["region", "county", "responsible", *INTAKE_FIELDS]


class CaseFieldsMixin:
    def setup_case_fields(self) -> None:
        for name in ("opened_on", "incident_date", "proceedings_date"):
            if name in self.fields:
                self.fields[name].widget = DateInput()
        if "consent_at" in self.fields:
            self.fields["consent_at"].widget = DateTimeInput()
            self.fields["consent_at"].help_text = _("Required when another agency forwarded the person's data.")
        if "summary" in self.fields:
            self.fields["summary"].widget = forms.Textarea(attrs={"rows": 3})


class CaseIntakeForm(CaseFieldsMixin, StyledModelForm):
    class Meta:
        model = Case
        fields = CASE_INTAKE_FIELDS

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_case_fields()
        regions = Region.objects.filter(pk__in=user.region_ids).order_by("name")
        self.fields["region"].queryset = regions
        self.fields["county"].queryset = County.objects.filter(region__in=regions).order_by("name")
        responsibles = (
            User.objects.filter(
                is_active=True, regions__in=regions, groups__name__in=["specialist", "regional_manager"]
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        if not user.has_role("regional_manager"):
            # Assigning a case to someone else is the manager's right (cases.services.cases.case_open).
            responsibles = responsibles.filter(pk=user.pk)
            self.fields["responsible"].required = True
            self.fields["responsible"].help_text = _(
                "You are responsible for the cases you open; the regional manager can assign them to others."
            )
        self.fields["responsible"].queryset = responsibles
        if not self.is_bound:
            if regions.count() == 1:
                self.initial["region"] = regions.first().pk
            if user.has_role("specialist"):
                self.initial["responsible"] = user.pk
            self.initial.setdefault("opened_on", timezone.localdate())


class CaseEditForm(CaseFieldsMixin, VersionedForm):
    class Meta:
        model = Case
        fields = ["county", *INTAKE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_case_fields()
        self.fields["county"].queryset = County.objects.filter(region=self.instance.region_id).order_by("name")


def _case_staff(region_ids: tuple[int, ...]) -> list[tuple[int, str]]:
    staff = (
        User.objects.filter(is_active=True, regions__in=region_ids, groups__name__in=["specialist", "regional_manager"])
        .distinct()
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", "first_name", "last_name", "username")
    )
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in staff]


# The case list's specialists, kept in the cache until a user, their groups or regions change.
CASE_STAFF = CachedRows("case-staff", _case_staff, depends_on=(User, User.groups.through, User.regions.through, Group))


class CaseFilterForm(forms.Form):
    """The case list's filters. The specialist and county lists are plain (id, name) choices, read from
    the cache (victimsupport.rowcache): no query and no model instance per option on a list page; every
    list's options are written once per language (ListSelect)."""

    search = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    scope = forms.ChoiceField(
        label=_("Cases"),
        required=False,
        choices=[("mine", _("my cases")), ("all", _("all I may see")), ("region", _("my region's cases"))],
        widget=ListSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *CaseStatus.choices], widget=ListSelect
    )
    responsible = forms.TypedChoiceField(
        label=_("Specialist"), required=False, coerce=int, empty_value=None, widget=ListSelect
    )
    incident_type = forms.ChoiceField(
        label=_("Crime type"), required=False, choices=[("", _("any")), *IncidentType.choices], widget=ListSelect
    )
    county = forms.TypedChoiceField(label=_("County"), required=False, coerce=int, empty_value=None, widget=ListSelect)
    opened_from = forms.DateField(label=_("Opened from"), required=False, widget=DateInput())
    opened_to = forms.DateField(label=_("Opened until"), required=False, widget=DateInput())
    overdue = forms.BooleanField(label=_("Only with overdue tasks"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", _("anyone")), *CASE_STAFF.get(tuple(sorted(user.region_ids)))]
        self.fields["county"].choices = [("", _("any")), *COUNTIES.get()]

    def clean(self):
        data = super().clean()
        check_date_range(self, data, "opened_from", "opened_to")
        return data


class CaseSearchForm(StyledForm):
    """The case list's search box. Sent by POST and kept in the session under a token, so that no name or
    personal code ends up in an address (the list's address holds only the token)."""

    query = forms.CharField(
        label=_("Case number, name or personal code"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("J-12, the client's name or personal code"),
    )

    def clean_query(self):
        query = " ".join(self.cleaned_data["query"].split())
        if len(query.replace(" ", "")) < 2:
            raise forms.ValidationError(_("Type at least two letters or digits."))
        return query


class PersonSearchForm(StyledForm):
    query = forms.CharField(
        label=_("Name or personal code"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search", "autofocus": True}),
    )
    similar = forms.BooleanField(label=_("Also names spelled alike"), required=False)

    def clean_query(self):
        query = " ".join(self.cleaned_data["query"].split())
        digits = query.replace(" ", "")
        if digits.isdigit():
            if len(digits) != 11:
                raise forms.ValidationError(_("A personal code has 11 digits."))
            validate_personal_code(digits)
            return digits
        if len(query) < 2:
            raise forms.ValidationError(_("Type at least two letters of the name."))
        return query


# --- case work ---


class ContactForm(StyledModelForm):
    field_rules = CONTACT_RULES

    class Meta:
        model = Contact
        fields = ["happened_at", "duration_minutes", "channel", "kind", "summary"]
        widgets = {"happened_at": DateTimeInput(), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("happened_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("duration_minutes", 45)


class NoteForm(StyledModelForm):
    class Meta:
        model = Note
        fields = ["text", "restricted"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class PlanItemForm(StyledModelForm):
    class Meta:
        model = PlanItem
        fields = ["kind", "text", "target_date"]
        widgets = {"target_date": DateInput()}


class PlanItemStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=PlanItemStatus.choices)


class TaskDoneForm(StyledForm):
    """The task's done button: done=1 (the default) marks it done, done=0 opens it again."""

    done = forms.TypedChoiceField(
        choices=[("1", _("Done")), ("0", _("Open"))],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=True,
    )


class TaskForm(StyledModelForm):
    field_rules = TASK_RULES

    class Meta:
        model = Task
        fields = ["title", "due_on", "remind_on", "assigned_to"]
        widgets = {"due_on": DateInput(), "remind_on": DateInput()}

    def __init__(self, *args, case: Case, user: User, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["assigned_to"].queryset = eligible_responsibles(case.region)
        self.fields["assigned_to"].required = True
        if not self.is_bound:
            self.initial.setdefault("assigned_to", case.responsible_id or user.pk)


class AttachmentForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPEG, DOCX, ODT or TXT, at most 10 MB."))
    from_proceedings = forms.BooleanField(
        label=_("From criminal proceedings (restricted under AvTS § 35(1)(1))"), required=False
    )


class CloseForm(StyledForm):
    field_rules = CLOSE_RULES

    reason = forms.ChoiceField(label=_("Reason"), choices=ClosureReason.choices)
    closed_on = forms.DateField(label=_("Closing date"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def rule_values(self, data):
        return {**data, "opened_on": self.case.opened_on if self.case else None}


class ReopenForm(StyledForm):
    reason = forms.CharField(label=_("Why is the case reopened?"), max_length=300)


class CaseloadChoiceField(forms.ModelChoiceField):
    """Colleagues with their current caseload in the label (`with_caseloads`), to choose by workload."""

    def label_from_instance(self, user):
        name = user.get_full_name() or user.username
        load = ngettext("%(count)s open case", "%(count)s open cases", user.open_cases) % {"count": user.open_cases}
        if user.high_risk_cases:
            load += ", " + ngettext("%(count)s high risk", "%(count)s high risk", user.high_risk_cases) % {
                "count": user.high_risk_cases
            }
        return f"{name} ({load})"


class AssignForm(StyledForm):
    responsible = CaseloadChoiceField(
        label=_("Responsible specialist"), queryset=User.objects.none(), required=False, empty_label=_("nobody")
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["responsible"].queryset = with_caseloads(eligible_responsibles(case.region))
        if not self.is_bound:
            self.initial["responsible"] = case.responsible_id


class TransferForm(StyledForm):
    region = forms.ModelChoiceField(label=_("New region"), queryset=Region.objects.order_by("name"))
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.order_by("name"))
    reason = forms.CharField(label=_("Reason"), max_length=250, required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.exclude(pk=case.region_id).order_by("name")
        self.fields["county"].queryset = County.objects.exclude(region=case.region_id).order_by("name")

    def clean(self):
        data = super().clean()
        region, county = data.get("region"), data.get("county")
        if region and county and county.region_id != region.pk:
            self.add_error("county", _("The county is not in the chosen region."))
        return data


class SealForm(StyledForm):
    sealed = forms.BooleanField(label=_("Sealed"), required=False)
    reason = forms.CharField(label=_("Why sealed"), max_length=300, required=False)


class SealedReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Why do you need to open this case?"),
        max_length=500,
        error_messages={"max_length": _("State the reason in at most 500 characters.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your reason is written to the access log and the regional manager is told."),
    )


class PartyForm(StyledForm):
    role = forms.ChoiceField(
        label=_("Role in the case"),
        choices=[(value, label) for value, label in PartyRole.choices if value != PartyRole.VICTIM]
        + [(PartyRole.VICTIM, PartyRole.VICTIM.label)],
    )
    relation = forms.ChoiceField(
        label=_("Relation to the client"),
        required=False,
        choices=[("", _("none or unknown")), *RelationKind.choices],
        help_text=_("The new person is ... of the client."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AnonymousContactForm(StyledModelForm):
    class Meta:
        model = AnonymousContact
        fields = ANONYMOUS_FIELDS
        widgets = {"happened_at": DateTimeInput()}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(pk__in=user.region_ids).order_by("name")
        self.fields["region"].queryset = regions
        self.fields["county"].queryset = County.objects.filter(region__in=regions).order_by("name")
        if not self.is_bound and regions.count() == 1:
            self.initial["region"] = regions.first().pk
        if not self.is_bound:
            self.initial.setdefault("happened_at", timezone.localtime().replace(second=0, microsecond=0))


class AccessReportForm(StyledForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        check_date_range(self, data, "date_from", "date_to")
        return data


# --- mental-health aid ---


class AidApplicationForm(VersionedForm):
    field_rules = APPLICATION_RULES

    class Meta:
        model = AidApplication
        fields = APPLICATION_FIELDS
        widgets = {
            "received_on": DateInput(),
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "symptoms": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        persons = (
            Person.objects.filter(Q(pk=case.client_id) | Q(case_parties__case=case))
            .exclude(case_parties__case=case, case_parties__role=PartyRole.ALLEGED_PERPETRATOR)
            .distinct()
        )
        self.fields["applicant"].queryset = persons.order_by("last_name", "first_name")
        self.fields["symptoms"].help_text = _(
            "The need for help linked to what happened: symptoms, how the person copes with daily life."
        )
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("applicant", case.client_id)
            self.initial.setdefault("received_on", timezone.localdate())
            self.initial.setdefault("language_wish", case.client.language)


class AidDecisionForm(VersionedForm):
    class Meta:
        model = AidDecision
        fields = DRAFT_FIELDS
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "facts": forms.Textarea(attrs={"rows": 3}),
            "reasoning": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        if kinds is not None:
            self.fields["kind"].choices = [(value, label) for value, label in DecisionKind.choices if value in kinds]
        localize_money(self, "amount_cap")
        self.fields["facts"].help_text = _("What happened and what was applied for, as the letter should say it.")

    def validate_constraints(self):
        """The decision services check these rules with a message at each field (the database holds them too)."""


class ReturnDecisionForm(StyledForm):
    comment = forms.CharField(label=_("What needs to change?"), widget=forms.Textarea(attrs={"rows": 4}))


class DeliveryForm(StyledForm):
    channel = forms.ChoiceField(label=_("Delivered by"))
    delivered_on = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(decision.channel, decision.label) for decision in options if decision]
        choices.append(("pickup", _("the person picks the letter up at the office")))
        self.fields["channel"].choices = choices
