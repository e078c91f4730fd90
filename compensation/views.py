"""Compensation pages: the claims list, a claim opened in a case, the claim with its checks and the
calculation line by line, the crime, loss items and evidence."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from cases.aidletters import current_letter, letter_is_stale
from cases.forms import DeliveryForm, ReturnDecisionForm
from cases.sealing import mark_hidden
from cases.selectors import person_delivery_options
from cases.views.base import CASEWORK, CaseMixin, document_download, sealed_gate
from compensation import forms, selectors
from compensation.checks import claim_checks, problems
from compensation.models import (
    PERIODIC,
    Claim,
    ClaimDocument,
    ClaimStatus,
    CompensationDecision,
    CompensationDecisionStatus,
    ExpertOpinion,
    InformationRequest,
    LossItem,
    LossKind,
    PaymentBatch,
)
from compensation.services import claims as services
from compensation.services import decisions as decision_services
from compensation.services import evidence as evidence_services
from compensation.services import payments as payment_services
from victimsupport.approval import changed_content
from victimsupport.audit import AccessAction, log_access
from victimsupport.letters import letter_download
from victimsupport.models import Job, Region, Role
from victimsupport.paging import paginate, sorted_list_context
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView


def claim_persons(claim: Claim) -> list[int]:
    return sorted({claim.claimant_id, claim.crime.victim_id})


def claim_gate(request, claim: Claim):
    """The sealed-case gate of the cases behind a claim that the user can see (None: go on)."""
    for case in (claim.case, claim.crime.case):
        if case is not None and case.sealed and is_permitted(request.user, case, "view"):
            gate = sealed_gate(request, case)
            if gate is not None:
                return gate
    return None


class ClaimListView(RoleRequiredMixin, TemplateView):
    roles = CASEWORK
    template_name = "compensation/claim_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = forms.ClaimFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        listing = sorted_list_context(self.request.GET, selectors.CLAIM_SORTS, "-received")
        claims = selectors.claim_list(
            user,
            q=filters.get("q") or "",
            status=filters.get("status") or "",
            region=filters.get("region"),
            mine=bool(filters.get("mine")),
            sort=listing["sort"],
        )
        page = paginate(claims, self.request.GET)
        mark_hidden(self.request, [claim.claimant for claim in page.items])  # one query for the page's names
        if page.items:
            log_access(
                user,
                AccessAction.LIST,
                object_type="compensation.claim",
                persons=[claim.claimant_id for claim in page.items],
            )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            **listing,
            "columns": [("received", _("Received")), ("crime", _("Date of the crime"))],
        }


class ClaimMixin(RoleRequiredMixin):
    """Views of one claim (or of an object of a claim): 404 out of scope, 403 without `action`, the
    sealed gate of the cases behind it, and an access log row for every page that shows it."""

    roles = CASEWORK
    action = "view"
    log_view = True

    def load_claim(self, request, pk):
        base = Claim.objects.select_related(
            "crime__region", "crime__victim", "crime__case", "claimant", "case", "handler"
        )
        self.claim = restricted_object(base, request.user, action=self.action, pk=pk)
        self.crime = self.claim.crime
        gate = claim_gate(request, self.claim)
        if gate is not None:
            return gate
        if request.method == "GET" and self.log_view:
            log_access(request.user, AccessAction.VIEW, obj=self.claim, persons=claim_persons(self.claim))
        return None

    def prepare(self, request, *args, **kwargs):
        return self.load_claim(request, kwargs["pk"])

    def object_url(self) -> str:
        return reverse("compensation:claim", args=[self.claim.pk])


class ClaimDetailView(ClaimMixin, TemplateView):
    template_name = "compensation/claim_detail.html"

    def get_context_data(self, **kwargs):
        claim, crime = self.claim, self.crime
        rules = selectors.rules_for(crime)
        checks = claim_checks(claim, rules)
        calculations = selectors.crime_calculations(crime, rules) if rules else {}
        calculation = next((calc for other, calc in calculations.items() if other.pk == claim.pk), None)
        decisions = list(claim.decisions.select_related("letter", "drafted_by", "amends").order_by("drafted_at", "id"))
        in_force = next(
            (d for d in decisions if d.is_issued and not any(o.amends_id == d.pk and o.is_issued for o in decisions)),
            None,
        )
        return {
            **super().get_context_data(**kwargs),
            "claim": claim,
            "crime": crime,
            "rules": rules,
            "checks": checks,
            "problems": problems(checks),
            "calculation": calculation,
            "others": [(other, calc) for other, calc in calculations.items() if other.pk != claim.pk],
            "documents": claim.documents.select_related("item", "uploaded_by"),
            "decisions": decisions,
            "requests": list(claim.information_requests.select_related("letter").order_by("sent_on", "id")),
            "opinions": list(claim.expert_opinions.select_related("doctor").order_by("asked_at", "id")),
            "today": timezone.localdate(),
            "can_change": claim.is_open and is_permitted(self.request.user, crime, "change"),
            "in_force": in_force,
            "has_draft": any(not decision.is_issued for decision in decisions),
            "withdraw_form": forms.WithdrawForm() if in_force is None else None,
            "can_see_person": is_permitted(self.request.user, claim.claimant, "view"),
        }


class ClaimOpenView(CaseMixin, ActionView):
    """A claim in a case, with its crime: new, or one already recorded for another claimant."""

    action = "change"
    form_class = forms.NewClaimForm
    template_name = "compensation/claim_form.html"
    title = gettext_lazy("New compensation claim")
    submit_label = gettext_lazy("Record the claim")

    def get_form(self, data=None, **kwargs):
        return super().get_form(data, case=self.case, user=self.request.user, **kwargs)

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "case": self.case, "crime_fields": services.CRIME_FIELDS}

    def perform(self, data):
        claim = services.claim_open(
            actor=self.request.user,
            case=self.case,
            crime=data["crime"],
            crime_fields=None if data["crime"] else {name: data[name] for name in services.CRIME_FIELDS},
            **{name: data[name] for name in services.CLAIM_FIELDS},
        )
        self.success_message = _("Claim %(claim)s was recorded.") % {"claim": claim.reference}
        return reverse("compensation:claim", args=[claim.pk])

    def object_url(self) -> str:
        return self.case_url()


class ClaimOpenForPersonView(RoleRequiredMixin, ActionView):
    """A claim of a victim who has no victim-support case (the person is recorded with the claim)."""

    roles = CASEWORK
    form_class = forms.PersonClaimForm
    template_name = "compensation/claim_person_form.html"
    title = gettext_lazy("New compensation claim of a person without a case")
    submit_label = gettext_lazy("Record the claim")

    def get_form(self, data=None, **kwargs):
        return super().get_form(data, user=self.request.user, **kwargs)

    def perform(self, data):
        claim = services.claim_open_for_person(
            actor=self.request.user,
            region=data["region"],
            person_fields={name: data[name] for name in services.PERSON_FIELDS_FOR_CLAIM},
            safe_contact={"letter_allowed": data["letter_allowed"], "email_allowed": data["email_allowed"]},
            crime_fields={name: data[name] for name in services.CRIME_FIELDS if name != "victim"},
            **{name: data[name] for name in services.PERSON_CLAIM_FIELDS},
        )
        self.success_message = _("Claim %(claim)s was recorded.") % {"claim": claim.reference}
        return reverse("compensation:claim", args=[claim.pk])

    def object_url(self) -> str:
        return reverse("compensation:claim-list")


class ClaimEditView(ClaimMixin, ActionView):
    action = "change"
    form_class = forms.ClaimForm
    template_name = "compensation/claim_form.html"
    title = gettext_lazy("Change the claim")
    success_message = gettext_lazy("The claim was saved.")
    edits = "claim"

    def get_form(self, data=None, **kwargs):
        return super().get_form(data, case=self.claim.case, **kwargs)

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "claim": self.claim}

    def perform(self, data):
        services.claim_update(
            actor=self.request.user,
            claim=self.claim,
            expected_version=data["version"],
            **{name: data[name] for name in services.CLAIM_FIELDS},
        )


class ClaimWithdrawView(ClaimMixin, ActionView):
    action = "change"
    form_class = forms.WithdrawForm
    success_message = gettext_lazy("The claim was withdrawn.")

    def perform(self, data):
        services.claim_withdraw(actor=self.request.user, claim=self.claim, reason=data["reason"])


class CrimeEditView(ClaimMixin, ActionView):
    """The crime's facts, from one of its claims (the crime is shared by them all)."""

    action = "change"
    form_class = forms.CrimeForm
    template_name = "compensation/crime_form.html"
    title = gettext_lazy("The crime")
    success_message = gettext_lazy("The crime was saved.")
    edits = "crime"

    def prepare(self, request, *args, **kwargs):
        response = super().prepare(request, *args, **kwargs)
        if response is None and not is_permitted(request.user, self.crime, "change"):
            raise PermissionDenied  # the claimant's case's staff, when the crime is handled elsewhere
        return response

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "claim": self.claim, "crime": self.crime}

    def perform(self, data):
        services.crime_update(
            actor=self.request.user,
            crime=self.crime,
            expected_version=data["version"],
            late_reason_accepted=data["late_reason_accepted"],
            **{name: data[name] for name in services.CRIME_FIELDS},
        )


