from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Person, SafeContact
from mediation import selectors
from mediation.models import Mediation, MediationOutcome, MediationStatus, Meeting, Obligation, ObligationStatus
from mediation.services.mediations import (
    AGREEMENT_RULES,
    APPOINT_RULES,
    MEDIATION_FIELDS,
    MEDIATION_RULES,
    MEETING_FIELDS,
    MEETING_RULES,
    NEW_OFFENCE_RULES,
    OBLIGATION_FIELDS,
    OBLIGATION_RULES,
    PARTIES,
    PARTY_CONTACT_FIELDS,
    PARTY_FIELDS,
    RECEIVE_RULES,
    SETTLE_RULES,
)
from victimsupport.forms import DateInput, StyledForm, StyledModelForm, VersionedForm, model_fields
from victimsupport.models import Region

WIDGETS = {
    "received_on": DateInput(),
    "victim_consent_on": DateInput(),
    "offender_consent_on": DateInput(),
    "offence": forms.Textarea(attrs={"rows": 3}),
}
PARTY_LABELS = {"victim": _("The victim"), "offender": _("The offender")}


class MediationReceiveForm(StyledForm):
    """The referral, and both parties with how they may be contacted, on one page."""

    field_rules = RECEIVE_RULES  # the parties' fields are named victim_... and offender_...
    region = forms.ModelChoiceField(label=_("Region handling the mediation"), queryset=Region.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=user.region_ids).order_by("name")
        self.fields.update(model_fields(Mediation, MEDIATION_FIELDS, widgets=WIDGETS))
        self.party_fields = {}
        for party in PARTIES:
            fields = model_fields(Person, PARTY_FIELDS, widgets={"birth_date": DateInput()}, prefix=f"{party}_")
            fields |= model_fields(SafeContact, PARTY_CONTACT_FIELDS, prefix=f"{party}_")
            fields[f"{party}_personal_code"].help_text = _(
                "A person already on record is used as recorded (their data and contact rules stay)."
            )
            self.fields.update(fields)
            self.party_fields[party] = list(fields)
        if not self.is_bound:
            self.initial["received_on"] = timezone.localdate()
            regions = list(self.fields["region"].queryset[:2])
            if len(regions) == 1:
                self.initial["region"] = regions[0].pk

    def parties(self) -> list[tuple[str, list]]:
        """Each party's label and bound fields, for the template."""
        return [(PARTY_LABELS[party], [self[name] for name in self.party_fields[party]]) for party in PARTIES]

    def referral(self) -> list:
        return [self[name] for name in ["region", *MEDIATION_FIELDS]]


def receive_arguments(data: dict) -> dict:
    """The receiving form's data as the service takes it."""
    return {
        "region": data["region"],
        "parties": {party: {name: data[f"{party}_{name}"] for name in PARTY_FIELDS} for party in PARTIES},
        "contacts": {party: {name: data[f"{party}_{name}"] for name in PARTY_CONTACT_FIELDS} for party in PARTIES},
        **{name: data[name] for name in MEDIATION_FIELDS},
    }


class MediationForm(VersionedForm):
    field_rules = MEDIATION_RULES

    class Meta:
        model = Mediation
        fields = MEDIATION_FIELDS
        widgets = WIDGETS

    def rule_values(self, data: dict) -> dict:
        return {**data, "appointed_on": self.instance.appointed_on, "agreement_on": self.instance.agreement_on}


class AppointForm(StyledForm):
    field_rules = APPOINT_RULES
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=None)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    appointed_on = forms.DateField(label=_("Appointed on"), widget=DateInput(), required=False)

    def __init__(self, *args, mediation: Mediation, **kwargs):
        super().__init__(*args, **kwargs)
        self.mediation = mediation
        self.fields["mediator"].queryset = selectors.mediators_for(mediation.region)
        self.fields["mediator"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["mediator"].help_text = _("The region's staff, or its active mediator volunteers.")
        self.fields["appointed_on"].help_text = _("Today, if left empty.")

    def rule_values(self, data: dict) -> dict:
        # A later appointment keeps the first one's date: the day typed is not used then.
        first = self.mediation.appointed_on is None
        return {
            **data,
            "appointed_on": data.get("appointed_on") if first else None,
            "received_on": self.mediation.received_on,
        }


class OfMediation:
    """A form on one mediation: its rules also judge the typed day against the mediation's appointment and
    agreement (without a mediation, e.g. the page's own blank form, those rules are left to the service)."""

    def __init__(self, *args, mediation: Mediation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mediation = mediation

    def rule_values(self, data: dict) -> dict:
        if self.mediation is None:
            return data
        return {"appointed_on": self.mediation.appointed_on, "agreement_on": self.mediation.agreement_on, **data}


class MeetingForm(OfMediation, StyledModelForm):
    field_rules = MEETING_RULES

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


class ObligationForm(OfMediation, StyledModelForm):
    field_rules = OBLIGATION_RULES

    class Meta:
        model = Obligation
        fields = OBLIGATION_FIELDS
        widgets = {"due_on": DateInput()}


class AgreementForm(ObligationForm):
    field_rules = AGREEMENT_RULES
    agreement_on = forms.DateField(label=_("Agreement signed on"), widget=DateInput())

    field_order = ["agreement_on", *OBLIGATION_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].help_text = _("The first obligation; add the others on the mediation's page.")


class SettleForm(OfMediation, StyledForm):
    field_rules = SETTLE_RULES
    status = forms.ChoiceField(
        label=_("The obligation was"),
        choices=[(ObligationStatus.FULFILLED, _("fulfilled")), (ObligationStatus.BREACHED, _("breached"))],
        widget=forms.RadioSelect,
    )
    settled_on = forms.DateField(label=_("On"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, help_text=_("For a breach: what was not done.")
    )


class CloseForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MediationOutcome.choices)
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput(), required=False)


class NewOffenceForm(StyledForm):
    field_rules = NEW_OFFENCE_RULES
    offence_on = forms.DateField(label=_("Day of the new offence"), widget=DateInput())


class MediationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, proceedings number or reference"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any")), *MediationStatus.choices])
    mine = forms.BooleanField(label=_("My mediations"), required=False)
