"""Forms of the volunteers app."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import Language
from victimsupport.forms import (
    COUNTIES,
    CachedModelChoiceField,
    CheckboxesField,
    DateInput,
    ListSelect,
    StyledForm,
    StyledModelForm,
    VersionedForm,
    restrict_form_fields,
)
from victimsupport.models import County, Region, Role, User
from volunteers.models import (
    ActivityEntry,
    BackgroundCheck,
    GroupSession,
    ReportStatus,
    SupervisionContact,
    Training,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
)
from volunteers.services.assignments import ACTIVITY_FIELDS, ASSIGNMENT_RULES
from volunteers.services.expenses import PAYMENT_RULES
from volunteers.services.recruitment import REGISTRY_FIELDS, STEP_RULES
from volunteers.services.supervision import CONTACT_RULES, SESSION_RULES
from volunteers.services.training import TRAINING_RULES

# Who can attend a training: candidates from the interview on, and volunteers at work or paused.
TRAINABLE = (
    VolunteerStatus.INTERVIEWED,
    VolunteerStatus.CHECKED,
    VolunteerStatus.TRAINED,
    VolunteerStatus.SIGNED,
    VolunteerStatus.ACTIVE,
    VolunteerStatus.PAUSED,
)
STAFF_ROLES = (Role.SPECIALIST, Role.REGIONAL_MANAGER, Role.COORDINATOR)


class ApplicationForm(StyledForm):
    """The public application: the minimum to call the person back."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.order_by("name"))
    languages = CheckboxesField(label=_("Languages you speak"), choices=Language.choices)
    kinds = CheckboxesField(label=_("What would you like to do?"), choices=VolunteerKind.choices)
    motivation = forms.CharField(
        label=_("Why would you like to volunteer?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("A few sentences are enough. Do not write about other people."),
    )
    privacy = forms.BooleanField(label=_("I have read the privacy notice above."))
    # A field people do not see (hidden by CSS, skipped by keyboard and screen readers); robots fill it.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class VolunteerForm(VersionedForm):
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"), queryset=County.objects.order_by("name"), widget=forms.CheckboxSelectMultiple
    )
    languages = CheckboxesField(label=_("Languages"), choices=Language.choices, required=False)
    kinds = CheckboxesField(label=_("Kinds"), choices=VolunteerKind.choices)

    class Meta:
        model = Volunteer
        fields = [*REGISTRY_FIELDS, "counties"]
        widgets = {"conflicts": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES).distinct().order_by("last_name")
        )
        self.fields["supervisor"].label_from_instance = lambda user: user.get_full_name() or user.username


class StepForm(StyledForm):
    field_rules = STEP_RULES
    status = forms.ChoiceField(label=_("Step"))
    happened_on = forms.DateField(label=_("Date"), widget=DateInput())
    background_check = forms.ChoiceField(
        label=_("Result of the background check"),
        choices=[("", "—"), *BackgroundCheck.choices],
        required=False,
        help_text=_("Only the date and the result are recorded, never the extract."),
    )
    pledge_signed_on = forms.DateField(
        label=_("Confidentiality pledge signed"),
        widget=DateInput(),
        required=False,
        help_text=_("If not the same day as the agreement."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, volunteer: Volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(VolunteerStatus.choices)
        # Offered: the steps open now. Accepted: any step, so that a page left open while someone else
        # recorded a step gets the conflict answer from the service, not "not a valid choice".
        offered = volunteer.next_statuses if not self.is_bound else VolunteerStatus.values
        self.fields["status"].choices = [(value, labels[value]) for value in offered]
        self.initial.setdefault("version", volunteer.version)


class VolunteerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *VolunteerStatus.choices], required=False, widget=ListSelect
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("all")), *VolunteerKind.choices], required=False, widget=ListSelect
    )
    county = CachedModelChoiceField(
        County.objects.order_by("name"), rows=COUNTIES, label=_("County"), required=False, empty_label=_("all")
    )