class ItemFormView(ClaimMixin, ActionView):
    action = "change"
    form_class = forms.LossItemForm
    template_name = "compensation/item_form.html"

    def page_context(self, form) -> dict:
        return {
            **super().page_context(form),
            "claim": self.claim,
            "periodic": [str(kind) for kind in PERIODIC],
            "kinds": LossKind,
        }


class ItemAddView(ItemFormView):
    title = gettext_lazy("Add a loss")
    success_message = gettext_lazy("The loss was added.")

    def perform(self, data):
        services.item_add(
            actor=self.request.user, claim=self.claim, **{name: data[name] for name in services.ITEM_FIELDS}
        )


class ItemMixin(ClaimMixin):
    def prepare(self, request, *args, **kwargs):
        base = LossItem.objects.select_related("claim")
        self.item = restricted_object(base, request.user, pk=kwargs["pk"])
        return self.load_claim(request, self.item.claim_id)


class ItemEditView(ItemMixin, ItemFormView):
    title = gettext_lazy("Change the loss")
    success_message = gettext_lazy("The loss was saved.")
    edits = "item"

    def perform(self, data):
        services.item_update(
            actor=self.request.user,
            item=self.item,
            expected_version=data["version"],
            **{name: data[name] for name in services.ITEM_FIELDS},
        )


