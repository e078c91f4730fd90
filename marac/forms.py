"""Forms of the MARAC app."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import RiskLevel
from marac.models import (
    Action,
    ActionStatus,
    Agency,
    AgencyKind,
    AgendaItem,
    LegalBasis,
    MaracStatus,
    Membership,
    Network,
    Questionnaire,
)
from marac.selectors import networks_seen
from marac.services.actions import PLAN_RULES, UPDATE_RULES, action_agreed_on, plan_earliest
from marac.services.assessments import ASSESSMENT_RULES
from marac.services.meetings import MEETING_RULES, MINUTES_FIELDS, SCHEDULE_RULES
from marac.services.networks import MEMBERSHIP_RULES
from marac.services.referrals import REFERRAL_RULES
from victimsupport.forms import DateInput, ListSelect, StyledForm, VersionedForm
from victimsupport.models import Role, User

QUESTION_PREFIX = "q"


class AssessmentForm(StyledForm):
    """A questionnaire version's questions as radio buttons, then escalation and judgement."""

    field_rules = ASSESSMENT_RULES
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DateInput())
    incident_note = forms.CharField(
        label=_("The incident (briefly)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
    )
    police_callouts = forms.IntegerField(
        label=_("Police call-outs to the household in the last 12 months"), min_value=0, max_value=999, initial=0
    )
    judgement_level = forms.ChoiceField(
        label=_("Raise the level by professional judgement"),
        required=False,
        choices=[("", _("no")), (RiskLevel.MEDIUM, RiskLevel.MEDIUM.label), (RiskLevel.HIGH, RiskLevel.HIGH.label)],
    )
    judgement_reason = forms.CharField(
        label=_("Reason for the judgement"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
        help_text=_("Required when the judgement raises the level."),
    )

    # The version the questions were shown from: a version that came into use meanwhile is not scored
    # with answers given to another one's questions.
    questionnaire_id = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.initial["questionnaire_id"] = questionnaire.pk
        options = [(option.code, option.label) for option in questionnaire.options.all()]
        self.question_fields = []
        for question in questionnaire.questions.all():
            name = f"{QUESTION_PREFIX}{question.number}"
            self.fields[name] = forms.ChoiceField(
                label=f"{question.number}. {question.text}", choices=options, widget=forms.RadioSelect
            )
            self.question_fields.append(name)
        # The questions come first, in their order.
        order = [
            *self.question_fields,
            "police_callouts",
            "judgement_level",
            "judgement_reason",
            "assessed_on",
            "incident_note",
        ]
        self.order_fields(order)

    def questions(self):
        return [self[name] for name in self.question_fields]

    def others(self):
        return [field for field in self.visible_fields() if field.name not in self.question_fields]

    def clean(self):
        data = super().clean()
        if data.get("questionnaire_id") != self.questionnaire.pk:
            self.add_error(
                None, _("A new version of the questionnaire came into use meanwhile. Answer its questions below.")
            )
        return data


class ReferralForm(StyledForm):
    field_rules = REFERRAL_RULES
    network = forms.ModelChoiceField(label=_("MARAC network"), queryset=Network.objects.none())
    referred_by = forms.ChoiceField(
        label=_("Referring agency"), choices=AgencyKind.choices, initial=AgencyKind.VICTIM_SUPPORT
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis for sharing"), choices=LegalBasis.choices)
    legal_basis_note = forms.CharField(label=_("Note on the legal basis"), max_length=500, required=False)

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        without = _("no coordinator yet")
        self.fields["network"].label_from_instance = lambda network: (
            network.name if getattr(network, "has_coordinator", True) else f"{network.name} ({without})"
        )


class AgencyForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgencyKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)


class MemberForm(StyledForm):
    field_rules = MEMBERSHIP_RULES
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput(), required=False)
    is_chair = forms.BooleanField(label=_("Chair"), required=False)
    is_coordinator = forms.BooleanField(label=_("Coordinator"), required=False)

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = network.agencies.all()
        self.fields["user"].queryset = (
            User.objects.filter(
                is_active=True,
                regions=network.county.region_id,  # people of the network's region only
                groups__name__in=[Role.MARAC_PARTNER, Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.SPECIALIST],
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.username})"
        )


