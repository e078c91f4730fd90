"""Providers, specialists, contracts and tariffs: the service organiser maintains, casework staff read."""

from __future__ import annotations

import copy

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from cases.models import AidDecision
from referrals import forms
from referrals.models import Contract, Provider, ProviderSpecialist
from referrals.selectors import find_providers
from referrals.services import providers as provider_services
from victimsupport.models import Role
from victimsupport.paging import paginate
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView

READERS = (Role.SERVICE_ORGANISER, Role.SPECIALIST, Role.REGIONAL_MANAGER)
ORGANISER = (Role.SERVICE_ORGANISER,)


def referable_decision(user, value) -> int | None:
    """The `decision` the finder was opened from (to offer "Refer here"): only a well-formed id of a decision
    the user may refer from; anything else is ignored."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 2**63:
        return None
    decision = AidDecision.objects.restrict(user, "change").filter(pk=int(value)).values_list("pk", flat=True)
    return decision.first()


class ProviderListView(RoleRequiredMixin, TemplateView):
    """The provider finder: by county, language, service, remote service and waiting time."""

    roles = READERS
    template_name = "referrals/provider_list.html"

    def get_context_data(self, **kwargs):
        form = forms.ProviderFinderForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        providers = find_providers(
            self.request.user,
            q=filters.get("q") or "",
            county=filters.get("county"),
            language=filters.get("language") or "",
            service=filters.get("service") or "",
            remote=bool(filters.get("remote")),
            max_wait=filters.get("max_wait"),
            sort=filters.get("sort") or "wait",
        )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": paginate(providers, self.request.GET),
            "can_edit": self.request.user.has_role(Role.SERVICE_ORGANISER),
            "decision": referable_decision(self.request.user, self.request.GET.get("decision")),
        }


class ProviderDetailView(RoleRequiredMixin, TemplateView):
    roles = READERS
    template_name = "referrals/provider_detail.html"

    def get_context_data(self, **kwargs):
        provider = restricted_object(
            Provider.objects.prefetch_related("counties"), self.request.user, pk=self.kwargs["pk"]
        )
        contracts = list(provider.contracts.prefetch_related("tariffs"))
        return {
            **super().get_context_data(**kwargs),
            "provider": provider,
            "contracts": contracts,
            "specialists": list(provider.specialists.all()),
            "can_edit": self.request.user.has_role(Role.SERVICE_ORGANISER),
        }


class OrganiserFormView(RoleRequiredMixin, ActionView):
    """One form, one service call: create or change provider data (service organisers only)."""

    roles = ORGANISER
    template_name = "referrals/edit_form.html"
    success_message = gettext_lazy("Saved.")
    provider: Provider | None = None

    def provider_from_url(self) -> Provider:
        return restricted_object(Provider.objects.all(), self.request.user, action="change", pk=self.kwargs["pk"])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "back": self.object_url()}

    def object_url(self) -> str:
        if self.provider is None:
            return reverse("referrals:provider-list")
        return reverse("referrals:provider", args=[self.provider.pk])


class ProviderEditView(OrganiserFormView):
    def prepare(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.provider = self.provider_from_url()
        return None

    @property
    def title(self):
        return _("Edit the provider") if self.provider else _("New provider")

    def get_form(self, data=None, **kwargs):
        return forms.ProviderForm(data, instance=copy.copy(self.provider), **kwargs)

    def perform(self, data):
        self.provider = provider_services.provider_save(
            actor=self.request.user,
            provider=self.provider,
            counties=data["counties"],
            **{name: data[name] for name in provider_services.PROVIDER_FIELDS},
        )


class SpecialistEditView(OrganiserFormView):
    specialist: ProviderSpecialist | None = None

    def prepare(self, request, *args, **kwargs):
        if "specialist_pk" in kwargs:
            self.specialist = restricted_object(
                ProviderSpecialist.objects.select_related("provider"),
                request.user,
                action="change",
                pk=kwargs["specialist_pk"],
            )
            self.provider = self.specialist.provider
        else:
            self.provider = self.provider_from_url()
        return None

    @property
    def title(self):
        return _("Specialist of %(provider)s") % {"provider": self.provider}

    def get_form(self, data=None, **kwargs):
        return forms.SpecialistForm(data, instance=copy.copy(self.specialist), **kwargs)

    def perform(self, data):
        provider_services.specialist_save(
            actor=self.request.user,
            provider=self.provider,
            specialist=self.specialist,
            **{name: data[name] for name in provider_services.SPECIALIST_FIELDS},
        )


class ContractEditView(OrganiserFormView):
    form_class = forms.ContractForm
    title = gettext_lazy("New contract")

    def prepare(self, request, *args, **kwargs):
        self.provider = self.provider_from_url()
        return None

    def perform(self, data):
        provider_services.contract_save(
            actor=self.request.user,
            provider=self.provider,
            **{name: data[name] for name in provider_services.CONTRACT_FIELDS},
        )


class TariffAddView(OrganiserFormView):
    form_class = forms.TariffForm

    def prepare(self, request, *args, **kwargs):
        self.contract = restricted_object(
            Contract.objects.select_related("provider"), request.user, action="change", pk=kwargs["pk"]
        )
        self.provider = self.contract.provider
        return None

    @property
    def title(self):
        return _("New tariff for contract %(number)s") % {"number": self.contract.number}

    def perform(self, data):
        provider_services.tariff_add(
            actor=self.request.user,
            contract=self.contract,
            **{name: data[name] for name in provider_services.TARIFF_FIELDS},
        )