class ItemRemoveView(ItemMixin, ActionView):
    action = "change"
    success_message = gettext_lazy("The loss was removed.")

    def perform(self, data):
        services.item_remove(actor=self.request.user, item=self.item)


class DocumentAddView(ClaimMixin, ActionView):
    action = "change"
    form_class = forms.DocumentForm
    template_name = "compensation/document_form.html"
    title = gettext_lazy("Add a document")
    success_message = gettext_lazy("The document was stored.")
    multipart = True

    def get_form(self, data=None, **kwargs):
        return super().get_form(data, claim=self.claim, **kwargs)

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "claim": self.claim}

    def perform(self, data):
        services.document_add(
            actor=self.request.user,
            claim=self.claim,
            title=data["title"],
            upload=data["file"],
            item=data["item"],
            from_proceedings=data["from_proceedings"],
        )


class DocumentDownloadView(ClaimMixin, View):
    log_view = False  # the download is logged

    def prepare(self, request, *args, **kwargs):
        self.document = get_object_or_404(
            ClaimDocument.objects.restrict(request.user).select_related("claim"), pk=kwargs["pk"]
        )
        return self.load_claim(request, self.document.claim_id)

    def get(self, request, pk):
        return document_download(request, self.document, persons=claim_persons(self.claim))


# --- decisions ---