class MemberRolesForm(StyledForm):
    is_chair = forms.BooleanField(label=_("Chair"), required=False)
    is_coordinator = forms.BooleanField(label=_("Coordinator"), required=False)


class MembershipEndForm(StyledForm):
    ends_on = forms.DateField(
        label=_("Last day"), widget=DateInput(), error_messages={"required": _("Give the membership's last day.")}
    )


class ScheduleForm(StyledForm):
    field_rules = SCHEDULE_RULES
    first_on = forms.DateField(label=_("First meeting"), widget=DateInput())
    at = forms.TimeField(label=_("Time"), widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "10:00"}))
    count = forms.IntegerField(label=_("How many months"), min_value=1, max_value=12, initial=6)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class MeetingForm(StyledForm):
    field_rules = MEETING_RULES
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    at = forms.TimeField(label=_("Time"), widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "10:00"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class AttendanceForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    present = forms.ModelMultipleChoiceField(
        label=_("Present"), queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = meeting.network.memberships.active_on(meeting.held_on).select_related("user", "agency")
        field.label_from_instance = lambda m: f"{m.user.get_full_name() or m.user.username}, {m.agency.name}"


class MinutesForm(VersionedForm):
    class Meta:
        model = AgendaItem
        fields = MINUTES_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 5, "maxlength": 10000}) for name in MINUTES_FIELDS}


class ActionForm(StyledForm):
    field_rules = PLAN_RULES
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    owner = forms.ModelChoiceField(label=_("Responsible member"), queryset=User.objects.none(), required=False)
    description = forms.CharField(
        label=pgettext_lazy("MARAC", "Action"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )
    due_on = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, item: AgendaItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        _member_choices(self, item.meeting.network)

    def rule_values(self, data: dict) -> dict:
        return {**data, "earliest": self.item.meeting.held_on}


def _member_choices(form, network) -> None:
    """The agency and the responsible member offered: the network's agencies and current members."""
    form.fields["agency"].queryset = network.agencies.all()
    members = network.memberships.active_on().select_related("user", "agency")
    form.fields["owner"].queryset = User.objects.filter(pk__in=members.values("user_id")).order_by("last_name")
    names = {m.user_id: f"{m.user.get_full_name() or m.user.username}, {m.agency.name}" for m in members}
    form.fields["owner"].label_from_instance = lambda user: names.get(user.pk, str(user))


class ActionPlanForm(VersionedForm):
    """The organiser changes what was agreed: the agency, the member, the action and its deadline."""

    field_rules = PLAN_RULES

    class Meta:
        model = Action
        fields = ["agency", "owner", "description", "due_on"]
        labels = {"description": pgettext_lazy("MARAC", "Action")}
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _member_choices(self, self.instance.referral.network)

    def rule_values(self, data: dict) -> dict:
        return {**data, "earliest": plan_earliest(self.instance)}


class ActionUpdateForm(VersionedForm):
    field_rules = UPDATE_RULES

    class Meta:
        model = Action
        fields = ["status", "completed_on", "outcome"]
        widgets = {"completed_on": DateInput(), "outcome": forms.Textarea(attrs={"rows": 4, "maxlength": 4000})}

    def __init__(self, *args, may_cancel: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [c for c in ActionStatus.choices if may_cancel or c[0] != ActionStatus.CANCELLED]
        self.fields["status"].choices = choices
        if not self.is_bound and not self.instance.completed_on:
            self.initial["completed_on"] = timezone.localdate()

    def rule_values(self, data: dict) -> dict:
        return {**data, "agreed_on": action_agreed_on(self.instance)}


class CloseForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Why the MARAC case is closed"),
        max_length=500,
        error_messages={"required": _("Say why the MARAC case is closed.")},
    )


class MaracCaseFilterForm(StyledForm):
    # The networks the user may see, as (id, name) rows from the cache (marac.selectors.networks_seen):
    # no query and no model instance per option on the list page.
    network = forms.TypedChoiceField(
        label=_("Network"), required=False, coerce=int, empty_value=None, widget=ListSelect
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *MaracStatus.choices], required=False, widget=ListSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [("", _("all")), *networks_seen(user)]


class FiguresForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2019, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("the whole year")), (1, "I"), (2, "II"), (3, "III"), (4, "IV")],
    )
