"""Referrals: made from an issued grant, answered by the provider, closed."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.models import AidDecision, AidEntitlement
from cases.selectors import remaining
from cases.views.base import CASEWORK, sealed_gate
from referrals import forms
from referrals.models import Referral, ReferralExtension
from referrals.models.referrals import ReferralStatus
from referrals.selectors import held_by
from referrals.services import referrals as referral_services
from victimsupport.audit import AccessAction, log_access
from victimsupport.letters import letter_download
from victimsupport.models import Job
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView


class ReferralCreateView(RoleRequiredMixin, ActionView):
    """A referral from an issued grant: the provider (from the finder), the scope."""

    roles = CASEWORK
    template_name = "referrals/referral_form.html"
    title = gettext_lazy("Refer to a provider")
    submit_label = gettext_lazy("Make the referral")
    success_message = gettext_lazy("The referral was made. The letter to the provider is being prepared.")

    def prepare(self, request, *args, **kwargs):
        base = AidDecision.objects.select_related(
            "application__case__region", "application__case__client", "application__applicant"
        )
        self.decision = restricted_object(base, request.user, action="change", pk=kwargs["pk"])
        gate = sealed_gate(request, self.decision.application.case)
        if gate is not None:
            return gate
        self.entitlement = AidEntitlement.objects.filter(
            Q(decision=self.decision) | Q(amended_by=self.decision)
        ).first()
        if self.entitlement is None or not self.decision.is_issued:
            messages.error(request, _("A referral needs an issued decision that grants the aid."))
            return redirect("cases:aid-decision", pk=self.decision.pk)
        return None

    def page_context(self, form) -> dict:
        return {
            **super().page_context(form),
            "decision": self.decision,
            "entitlement": self.entitlement,
            "remaining": remaining(self.entitlement),
            "case": self.decision.application.case,
        }

    def get(self, request, *args, **kwargs):
        log_access(request.user, AccessAction.VIEW, obj=self.decision, persons=[self.entitlement.person_id])
        return super().get(request, *args, **kwargs)

    def get_form(self, data=None, **kwargs):
        if data is None:
            provider = (self.request.GET.get("provider") or "").strip()
            kwargs["initial"] = {
                "valid_from": max(self.entitlement.valid_from, timezone.localdate()),
                "valid_until": self.entitlement.valid_until,
                "amount": remaining(self.entitlement),
                # From the finder: only a well-formed id is offered to the form (anything else is ignored).
                "provider": provider if provider.isascii() and provider.isdigit() and len(provider) < 19 else None,
            }
        return forms.ReferralForm(data, service=self.entitlement.service_type, **kwargs)

    def perform(self, data):
        referral = referral_services.referral_create(
            actor=self.request.user,
            decision=self.decision,
            provider=data["provider"],
            amount=data["amount"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            hours=data["hours"],
            specialist=data["specialist"],
        )
        return reverse("referrals:referral", args=[referral.pk])

    def object_url(self) -> str:
        return reverse("cases:aid-decision", args=[self.decision.pk])


class ReferralMixin(RoleRequiredMixin):
    roles = CASEWORK
    action = "view"

    def prepare(self, request, *args, **kwargs):
        base = Referral.objects.select_related(
            "provider", "specialist", "entitlement__person", "letter", "decision__application__case__region"
        )
        self.referral = restricted_object(base, request.user, action=self.action, pk=kwargs["pk"])
        self.case = self.referral.decision.application.case
        gate = sealed_gate(request, self.case)
        if gate is not None:
            return gate
        if request.method == "GET":
            log_access(
                request.user, AccessAction.VIEW, obj=self.referral, persons=[self.referral.entitlement.person_id]
            )
        return None


class ReferralDetailView(ReferralMixin, TemplateView):
    template_name = "referrals/referral_detail.html"

    def get_context_data(self, **kwargs):
        referral, user = self.referral, self.request.user
        job = (
            Job.objects.restrict(user)
            .filter(kind="referral_letter", target_type="referrals.referral", target_id=referral.pk)
            .order_by("-created_at")
            .first()
        )
        return {
            **super().get_context_data(**kwargs),
            "referral": referral,
            "case": self.case,
            "job": job,
            "held": held_by(referral),
            "remaining": remaining(referral.entitlement),
            "can_change": is_permitted(user, self.case, "change"),
            "response_form": forms.ReferralResponseForm(),
            "invoices": list(referral.invoices.order_by("-received_on")),
            "extensions": list(referral.extensions.select_related("created_by", "letter")),
        }


class ReferralLetterView(ReferralMixin, View):
    def get(self, request, pk):
        return letter_download(request, self.referral.letter, persons=[self.referral.entitlement.person_id])

    def post(self, request, pk):
        if not is_permitted(request.user, self.case, "change"):
            raise Http404
        if self.referral.letter_id is None:
            job = referral_services.referral_letter_request(actor=request.user, referral=self.referral)
            return redirect("job", pk=job.pk)
        return redirect("referrals:referral", pk=self.referral.pk)


class ReferralButtonView(ReferralMixin, ActionView):
    """A button on the referral page that calls one service."""

    action = "change"
    success_message = gettext_lazy("Saved.")

    def object_url(self) -> str:
        return reverse("referrals:referral", args=[self.referral.pk])


class ReferralRespondView(ReferralButtonView):
    form_class = forms.ReferralResponseForm

    def perform(self, data):
        referral_services.referral_respond(
            actor=self.request.user,
            referral=self.referral,
            accepted=data["accepted"],
            note=data["note"],
            answered_on=data["answered_on"],
        )


class ReferralCancelView(ReferralButtonView):
    def perform(self, data):
        referral_services.referral_close(
            actor=self.request.user, referral=self.referral, status=ReferralStatus.CANCELLED
        )


class ReferralCompleteView(ReferralButtonView):
    def perform(self, data):
        referral_services.referral_close(
            actor=self.request.user, referral=self.referral, status=ReferralStatus.COMPLETED
        )


class ReferralExtendView(ReferralMixin, ActionView):
    """Extend an open referral's scope (more amount, or hours), with a reason: a new letter goes to the
    provider. Whoever may change the case."""

    action = "change"
    template_name = "referrals/referral_extend.html"
    title = gettext_lazy("Extend the referral")
    submit_label = gettext_lazy("Extend")
    success_message = gettext_lazy("The referral was extended. The letter to the provider is being prepared.")

    def page_context(self, form) -> dict:
        return {
            **super().page_context(form),
            "referral": self.referral,
            "case": self.case,
            "held": held_by(self.referral),
            "remaining": remaining(self.referral.entitlement),
        }

    def get_form(self, data=None, **kwargs):
        return forms.ReferralExtensionForm(data, referral=self.referral, **kwargs)

    def perform(self, data):
        referral_services.referral_extend(
            actor=self.request.user,
            referral=self.referral,
            amount=data["amount"],
            hours=data.get("hours"),
            reason=data["reason"],
        )

    def object_url(self) -> str:
        return reverse("referrals:referral", args=[self.referral.pk])


class ReferralExtensionLetterView(ReferralMixin, View):
    def get(self, request, pk, extension_pk):
        extension = get_object_or_404(
            ReferralExtension.objects.select_related("letter"), pk=extension_pk, referral=self.referral
        )
        return letter_download(request, extension.letter, persons=[self.referral.entitlement.person_id])
