from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import PartyRole
from cases.models import Case, CaseParty, Person
from compensation.models import (
    Claim,
    ClaimDocument,
    ClaimStatus,
    CompensationDecision,
    Crime,
    ExpertOpinion,
    InformationRequest,
    LossItem,
)
from compensation.services.claims import (
    CLAIM_FIELDS,
    CLAIM_RULES,
    CRIME_FIELDS,
    CRIME_RULES,
    ITEM_FIELDS,
    ITEM_RULES,
    PERSON_CLAIM_FIELDS,
    PERSON_FIELDS_FOR_CLAIM,
)
from compensation.services.decisions import DRAFT_FIELDS, DRAFT_RULES
from compensation.services.evidence import (
    OPINION_ASK_RULES,
    OPINION_FIELDS,
    OPINION_RULES,
    REPLY_FIELDS,
    REPLY_RULES,
    REQUEST_FIELDS,
    doctors,
)
from compensation.services.payments import PAYMENT_FILE_RULES
from victimsupport.forms import (
    DateInput,
    StyledForm,
    StyledModelForm,
    VersionedForm,
    localize_money,
    model_fields,
)
from victimsupport.models import Region, User

CRIME_WIDGETS = {
    "occurred_on": DateInput(),
    "reported_on": DateInput(),
    "description": forms.Textarea(attrs={"rows": 4}),
    "late_report_reason": forms.Textarea(attrs={"rows": 2}),
}


def case_persons(case: Case):
    """The persons of the case who may claim or be the victim: not an alleged perpetrator."""
    perpetrators = CaseParty.objects.filter(case=case, role=PartyRole.ALLEGED_PERPETRATOR).values("person")
    return (
        Person.objects.filter(Q(pk=case.client_id) | Q(case_parties__case=case))
        .exclude(pk__in=perpetrators)
        .distinct()
        .order_by("last_name", "first_name")
    )


