"""Providers, specialists, contracts and tariffs: the service organiser maintains, casework staff read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cases.models import AidDecision
from referrals import forms
from referrals.models import Contract, Provider, ProviderSpecialist
from referrals.selectors import find_providers
from referrals.services import providers as provider_services
from victimsupport.forms import apply_service_errors
from victimsupport.models import Role
from victimsupport.paging import paginate
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object

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


class EditView(RoleRequiredMixin, View):
    """One form, one service call: create or change provider data (service organisers only)."""

    roles = ORGANISER
    template_name = "referrals/edit_form.html"
    title = ""

    def instance(self):
        return None

    def form(self, data=None):
        raise NotImplementedError

    def save(self, form):
        raise NotImplementedError

    def done(self, obj):
        raise NotImplementedError

    def get(self, request, **kwargs):
        return render(request, self.template_name, {"form": self.form(), "title": self.title, "back": self.back()})

    def post(self, request, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                obj = self.save(form)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return self.done(obj)
        return render(request, self.template_name, {"form": form, "title": self.title, "back": self.back()}, status=400)

    def back(self) -> str:
        return ""


class ProviderEditView(EditView):
    def instance(self):
        if "pk" in self.kwargs:
            return restricted_object(Provider.objects.all(), self.request.user, action="change", pk=self.kwargs["pk"])
        return None

    @property
    def title(self):
        return _("Edit the provider") if "pk" in self.kwargs else _("New provider")

    def form(self, data=None):
        return forms.ProviderForm(data, instance=self.instance())

    def save(self, form):
        data = form.cleaned_data
        return provider_services.provider_save(
            actor=self.request.user,
            provider=form.instance if form.instance.pk else None,
            counties=data["counties"],
            **{name: data[name] for name in provider_services.PROVIDER_FIELDS},
        )

    def done(self, obj):
        return redirect("referrals:provider", pk=obj.pk)


class SpecialistEditView(EditView):
    def provider(self):
        if "specialist_pk" in self.kwargs:
            return self.specialist().provider
        return restricted_object(Provider.objects.all(), self.request.user, action="change", pk=self.kwargs["pk"])

    def specialist(self):
        if "specialist_pk" not in self.kwargs:
            return None
        return get_object_or_404(
            ProviderSpecialist.objects.restrict(self.request.user, "change"), pk=self.kwargs["specialist_pk"]
        )

    @property
    def title(self):
        return _("Specialist of %(provider)s") % {"provider": self.provider()}

    def form(self, data=None):
        return forms.SpecialistForm(data, instance=self.specialist())

    def save(self, form):
        data = form.cleaned_data
        return provider_services.specialist_save(
            actor=self.request.user,
            provider=self.provider(),
            specialist=form.instance if form.instance.pk else None,
            **{name: data[name] for name in provider_services.SPECIALIST_FIELDS},
        )

    def done(self, obj):
        return redirect("referrals:provider", pk=obj.provider_id)


class ContractEditView(EditView):
    def provider(self):
        return restricted_object(Provider.objects.all(), self.request.user, action="change", pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("New contract")

    def form(self, data=None):
        return forms.ContractForm(data)

    def save(self, form):
        data = form.cleaned_data
        return provider_services.contract_save(
            actor=self.request.user,
            provider=self.provider(),
            **{name: data[name] for name in provider_services.CONTRACT_FIELDS},
        )

    def done(self, obj):
        return redirect("referrals:provider", pk=obj.provider_id)


class TariffAddView(EditView):
    def contract(self):
        return get_object_or_404(Contract.objects.restrict(self.request.user, "change"), pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("New tariff for contract %(number)s") % {"number": self.contract().number}

    def form(self, data=None):
        return forms.TariffForm(data)

    def save(self, form):
        data = form.cleaned_data
        contract = self.contract()
        if contract.tariffs.filter(service=data["service"], effective_from=data["effective_from"]).exists():
            raise ValidationError({"effective_from": _("A tariff for this service starts on this date already.")})
        return provider_services.tariff_add(
            actor=self.request.user,
            contract=contract,
            **{name: data[name] for name in provider_services.TARIFF_FIELDS},
        )

    def done(self, obj):
        return redirect("referrals:provider", pk=obj.contract.provider_id)