class DecisionFormView(ActionView):
    template_name = "compensation/decision_form.html"
    form_class = forms.DecisionForm
    submit_label = gettext_lazy("Save the draft")
    success_message = gettext_lazy("The draft decision was saved.")

    def page_context(self, form) -> dict:
        decision = getattr(self, "decision", None)
        amends = decision.amends if decision is not None else selectors.decision_in_force(self.claim)
        calculation = selectors.claim_calculation(self.claim)
        paid = selectors.paid_on_claim(self.claim) if amends is not None else Decimal("0")
        return {
            **super().page_context(form),
            "claim": self.claim,
            "calculation": calculation,
            "amends": amends,
            "paid_before": paid,
            "left_to_grant": max(Decimal("0"), calculation.proposed - paid) if calculation else None,
            "checks": claim_checks(self.claim, selectors.rules_for(self.crime)),
        }

    def fields(self, data: dict) -> dict:
        return {name: data[name] for name in decision_services.DRAFT_FIELDS}


class DecisionDraftView(ClaimMixin, DecisionFormView):
    action = "change"
    title = gettext_lazy("Draft a decision")

    def get_form(self, data=None, **kwargs):
        if data is None:
            calculation = selectors.claim_calculation(self.claim)
            left = max(Decimal("0"), calculation.proposed - selectors.paid_on_claim(self.claim)) if calculation else 0
            kwargs.setdefault("initial", {"kind": "grant" if left else "refusal", "one_off_amount": left})
        return super().get_form(data, **kwargs)

    def page_context(self, form) -> dict:
        context = super().page_context(form)
        if context["amends"] is not None:
            context["title"] = _("Draft the amending decision")
        return context

    def perform(self, data):
        decision = decision_services.decision_draft(actor=self.request.user, claim=self.claim, **self.fields(data))
        return reverse("compensation:decision", args=[decision.pk])


class DecisionMixin(ClaimMixin):
    def prepare(self, request, *args, **kwargs):
        self.decision = restricted_object(
            CompensationDecision.objects.select_related("claim", "letter", "drafted_by", "approved_by"),
            request.user,
            pk=kwargs["pk"],
        )
        return self.load_claim(request, self.decision.claim_id)

    def object_url(self) -> str:
        return reverse("compensation:decision", args=[self.decision.pk])


class DecisionDetailView(DecisionMixin, TemplateView):
    template_name = "compensation/decision_detail.html"

    def get_context_data(self, **kwargs):
        decision, user = self.decision, self.request.user
        approver = user.has_role(Role.REGIONAL_MANAGER) and is_permitted(user, self.crime, "assign")
        changed = changed_content(decision, user)
        job = (
            Job.objects.restrict(user)
            .filter(kind="compensation_letter", target_type="compensation.compensationdecision", target_id=decision.pk)
            .order_by("-created_at")
            .first()
        )
        options = person_delivery_options(self.claim.claimant) if decision.is_issued else []
        letter = current_letter(decision)
        instalments = list(decision.instalments.select_related("approved_by", "batch"))
        amended_by = decision.amendments.filter(status=CompensationDecisionStatus.ISSUED).first()
        return {
            **super().get_context_data(**kwargs),
            "decision": decision,
            "claim": self.claim,
            "crime": self.crime,
            "can_change": is_permitted(user, self.claim, "change"),
            "can_approve": approver and not changed,
            "approval_closed": approver and changed,
            "own_draft": decision.drafted_by_id == user.pk,
            "job": job,
            "letter": letter,
            "letter_stale": letter is not None and letter_is_stale(decision, letter, person=self.claim.claimant),
            "options": options,
            "any_channel": any(options),
            "delivery_form": DeliveryForm(options=options) if decision.is_issued else None,
            "return_form": ReturnDecisionForm(),
            "stop_form": forms.StopForm(),
            "amended_by": amended_by,
            "can_reopen": decision.is_issued
            and amended_by is None
            and self.claim.status == ClaimStatus.DECIDED
            and is_permitted(user, self.claim, "change"),
            "reopen_form": forms.ReopenForm(),
            "instalments": instalments,
            "can_approve_payments": approver and decision.is_issued and any(row.is_planned for row in instalments),
            "periodic_waiting": any(row.periodic and (row.is_planned or row.is_approved) for row in instalments),
        }