class ClaimForm(VersionedForm):
    field_rules = CLAIM_RULES

    class Meta:
        model = Claim
        fields = CLAIM_FIELDS
        widgets = {"received_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, case: Case | None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        if case is not None:
            self.fields["claimant"].queryset = case_persons(case)
        else:
            self.fields["claimant"].queryset = Person.objects.filter(pk=self.instance.claimant_id)
        self.fields["relation"].help_text = _("For a dependant: how the claimant is related to the victim.")
        if not self.is_bound and not self.instance.pk and case is not None:
            self.initial.setdefault("claimant", case.client_id)
            self.initial.setdefault("received_on", timezone.localdate())

    def rule_values(self, data: dict) -> dict:
        return {**data, "victim": self.instance.crime.victim_id if self.instance.crime_id else None}


class NewClaimForm(ClaimForm):
    """A claim and its crime on one form: an existing crime (another claimant's) or a new one."""

    field_rules = (*CRIME_RULES, *CLAIM_RULES)
    crime = forms.ModelChoiceField(
        label=_("Crime"),
        queryset=Crime.objects.none(),
        required=False,
        empty_label=_("a new crime (enter it below)"),
        help_text=_("The victim and the dependants of one crime share one cap: choose the crime already recorded."),
    )

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        persons = case_persons(case)
        self.fields.update(model_fields(Crime, CRIME_FIELDS, widgets=CRIME_WIDGETS))
        self.fields["victim"].queryset = persons
        self.fields["late_report_reason"].help_text = _(
            "If the crime was reported late: why. It counts once accepted on the crime's page."
        )
        self.fields["crime"].queryset = (
            Crime.objects.restrict(user, "change")
            .filter(Q(case=case) | Q(victim__in=persons.values("pk")) | Q(claims__case=case))
            .distinct()
            .order_by("-occurred_on")
        )
        crime_names = set(CRIME_FIELDS)
        # The crime's own fields are needed only for a new crime (checked in clean()).
        for name in crime_names:
            self.fields[name].required = False
        if not self.is_bound:
            self.initial.setdefault("victim", case.client_id)
        self.crime_fields = CRIME_FIELDS

    def rule_values(self, data: dict) -> dict:
        crime = data.get("crime")
        if crime is None:
            return data
        # A crime already recorded: the fields of a new one are not used, its victim is the one recorded.
        return {**data, **dict.fromkeys(CRIME_FIELDS), "victim": crime.victim_id}

    def clean(self):
        data = super().clean()
        if data.get("crime") is None:
            for name in ("victim", "occurred_on", "description", "health_damage"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required for a new crime."))
        return data


class CrimeForm(VersionedForm):
    field_rules = CRIME_RULES
    late_reason_accepted = forms.BooleanField(
        label=_("The reason for the late report is accepted"),
        required=False,
        help_text=_("Recorded with your name and the time."),
    )

    class Meta:
        model = Crime
        fields = CRIME_FIELDS
        widgets = CRIME_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        crime = self.instance
        if crime.case_id:
            self.fields["victim"].queryset = case_persons(crime.case)
        else:
            self.fields["victim"].queryset = Person.objects.filter(pk=crime.victim_id)
        if not self.is_bound:
            self.initial["late_reason_accepted"] = crime.late_reason_accepted


class LossItemForm(VersionedForm):
    field_rules = ITEM_RULES

    class Meta:
        model = LossItem
        fields = ITEM_FIELDS
        widgets = {"period_from": DateInput(), "period_until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        localize_money(self, "amount_claimed", "amount_accepted", "other_sources")
        self.fields["other_sources"].required = False
        self.fields["period_from"].help_text = _("For lost income and maintenance.")

    def clean_other_sources(self):
        return self.cleaned_data.get("other_sources") or 0


class DocumentForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPEG, DOCX, ODT or TXT, at most 10 MB."))
    item = forms.ModelChoiceField(
        label=_("Evidence for"), queryset=LossItem.objects.none(), required=False, empty_label=_("the claim as a whole")
    )
    from_proceedings = forms.BooleanField(
        label=_("From criminal proceedings (restricted under AvTS § 35(1)(1))"), required=False
    )

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = claim.items.all()


class ClaimFilterForm(StyledForm):
    q = forms.CharField(label=_("Claim, proceedings number or name"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all")), *ClaimStatus.choices], required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("name"), required=False)
    mine = forms.BooleanField(label=_("Only mine"), required=False)


class DecisionForm(VersionedForm):
    field_rules = DRAFT_RULES
    EMPTY = (("one_off_amount", Decimal("0")), ("monthly_amount", Decimal("0")), ("monthly_months", 0))

    class Meta:
        model = CompensationDecision
        fields = DRAFT_FIELDS
        widgets = {
            "monthly_from": DateInput(),
            "facts": forms.Textarea(attrs={"rows": 4}),
            "reasoning": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        localize_money(self, "one_off_amount", "monthly_amount")
        for name in ("one_off_amount", "monthly_amount", "monthly_months"):
            self.fields[name].required = False
        self.fields["monthly_amount"].help_text = _("For loss of maintenance or income paid over time.")

    def rule_values(self, data: dict) -> dict:
        return {**data, **{name: empty for name, empty in self.EMPTY if data.get(name) is None}}  # as saved

    def clean(self):
        data = super().clean()
        for name, empty in self.EMPTY:
            if data.get(name) is None and name not in self.errors:
                data[name] = empty
        return data


class StopForm(StyledForm):
    stop_from = forms.DateField(label=_("No payments due from"), widget=DateInput())
    reason = forms.CharField(
        label=_("Why"), max_length=300, help_text=_("E.g. the dependant came of age, died, or the maintenance ended.")
    )


class PaymentFileForm(StyledForm):
    field_rules = PAYMENT_FILE_RULES
    execution_date = forms.DateField(label=_("Payment date"), widget=DateInput(), required=False)


class InformationRequestForm(StyledModelForm):
    class Meta:
        model = InformationRequest
        fields = REQUEST_FIELDS
        widgets = {
            "recipient_address": forms.Textarea(attrs={"rows": 3}),
            "question": forms.Textarea(attrs={"rows": 5}),
        }


class ReplyForm(VersionedForm):
    field_rules = REPLY_RULES

    class Meta:
        model = InformationRequest
        fields = REPLY_FIELDS
        widgets = {"reply_received_on": DateInput(), "reply_summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_received_on"].required = True
        if not self.is_bound and not self.instance.reply_received_on:
            self.initial["reply_received_on"] = timezone.localdate()

    def rule_values(self, data: dict) -> dict:
        return {**data, "sent_on": self.instance.sent_on}


class OpinionAskForm(StyledForm):
    field_rules = OPINION_ASK_RULES
    doctor = forms.ModelChoiceField(label=_("Expert doctor"), queryset=User.objects.none())
    question = forms.CharField(
        label=_("What the doctor is asked"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=_(
            "Is the health damage described in the documents caused by the crime, how serious is it and how "
            "long does it last?"
        ),
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents the doctor may see"),
        queryset=ClaimDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The doctor sees only these, the crime's date and description and the consequence claimed."),
    )
    due_on = forms.DateField(label=_("Opinion due"), widget=DateInput())

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctor"].queryset = doctors()
        self.fields["documents"].queryset = claim.documents.order_by("uploaded_at", "id")
        if not self.is_bound:
            self.initial["due_on"] = timezone.localdate() + timedelta(days=30)


class OpinionForm(VersionedForm):
    field_rules = OPINION_RULES

    class Meta:
        model = ExpertOpinion
        fields = OPINION_FIELDS
        widgets = {"statement": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crime_link"].required = True
        self.fields["statement"].required = True


class WithdrawForm(StyledForm):
    reason = forms.CharField(
        label=_("How the claimant withdrew it"), max_length=300, help_text=_("E.g. a letter of 12.05.2026.")
    )


class ReopenForm(StyledForm):
    reason = forms.CharField(
        label=_("Why the decision is to be amended"),
        max_length=300,
        help_text=_("E.g. new treatment costs, the maintenance ended, the insurer paid."),
    )


class PersonClaimForm(StyledForm):
    """A claim of a victim who has no victim-support case: the person, their rules, the crime and the claim."""

    field_rules = (*CRIME_RULES, *CLAIM_RULES)
    region = forms.ModelChoiceField(label=_("Region handling the claim"), queryset=Region.objects.none())
    letter_allowed = forms.BooleanField(label=_("Letters allowed"), required=False)
    email_allowed = forms.BooleanField(label=_("E-mail allowed"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for model, names, widgets in (
            (Person, PERSON_FIELDS_FOR_CLAIM, {"birth_date": DateInput()}),
            (Crime, [name for name in CRIME_FIELDS if name != "victim"], CRIME_WIDGETS),
            (Claim, PERSON_CLAIM_FIELDS, {"received_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}),
        ):
            self.fields.update(model_fields(model, names, widgets=widgets))
        self.fields["region"].queryset = Region.objects.filter(pk__in=user.region_ids).order_by("name")
        self.fields["letter_allowed"].help_text = _(
            "Only the channels the person agreed to: a decision is sent only so."
        )
        if not self.is_bound:
            self.initial["received_on"] = timezone.localdate()
            regions = list(self.fields["region"].queryset[:2])
            if len(regions) == 1:
                self.initial["region"] = regions[0].pk
        self.person_fields = PERSON_FIELDS_FOR_CLAIM
        self.crime_fields = [name for name in CRIME_FIELDS if name != "victim"]
