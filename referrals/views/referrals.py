"""Referrals: made from an issued grant, answered by the provider, closed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cases.models import AidDecision, AidEntitlement
from cases.services.aid import remaining
from cases.views.base import CASEWORK, sealed_gate
from referrals import forms
from referrals.models import Referral
from referrals.models.referrals import ReferralStatus
from referrals.services import referrals as referral_services
from referrals.services.referrals import held_by
from victimsupport.audit import AccessAction, log_access
from victimsupport.forms import apply_service_errors
from victimsupport.models import Job
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object


class ReferralCreateView(RoleRequiredMixin, View):
    """A referral from an issued grant: the provider (from the finder), the scope."""

    roles = CASEWORK
    template_name = "referrals/referral_form.html"

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

    def context(self, form):
        return {
            "decision": self.decision,
            "entitlement": self.entitlement,
            "form": form,
            "remaining": remaining(self.entitlement),
            "case": self.decision.application.case,
        }

    def get(self, request, pk):
        initial = {
            "valid_from": max(self.entitlement.valid_from, timezone.localdate()),
            "valid_until": self.entitlement.valid_until,
            "amount": remaining(self.entitlement),
            "provider": request.GET.get("provider") or None,
        }
        log_access(request.user, AccessAction.VIEW, obj=self.decision, persons=[self.entitlement.person_id])
        return render(
            request,
            self.template_name,
            self.context(forms.ReferralForm(initial=initial, service=self.entitlement.service_type)),
        )

    def post(self, request, pk):
        form = forms.ReferralForm(request.POST, service=self.entitlement.service_type)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = referral_services.referral_create(
                    actor=request.user,
                    decision=self.decision,
                    provider=data["provider"],
                    amount=data["amount"],
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    hours=data["hours"],
                    specialist=data["specialist"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The referral was made. The letter to the provider is being prepared."))
                return redirect("referrals:referral", pk=referral.pk)
        return render(request, self.template_name, self.context(form), status=400)


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
        }


class ReferralLetterView(ReferralMixin, View):
    def get(self, request, pk):
        letter = self.referral.letter
        if letter is None or not letter.file:
            raise Http404
        log_access(request.user, AccessAction.DOWNLOAD, obj=letter, persons=[self.referral.entitlement.person_id])
        return FileResponse(
            letter.file.open("rb"),
            as_attachment=True,
            content_type="application/pdf",
            filename=f"{letter.number.replace('/', '_')}.pdf",
        )

    def post(self, request, pk):
        if not is_permitted(request.user, self.case, "change"):
            raise Http404
        if self.referral.letter_id is None:
            job = referral_services.request_referral_letter(actor=request.user, referral=self.referral)
            return redirect("job", pk=job.pk)
        return redirect("referrals:referral", pk=self.referral.pk)


class ReferralActionView(ReferralMixin, View):
    action = "change"
    operation = ""

    def post(self, request, pk):
        try:
            if self.operation == "respond":
                form = forms.ReferralResponseForm(request.POST)
                if not form.is_valid():
                    for errors in form.errors.values():
                        for message in errors:
                            messages.error(request, message)
                    return redirect("referrals:referral", pk=self.referral.pk)
                referral_services.referral_respond(
                    actor=request.user,
                    referral=self.referral,
                    accepted=form.cleaned_data["accepted"],
                    note=form.cleaned_data["note"],
                    answered_on=form.cleaned_data["answered_on"],
                )
            else:
                status = ReferralStatus.CANCELLED if self.operation == "cancel" else ReferralStatus.COMPLETED
                referral_services.referral_close(actor=request.user, referral=self.referral, status=status)
            messages.success(request, _("Saved."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("referrals:referral", pk=self.referral.pk)
