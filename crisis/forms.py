from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateTimeInput
from crisis import selectors
from crisis.models import Category, CrisisEvent, Need, Registration
from crisis.services.events import EVENT_FIELDS, EVENT_RULES, FOLLOW_UP_RULES, REGISTRATION_FIELDS, ROSTER_RULES
from victimsupport.forms import CheckboxesField, DateInput, StyledForm, StyledModelForm, VersionedForm
from victimsupport.models import Region, User


class EventForm(VersionedForm):
    field_rules = EVENT_RULES

    class Meta:
        model = CrisisEvent
        fields = EVENT_FIELDS
        widgets = {"started_at": DateTimeInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_point"].queryset = selectors.staff_of(region)
        self.fields["contact_point"].label_from_instance = lambda user: user.get_full_name() or user.username


class EventOpenForm(StyledModelForm):
    field_rules = EVENT_RULES
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())

    class Meta:
        model = CrisisEvent
        fields = EVENT_FIELDS
        widgets = {"started_at": DateTimeInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    field_order = ["region", *EVENT_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(pk__in=user.region_ids).order_by("name")
        self.fields["region"].queryset = regions
        # The contact point: staff of the manager's regions (the service checks the event's region).
        self.fields["contact_point"].queryset = User.objects.filter(
            pk__in=[u.pk for r in regions for u in selectors.staff_of(r)]
        ).order_by("last_name")
        self.fields["contact_point"].label_from_instance = lambda u: u.get_full_name() or u.username
        if not self.is_bound:
            self.initial.setdefault("started_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("contact_point", user.pk)
            if regions.count() == 1:
                self.initial["region"] = regions.first().pk


class RosterForm(StyledForm):
    field_rules = ROSTER_RULES
    user = forms.ModelChoiceField(label=_("Helper"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Shift starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Shift ends"), widget=DateTimeInput(), required=False)

    def __init__(self, *args, event: CrisisEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.helpers_for(event.region).exclude(
            pk__in=event.roster.values("user_id")
        )
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["user"].help_text = _("The region's staff, or its active crisis volunteers.")
        if not self.is_bound:
            self.initial["starts_at"] = timezone.localtime().replace(second=0, microsecond=0)


class RegistrationForm(StyledModelForm):
    """The minimal record: a name or a description, and a category (a contact and needs if given)."""

    needs = CheckboxesField(label=_("Needs"), choices=Need.choices, required=False)

    class Meta:
        model = Registration
        fields = REGISTRATION_FIELDS
        widgets = {"category": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = Category.choices  # no empty choice: one tap
        self.fields["who"].widget.attrs.update({"autocomplete": "off", "autofocus": True})
        self.fields["contact"].widget.attrs.update({"autocomplete": "off"})


class FirstAidForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class FollowUpForm(StyledForm):
    field_rules = FOLLOW_UP_RULES
    follow_up_on = forms.DateField(label=_("Follow up on"), widget=DateInput(), required=False)


class ReferForm(StyledForm):
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=200,
        help_text=_("E.g. the local government's social worker, the family doctor, the crisis line 116 123."),
    )