class DecisionEditView(DecisionMixin, DecisionFormView):
    action = "change"
    title = gettext_lazy("Change the draft decision")
    edits = "decision"

    def get(self, request, *args, **kwargs):
        if not (self.decision.is_draft or self.decision.is_returned):
            messages.info(request, _("Only a draft can be changed."))
            return redirect(self.object_url())
        return super().get(request, *args, **kwargs)

    def perform(self, data):
        decision_services.decision_update(
            actor=self.request.user, decision=self.decision, expected_version=data["version"], **self.fields(data)
        )


class DecisionButtonView(DecisionMixin, ActionView):
    action = "change"


class DecisionSubmitView(DecisionButtonView):
    success_message = gettext_lazy("The decision was sent to a regional manager for approval.")

    def perform(self, data):
        decision_services.decision_submit(actor=self.request.user, decision=self.decision)


class DecisionApproveView(DecisionButtonView):
    action = "assign"
    success_message = gettext_lazy("The decision was approved and issued. The letter is being made.")

    def perform(self, data):
        decision_services.decision_approve(actor=self.request.user, decision=self.decision)


class DecisionReturnView(DecisionButtonView):
    action = "assign"
    form_class = ReturnDecisionForm
    success_message = gettext_lazy("The draft was returned to its author.")

    def perform(self, data):
        decision_services.decision_return(actor=self.request.user, decision=self.decision, comment=data["comment"])


class DecisionDiscardView(DecisionButtonView):
    success_message = gettext_lazy("The draft was discarded.")

    def perform(self, data):
        decision_services.decision_discard(actor=self.request.user, decision=self.decision)
        return reverse("compensation:claim", args=[self.claim.pk])


class ClaimReopenView(ClaimMixin, ActionView):
    """Reopen a decided claim to amend or revoke its decision (from the decision's page)."""

    action = "change"
    form_class = forms.ReopenForm
    success_message = gettext_lazy(
        "The claim is open again. Change what is needed and draft the decision that amends the one in force."
    )

    def perform(self, data):
        decision_services.claim_reopen(actor=self.request.user, claim=self.claim, reason=data["reason"])


class ClaimKeepDecisionView(ClaimMixin, ActionView):
    action = "change"
    success_message = gettext_lazy("The claim is closed again; the decision in force stays.")

    def perform(self, data):
        decision_services.claim_keep_decision(actor=self.request.user, claim=self.claim)


class DecisionDeliverView(DecisionButtonView):
    success_message = gettext_lazy("The delivery was recorded.")

    def get_form(self, data=None, **kwargs):
        return DeliveryForm(data, options=person_delivery_options(self.claim.claimant))

    def perform(self, data):
        decision_services.decision_deliver(
            actor=self.request.user,
            decision=self.decision,
            channel=data["channel"],
            delivered_on=data["delivered_on"],
            note=data["note"],
        )


class DecisionLetterView(DecisionMixin, View):
    """The letter in force: download it, or (POST) make it if it has not been made (a failed job), or
    re-issue it when the address on it is no longer allowed."""

    log_view = False  # the download is logged

    def get(self, request, pk):
        return letter_download(request, current_letter(self.decision), persons=claim_persons(self.claim))

    def post(self, request, pk):
        if not self.decision.is_issued or not is_permitted(request.user, self.claim, "change"):
            raise Http404
        if self.decision.letter_id is None or letter_is_stale(self.decision, person=self.claim.claimant):
            job = decision_services.decision_letter_request(actor=request.user, decision=self.decision)
            return redirect("job", pk=job.pk)
        return redirect("compensation:decision", pk=self.decision.pk)


# --- payments ---


class PaymentsApproveView(DecisionButtonView):
    action = "assign"  # a regional manager of the crime's region (the service checks again)

    def perform(self, data):
        count = payment_services.instalments_approve(actor=self.request.user, decision=self.decision)
        self.success_message = ngettext(
            "%(count)s payment approved. Another person makes the payment file.",
            "%(count)s payments approved. Another person makes the payment file.",
            count,
        ) % {"count": count}


