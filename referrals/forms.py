"""Forms of the referrals app."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import Language
from cases.models.aid import ServiceType
from referrals.models import Contract, Invoice, InvoiceLine, Provider, ProviderSpecialist, Referral, Tariff
from referrals.models.invoices import (
    INVOICE_NUMBER_MAX_LENGTH,
    InvoiceStatus,
    LineStatus,
    validate_invoice_number,
)
from referrals.services.invoices import LINE_FIELDS
from referrals.services.providers import CONTRACT_FIELDS, SPECIALIST_FIELDS, TARIFF_FIELDS
from victimsupport.forms import (
    CheckboxesField,
    DateInput,
    ListSelect,
    StyledForm,
    StyledModelForm,
    check_date_range,
    localize_money,
)
from victimsupport.models import County
from victimsupport.rowcache import CachedRows


class ProviderForm(StyledModelForm):
    languages = CheckboxesField(label=_("Languages"), choices=Language.choices)
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties served"),
        queryset=County.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Provider
        fields = [
            "name",
            "registry_code",
            "iban",
            "email",
            "phone",
            "address",
            "languages",
            "counties",
            "remote",
            "waiting_days",
            "active",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["counties"] = list(self.instance.counties.values_list("pk", flat=True))


class SpecialistForm(StyledModelForm):
    languages = CheckboxesField(label=_("Languages"), choices=Language.choices)

    class Meta:
        model = ProviderSpecialist
        fields = SPECIALIST_FIELDS
        widgets = {"licence_valid_from": DateInput(), "licence_valid_until": DateInput()}


class ContractForm(StyledModelForm):
    services = CheckboxesField(label=_("Services"), choices=ServiceType.choices)

    class Meta:
        model = Contract
        fields = CONTRACT_FIELDS
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}


class TariffForm(StyledModelForm):
    class Meta:
        model = Tariff
        fields = TARIFF_FIELDS
        widgets = {"effective_from": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localize_money(self, "hourly_rate")

    def validate_constraints(self):
        """The service reports a repeated start date at the field."""


class ProviderFinderForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.order_by("name"), required=False, empty_label=_("any")
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", _("any")), *Language.choices])
    service = forms.ChoiceField(label=_("Service"), required=False, choices=[("", _("any")), *ServiceType.choices])
    remote = forms.BooleanField(label=_("Remote service"), required=False)
    max_wait = forms.IntegerField(label=_("Waiting at most (days)"), required=False, min_value=0)
    sort = forms.ChoiceField(
        label=_("Order"), required=False, choices=[("wait", _("shortest wait first")), ("name", _("by name"))]
    )


class ReferralForm(StyledModelForm):
    class Meta:
        model = Referral
        fields = ["provider", "specialist", "hours", "amount", "valid_from", "valid_until"]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, service: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(active=True).order_by("name")
        self.fields["specialist"].queryset = (
            ProviderSpecialist.objects.filter(active=True).select_related("provider").order_by("last_name")
        )
        self.fields["specialist"].required = False
        localize_money(self, "amount", "hours")
        self.fields["amount"].required = False  # empty: the hours times the contract's tariff
        self.fields["amount"].help_text = _("Leave it empty to have it computed from the hours and the tariff.")

    def clean(self):
        data = super().clean()
        check_date_range(self, data, "valid_from", "valid_until")  # with the missing fields, in one round
        return data

    def validate_constraints(self):
        """The referral service reports these at the fields."""


class ReferralResponseForm(StyledForm):
    accepted = forms.TypedChoiceField(
        label=_("Answer"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("the provider accepts")), ("no", _("the provider refuses"))],
    )
    answered_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReferralExtensionForm(StyledForm):
    amount = forms.DecimalField(
        label=_("Added amount (EUR)"), localize=True, max_digits=12, decimal_places=2, min_value=0
    )
    hours = forms.DecimalField(
        label=_("Added hours"), required=False, localize=True, max_digits=6, decimal_places=1, min_value=0
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        localize_money(self, "amount")
        if referral.hours is None:
            del self.fields["hours"]


class InvoiceForm(StyledForm):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.order_by("name"))
    referral_number = forms.CharField(
        label=_("Referral number"), max_length=60, help_text=_("As on the invoice, e.g. 9-14/12-1 or S-12.")
    )
    number = forms.CharField(  # the one rule for invoice numbers (the import and the model use it too)
        label=_("Invoice number"),
        validators=[validate_invoice_number],
        widget=forms.TextInput(attrs={"maxlength": INVOICE_NUMBER_MAX_LENGTH}),
    )
    invoice_date = forms.DateField(label=_("Invoice date"), widget=DateInput())
    received_on = forms.DateField(label=_("Received"), widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())


class LineForm(StyledModelForm):
    class Meta:
        model = InvoiceLine
        fields = LINE_FIELDS
        widgets = {
            "session_date": DateInput(),
            "start_time": forms.TimeInput(format="%H:%M", attrs={"placeholder": "tt:mm"}),
        }

    def __init__(self, *args, invoice: Invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = ProviderSpecialist.objects.filter(provider=invoice.provider)
        localize_money(self, "rate", "amount")
        if not self.is_bound:
            self.initial.setdefault("service", invoice.referral.service)
            self.initial.setdefault("duration_minutes", 60)

    def validate_constraints(self):
        """A repeated session is a finding on the line, not an input error."""


class LineDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (LineStatus.ACCEPTED, _("accept")),
            (LineStatus.REDUCED, _("reduce")),
            (LineStatus.REJECTED, _("reject")),
        ],
    )
    accepted_amount = forms.DecimalField(
        label=_("Accepted amount"), required=False, localize=True, max_digits=12, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class RejectForm(StyledForm):
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}))


class PaidForm(StyledForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())


# The invoice list's providers, as (id, name), kept in the cache until a provider changes: no query
# and no model instance per option on a list page.
PROVIDER_CHOICES = CachedRows(
    "provider-choices",
    lambda: Provider.objects.order_by("name", "pk").values_list("pk", "name"),
    depends_on=(Provider,),
)


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any")), *InvoiceStatus.choices])
    provider = forms.TypedChoiceField(
        label=_("Provider"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=lambda: [("", _("any")), *PROVIDER_CHOICES.get()],
        widget=ListSelect,
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)


class ImportForm(StyledForm):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.order_by("name"))
    file = forms.FileField(label=_("CSV file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        return upload


class ExportForm(StyledForm):
    execution_date = forms.DateField(label=_("Payment date"), widget=DateInput())


class BudgetFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2023, max_value=2100)