class AssignmentForm(StyledForm):
    field_rules = ASSIGNMENT_RULES
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    tasks = forms.CharField(
        label=_("Agreed tasks"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the volunteer does with the client: the client card shows this."),
    )
    address_needed = forms.BooleanField(
        label=_("The tasks need the client's address"),
        required=False,
        help_text=_("Only then does the volunteer see the address (never a confidential one)."),
    )
    conflicts_seen = forms.BooleanField(
        label=_("I have weighed what the conflict check found"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Active volunteers with an account, among those the user may see (restrict_form_fields narrows it).
        self.fields["volunteer"].queryset = Volunteer.objects.filter(
            status=VolunteerStatus.ACTIVE, user__is_active=True
        ).order_by("last_name", "first_name")
        if self.user is not None:
            restrict_form_fields(self, self.user)


class AssignmentEndForm(StyledForm):
    ended_on = forms.DateField(label=_("Last day"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActivityForm(StyledModelForm):
    class Meta:
        model = ActivityEntry
        fields = ["assignment", *ACTIVITY_FIELDS]
        widgets = {
            "happened_on": DateInput(),
            "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            "call_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "km": forms.TextInput(attrs={"inputmode": "decimal"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignment" in self.fields:
            self.fields["assignment"].label = _("Client")
            self.fields["assignment"].label_from_instance = lambda assignment: assignment.client_code
        self.fields["km"].localize = True
        self.fields["km"].widget.is_localized = True
        self.fields["kind"].widget = forms.RadioSelect(choices=self.fields["kind"].choices[1:])
        self.fields["note"].help_text = _("Stays on the case for the specialist when the assignment ends.")
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("happened_on", timezone.localdate())
            self.initial.setdefault("km", "0")
            self.initial.setdefault("call_minutes", 0)


class ActivityEditForm(VersionedForm, ActivityForm):
    class Meta(ActivityForm.Meta):
        fields = ACTIVITY_FIELDS


class MonthSubmitForm(StyledForm):
    month = forms.DateField(widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    confirmed = forms.BooleanField(
        label=_("I confirm that the data is correct"),
        error_messages={"required": _("Confirm that the data is correct.")},
    )


class ReportDecisionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportReturnForm(ReportDecisionForm):
    comment = forms.CharField(
        label=_("What needs to change?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExpensePaymentForm(StyledForm):
    field_rules = PAYMENT_RULES
    execution_date = forms.DateField(label=_("Payment date"), widget=DateInput())


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all")), *ReportStatus.choices], required=False)


class SupervisionContactForm(StyledModelForm):
    field_rules = CONTACT_RULES

    class Meta:
        model = SupervisionContact
        fields = ["happened_on", "form", "duration_minutes", "notes"]
        widgets = {"happened_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("happened_on", timezone.localdate())


class GroupSessionForm(StyledModelForm):
    field_rules = SESSION_RULES
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attended"), queryset=Volunteer.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = GroupSession
        fields = ["kind", "held_on", "topic", "duration_minutes", "region", "attendees"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Volunteer.objects.filter(status=VolunteerStatus.ACTIVE).order_by(
            "last_name", "first_name"
        )
        if self.user is not None:
            restrict_form_fields(self, self.user)
            if not self.user.has_role(Role.COORDINATOR):
                self.fields["region"].queryset = self.fields["region"].queryset.filter(pk__in=self.user.region_ids)


class OverviewForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2019, max_value=2100, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("name"), required=False, empty_label=_("all")
    )


class TrainingForm(StyledModelForm):
    field_rules = TRAINING_RULES
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attended"), queryset=Volunteer.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Training
        fields = ["kind", "topic", "held_on", "hours", "trainer", "region", "attendees"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Candidates in training and volunteers at work (restrict_form_fields narrows it to the user's).
        self.fields["attendees"].queryset = Volunteer.objects.filter(status__in=TRAINABLE).order_by(
            "last_name", "first_name"
        )
        self.fields["hours"].localize = True
        self.fields["hours"].widget.is_localized = True
        if self.user is not None:
            restrict_form_fields(self, self.user)


class CoordinatorAssignmentForm(AssignmentForm):
    """The coordinator assigns from the volunteer's page, naming the case by its number."""

    case_reference = forms.CharField(
        label=_("Case number"), max_length=20, help_text=_("As the specialist gives it, e.g. J-1234.")
    )
    field_order = ["case_reference", "starts_on", "ends_on", "tasks", "address_needed", "conflicts_seen"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["volunteer"]
