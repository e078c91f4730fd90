"""Mental-health aid pages: applications, decision drafts, approval, issue, the letter and its delivery."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases import forms, selectors
from cases.aid_rules import check_eligibility
from cases.aidletters import current_letter, letter_is_stale, letter_preview
from cases.models import AidApplication, AidDecision, AidEntitlement
from cases.models.aid import GRANTING_KINDS, DecisionKind, DecisionStatus
from cases.sealing import mark_hidden
from cases.selectors import aid_application_list
from cases.services import aid as aid_services
from cases.views.base import CASEWORK, CaseMixin, sealed_gate
from victimsupport.audit import AccessAction, log_access
from victimsupport.letters import letter_download
from victimsupport.models import Job, Role
from victimsupport.paging import paginate
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView


def _persons(application: AidApplication) -> list[int]:
    return [application.applicant_id, application.case.client_id]


class ApplicationMixin(RoleRequiredMixin):
    roles = CASEWORK
    action = "view"

    def prepare(self, request, *args, **kwargs):
        base = AidApplication.objects.select_related("case__client", "case__region", "applicant")
        self.application = restricted_object(base, request.user, action=self.action, pk=kwargs["pk"])
        self.case = self.application.case
        gate = sealed_gate(request, self.case)
        if gate is not None:
            return gate
        if request.method == "GET":
            log_access(request.user, AccessAction.VIEW, obj=self.application, persons=_persons(self.application))
        return None


class ApplicationDetailView(ApplicationMixin, TemplateView):
    template_name = "cases/aid/application_detail.html"

    def get_context_data(self, **kwargs):
        application, user = self.application, self.request.user
        decisions = list(application.decisions.select_related("drafted_by", "letter", "amends").order_by("drafted_at"))
        decided = any(
            d.is_issued and d.kind in (DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.REFUSAL)
            for d in decisions
        )
        entitlement = AidEntitlement.objects.filter(decision__application=application).first()
        return {
            **super().get_context_data(**kwargs),
            "application": application,
            "case": self.case,
            "eligibility": check_eligibility(application),
            "decisions": decisions,
            "decided": decided,
            "entitlement": entitlement,
            "remaining": selectors.remaining(entitlement) if entitlement else None,
            "can_change": is_permitted(user, self.case, "change"),
        }


class ApplicationFormView(ActionView):
    """The application form: a new one on a case, or the stored one edited."""

    template_name = "cases/aid/application_form.html"
    submit_label = gettext_lazy("Save the application")
    form_class = forms.AidApplicationForm
    edits = "application"  # None on a new application
    application: AidApplication | None = None

    def get_form(self, data=None, **kwargs):
        return super().get_form(data, case=self.case, **kwargs)

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "case": self.case, "application": self.application}

    def fields(self, data: dict) -> dict:
        return {name: data[name] for name in aid_services.APPLICATION_FIELDS}


class ApplicationCreateView(CaseMixin, ApplicationFormView):
    action = "change"

    def perform(self, data):
        application = aid_services.application_create(actor=self.request.user, case=self.case, **self.fields(data))
        self.success_message = _("The application was recorded. The decision is due on %(due)s.") % {
            "due": application.decision_due_on.strftime("%d.%m.%Y")
        }
        return reverse("cases:aid-application", args=[application.pk])

    def object_url(self) -> str:
        return self.case_url()


class ApplicationEditView(ApplicationMixin, ApplicationFormView):
    action = "change"
    success_message = gettext_lazy("The application was saved.")

    def perform(self, data):
        aid_services.application_update(
            actor=self.request.user,
            application=self.application,
            expected_version=data["version"],
            **self.fields(data),
        )

    def object_url(self) -> str:
        return reverse("cases:aid-application", args=[self.application.pk])


class DecisionFormView(ActionView):
    """The decision form with the rules beside it: a new draft, a draft edited, an amendment."""

    template_name = "cases/aid/decision_form.html"
    submit_label = gettext_lazy("Save the draft")
    form_class = forms.AidDecisionForm
    success_message = gettext_lazy("The draft decision was saved.")
    kinds: tuple = (DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.REFUSAL)

    def form_kinds(self) -> tuple:
        return self.kinds

    def initial(self) -> dict:
        return {}

    def get_form(self, data=None, **kwargs):
        if data is None:
            kwargs.setdefault("initial", self.initial())
        return super().get_form(data, kinds=self.form_kinds(), **kwargs)

    def page_context(self, form) -> dict:
        today = timezone.localdate()
        return {
            **super().page_context(form),
            "application": self.application,
            "case": self.case,
            "eligibility": check_eligibility(self.application),
            # The cap a draft is checked against: the one in force on its decision date, today if issued today.
            "cap": selectors.cap_on(today),
            "cap_date": today,
        }

    def fields(self, data: dict) -> dict:
        return {name: data[name] for name in aid_services.DRAFT_FIELDS}

    def draft(self, data: dict, **extra) -> str:
        decision = aid_services.decision_draft(
            actor=self.request.user, application=self.application, **extra, **self.fields(data)
        )
        return reverse("cases:aid-decision", args=[decision.pk])


class DecisionDraftView(ApplicationMixin, DecisionFormView):
    """Draft a decision on the application (grant, partial grant or refusal)."""

    action = "change"

    def initial(self) -> dict:
        application = self.application
        return {
            "kind": DecisionKind.GRANT,
            "amount_cap": selectors.cap_on(timezone.localdate()),
            "service_type": application.service_wished,
            "valid_from": application.received_on,
        }

    def perform(self, data):
        return self.draft(data)

    def object_url(self) -> str:
        return reverse("cases:aid-application", args=[self.application.pk])


class DecisionMixin(RoleRequiredMixin):
    roles = CASEWORK
    action = "view"

    def prepare(self, request, *args, **kwargs):
        base = AidDecision.objects.select_related(
            "application__case__client",
            "application__case__region",
            "application__applicant",
            "letter",
            "drafted_by",
            "approved_by",
            "amends__letter",
        )
        self.decision = restricted_object(base, request.user, action=self.action, pk=kwargs["pk"])
        self.application = self.decision.application
        self.case = self.application.case
        gate = sealed_gate(request, self.case)
        if gate is not None:
            return gate
        if request.method == "GET":
            log_access(request.user, AccessAction.VIEW, obj=self.decision, persons=_persons(self.application))
        return None


class DecisionDetailView(DecisionMixin, TemplateView):
    template_name = "cases/aid/decision_detail.html"

    def get_context_data(self, **kwargs):
        decision, user = self.decision, self.request.user
        can_change = is_permitted(user, self.case, "change")
        approver = user.has_role(Role.REGIONAL_MANAGER) and is_permitted(user, self.case, "assign")
        contributors = list(decision.contributors.order_by("last_name", "first_name", "pk"))
        changed_by_user = decision.drafted_by_id == user.pk or any(c.pk == user.pk for c in contributors)
        job = (
            Job.objects.restrict(user)
            .filter(kind="decision_letter", target_type="cases.aiddecision", target_id=decision.pk)
            .order_by("-created_at")
            .first()
        )
        options = selectors.delivery_options(decision) if decision.is_issued else []
        letter = current_letter(decision)
        return {
            "letter": letter,
            "letter_stale": letter is not None and letter_is_stale(decision, letter),
            **super().get_context_data(**kwargs),
            "decision": decision,
            "application": self.application,
            "case": self.case,
            "can_change": can_change,
            "can_approve": approver and not changed_by_user,
            # A manager who changed the content sees why approval is closed to them (four eyes).
            "approval_closed": approver and changed_by_user,
            "own_draft": decision.drafted_by_id == user.pk,
            "contributors": contributors,
            "job": job,
            "options": options,
            "any_channel": any(options),
            "delivery_form": forms.DeliveryForm(options=options) if decision.is_issued else None,
            "return_form": forms.ReturnDecisionForm(),
            "amendable": decision.is_issued
            and decision.kind in GRANTING_KINDS
            and not decision.amended_by.filter(status=DecisionStatus.ISSUED).exists(),
        }


class DecisionEditView(DecisionMixin, DecisionFormView):
    action = "change"

    def form_kinds(self) -> tuple:
        if self.decision.kind in (DecisionKind.AMENDMENT, DecisionKind.REVOCATION):
            return (self.decision.kind,)
        return self.kinds

    def get(self, request, *args, **kwargs):
        if not (self.decision.is_draft or self.decision.is_returned):
            messages.info(request, _("Only a draft can be changed."))
            return redirect(self.object_url())
        return super().get(request, *args, **kwargs)

    edits = "decision"

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "decision": self.decision}

    def perform(self, data):
        aid_services.decision_update(
            actor=self.request.user, decision=self.decision, expected_version=data["version"], **self.fields(data)
        )

    def object_url(self) -> str:
        return reverse("cases:aid-decision", args=[self.decision.pk])


class DecisionButtonView(DecisionMixin, ActionView):
    """A button on the decision page that calls one service."""

    def object_url(self) -> str:
        return reverse("cases:aid-decision", args=[self.decision.pk])


class DecisionSubmitView(DecisionButtonView):
    action = "change"
    success_message = gettext_lazy("The decision was sent to a regional manager for approval.")

    def perform(self, data):
        aid_services.decision_submit(actor=self.request.user, decision=self.decision)


class DecisionApproveView(DecisionButtonView):
    action = "assign"
    success_message = gettext_lazy("The decision was approved and issued. The letter is being made.")

    def perform(self, data):
        aid_services.decision_approve(actor=self.request.user, decision=self.decision)


class DecisionReturnView(DecisionButtonView):
    action = "assign"
    form_class = forms.ReturnDecisionForm
    success_message = gettext_lazy("The draft was returned to its author.")

    def perform(self, data):
        aid_services.decision_return(actor=self.request.user, decision=self.decision, comment=data["comment"])


class DecisionIssueView(DecisionButtonView):
    action = "change"
    success_message = gettext_lazy("The decision was issued. The letter is being made.")

    def perform(self, data):
        aid_services.decision_issue(actor=self.request.user, decision=self.decision)


class DecisionLetterView(DecisionMixin, View):
    """The letter in force: download it, or (POST) make it if it has not been made (a failed job), or
    re-issue it when the address on it is no longer allowed."""

    log_action = None

    def get(self, request, pk):
        return letter_download(request, current_letter(self.decision), persons=_persons(self.application))

    def post(self, request, pk):
        if not self.decision.is_issued or not is_permitted(request.user, self.case, "change"):
            raise Http404
        if self.decision.letter_id is None or letter_is_stale(self.decision):
            job = aid_services.decision_letter_request(actor=request.user, decision=self.decision)
            return redirect("job", pk=job.pk)
        return redirect("cases:aid-decision", pk=self.decision.pk)


class DecisionPreviewView(DecisionMixin, View):
    """The letter a decision not yet issued would become, to read before it is approved or issued (a
    draft's PDF, marked as such, registered nowhere). An issued decision has its letter instead."""

    def get(self, request, pk):
        if self.decision.is_issued:
            raise Http404
        response = HttpResponse(letter_preview(self.decision), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="eelnou-{self.decision.reference}.pdf"'
        return response


class DecisionDeliverView(DecisionButtonView):
    action = "change"
    success_message = gettext_lazy("The delivery was recorded.")

    def get_form(self, data=None, **kwargs):
        return forms.DeliveryForm(data, options=selectors.delivery_options(self.decision))

    def perform(self, data):
        aid_services.decision_deliver(
            actor=self.request.user,
            decision=self.decision,
            channel=data["channel"],
            delivered_on=data["delivered_on"],
            note=data["note"],
        )


class DecisionAmendView(DecisionMixin, DecisionFormView):
    """Draft an amendment or a revocation of an issued grant (a new decision that refers to it)."""

    action = "change"

    def form_kinds(self) -> tuple:
        kind = self.request.GET.get("kind") or self.request.POST.get("kind")
        return (DecisionKind.REVOCATION if kind == DecisionKind.REVOCATION else DecisionKind.AMENDMENT,)

    def initial(self) -> dict:
        d = self.decision
        return {
            "kind": self.form_kinds()[0],
            "amount_cap": d.amount_cap,
            "valid_from": d.valid_from,
            "valid_until": d.valid_until,
            "service_type": d.service_type,
        }

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "amends": self.decision}

    def perform(self, data):
        return self.draft(data, amends=self.decision)

    def object_url(self) -> str:
        return reverse("cases:aid-decision", args=[self.decision.pk])


class ApprovalQueueView(RoleRequiredMixin, TemplateView):
    """Decisions waiting for the regional manager's approval."""

    roles = (Role.REGIONAL_MANAGER,)
    template_name = "cases/aid/approvals.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        changed_by_user = AidDecision.contributors.through.objects.filter(aiddecision=OuterRef("pk"), user=user)
        waiting = (
            AidDecision.objects.restrict(user, "assign")
            .filter(status=DecisionStatus.SUBMITTED)
            .annotate(changed_by_user=Exists(changed_by_user))
            .select_related("application__case__client", "application__applicant", "drafted_by")
            .order_by("submitted_at", "id")
        )
        page = paginate(waiting, self.request.GET)
        if page.items:
            log_access(
                user,
                AccessAction.LIST,
                object_type="cases.aiddecision",
                persons=[d.application.applicant_id for d in page.items],
            )
        return {**super().get_context_data(**kwargs), "page": page}


class ApplicationListView(RoleRequiredMixin, TemplateView):
    """Open applications by decision due date: mine, or my region's."""

    roles = CASEWORK
    template_name = "cases/aid/applications.html"

    def get_context_data(self, **kwargs):

        user = self.request.user
        scope = self.request.GET.get("scope", "mine")
        page = paginate(aid_application_list(user, scope=scope), self.request.GET)
        mark_hidden(self.request, [application.applicant for application in page.items])  # one query for the page
        if page.items:
            log_access(
                user,
                AccessAction.LIST,
                object_type="cases.aidapplication",
                persons=[a.applicant_id for a in page.items],
            )
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "scope": scope,
            "today": timezone.localdate(),
        }