class PeriodicStopView(DecisionButtonView):
    form_class = forms.StopForm
    success_message = gettext_lazy("The periodic payments were stopped.")

    def perform(self, data):
        payment_services.periodic_stop(
            actor=self.request.user, decision=self.decision, stop_from=data["stop_from"], reason=data["reason"]
        )


class PaymentsView(RoleRequiredMixin, TemplateView):
    """Approved payments of my regions waiting for a file, and the files made."""

    roles = CASEWORK
    template_name = "compensation/payments.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        regions = Region.objects.filter(pk__in=user.region_ids).order_by("name")
        waiting = [
            (region, list(payment_services.waiting_for_file(region).order_by("due_on", "id"))) for region in regions
        ]
        persons = [row.decision.claim.claimant_id for _region, rows in waiting for row in rows]
        if persons:
            log_access(user, AccessAction.LIST, object_type="compensation.instalment", persons=persons)
        return {
            **super().get_context_data(**kwargs),
            "waiting": waiting,
            "batches": paginate(
                PaymentBatch.objects.restrict(user).select_related("region", "created_by"), self.request.GET
            ),
            "form": forms.PaymentFileForm(),
        }


class PaymentFileMakeView(RoleRequiredMixin, ActionView):
    roles = CASEWORK
    form_class = forms.PaymentFileForm
    success_message = gettext_lazy("The payment file was made.")

    def prepare(self, request, *args, **kwargs):
        self.region = get_object_or_404(Region, pk=kwargs["pk"], pk__in=request.user.region_ids)
        return None

    def perform(self, data):
        payment_services.payment_file_make(
            actor=self.request.user, region=self.region, execution_date=data["execution_date"]
        )

    def object_url(self) -> str:
        return reverse("compensation:payments")


class PaymentFileView(RoleRequiredMixin, View):
    roles = CASEWORK

    def get(self, request, pk):
        batch = restricted_object(PaymentBatch.objects.all(), request.user, pk=pk)
        log_access(request.user, AccessAction.DOWNLOAD, obj=batch)
        return FileResponse(
            batch.xml_file.open("rb"),
            as_attachment=True,
            filename=f"hyvitised-{batch.created_at:%Y%m%d-%H%M}.xml",
            content_type="application/xml",
        )


# --- requests for information and the expert doctor ---


class RequestSendView(ClaimMixin, ActionView):
    action = "change"
    form_class = forms.InformationRequestForm
    template_name = "compensation/claim_action_form.html"
    title = gettext_lazy("Request information")
    submit_label = gettext_lazy("Send the request")
    intro = gettext_lazy(
        "The request is registered as an outgoing letter with a reply deadline; you are reminded when it passes."
    )

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "claim": self.claim}

    def perform(self, data):
        request = evidence_services.request_send(
            actor=self.request.user, claim=self.claim, **{name: data[name] for name in evidence_services.REQUEST_FIELDS}
        )
        self.success_message = _("The request was recorded; the reply is due on %(due)s.") % {
            "due": request.reply_due_on.strftime("%d.%m.%Y")
        }


class RequestMixin(ClaimMixin):
    def prepare(self, request, *args, **kwargs):
        self.info_request = restricted_object(
            InformationRequest.objects.select_related("letter"), request.user, pk=kwargs["pk"]
        )
        return self.load_claim(request, self.info_request.claim_id)


class RequestAnswerView(RequestMixin, ActionView):
    action = "change"
    form_class = forms.ReplyForm
    template_name = "compensation/claim_action_form.html"
    title = gettext_lazy("Record the reply")
    success_message = gettext_lazy("The reply was recorded.")
    edits = "info_request"

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "claim": self.claim}

    def perform(self, data):
        evidence_services.request_answer(
            actor=self.request.user,
            request=self.info_request,
            expected_version=data["version"],
            **{name: data[name] for name in evidence_services.REPLY_FIELDS},
        )


class RequestLetterView(RequestMixin, View):
    log_view = False  # the download is logged

    def get(self, request, pk):
        return letter_download(request, self.info_request.letter, persons=claim_persons(self.claim))


class OpinionAskView(ClaimMixin, ActionView):
    action = "change"
    form_class = forms.OpinionAskForm
    template_name = "compensation/claim_action_form.html"
    title = gettext_lazy("Ask an expert doctor")
    submit_label = gettext_lazy("Ask")
    success_message = gettext_lazy("The doctor was asked.")

    def get_form(self, data=None, **kwargs):
        return super().get_form(data, claim=self.claim, **kwargs)

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "claim": self.claim}

    def perform(self, data):
        evidence_services.opinion_ask(
            actor=self.request.user,
            claim=self.claim,
            doctor=data["doctor"],
            question=data["question"],
            documents=data["documents"],
            due_on=data["due_on"],
        )


OPINION_ROLES = (Role.EXPERT_DOCTOR, *CASEWORK)


class OpinionMixin(RoleRequiredMixin):
    """The opinion's page: the doctor asked sees only what the opinion needs; the claim's handlers too."""

    roles = OPINION_ROLES

    def prepare(self, request, *args, **kwargs):
        self.opinion = restricted_object(
            ExpertOpinion.objects.select_related("claim__crime__victim", "claim__claimant", "doctor", "asked_by"),
            request.user,
            pk=kwargs["pk"],
        )
        self.claim = self.opinion.claim
        gate = claim_gate(request, self.claim)
        if gate is not None:
            return gate
        if request.method == "GET":
            log_access(request.user, AccessAction.VIEW, obj=self.opinion, persons=claim_persons(self.claim))
        return None

    def object_url(self) -> str:
        return reverse("compensation:opinion", args=[self.opinion.pk])


class OpinionView(OpinionMixin, ActionView):
    form_class = forms.OpinionForm
    template_name = "compensation/opinion.html"
    submit_label = gettext_lazy("Give the opinion")
    success_message = gettext_lazy("The opinion was recorded.")
    edits = "opinion"

    def page_context(self, form) -> dict:
        opinion = self.opinion
        return {
            **super().page_context(form),
            "opinion": opinion,
            "claim": self.claim,
            "crime": self.claim.crime,
            "documents": list(opinion.documents.order_by("uploaded_at", "id")),
            "can_give": opinion.is_asked and is_permitted(self.request.user, opinion, "give"),
            "can_see_claim": is_permitted(self.request.user, self.claim, "view"),
            "title": _("Expert opinion"),
        }

    def perform(self, data):
        evidence_services.opinion_give(
            actor=self.request.user,
            opinion=self.opinion,
            expected_version=data["version"],
            **{name: data[name] for name in evidence_services.OPINION_FIELDS},
        )


class OpinionDocumentView(OpinionMixin, View):
    def prepare(self, request, *args, **kwargs):
        response = super().prepare(request, *args, **kwargs)
        if response is None:
            # The doctor reads the documents while the opinion is asked; the claim's handlers always.
            if self.opinion.is_given and not is_permitted(request.user, self.claim, "view"):
                raise Http404
            self.document = get_object_or_404(self.opinion.documents.all(), pk=kwargs["doc_pk"])
        return response

    def get(self, request, pk, doc_pk):
        return document_download(request, self.document, persons=claim_persons(self.claim))


class MyOpinionsView(RoleRequiredMixin, TemplateView):
    roles = (Role.EXPERT_DOCTOR,)
    template_name = "compensation/my_opinions.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        opinions = (
            ExpertOpinion.objects.restrict(user)
            .filter(doctor=user)
            .select_related("claim")
            .order_by("-status", "due_on", "id")
        )
        page = paginate(opinions, self.request.GET)
        if page.items:
            log_access(
                user,
                AccessAction.LIST,
                object_type="compensation.expertopinion",
                persons=[o.claim.crime.victim_id for o in page.items],
            )
        return {**super().get_context_data(**kwargs), "page": page, "today": timezone.localdate()}
