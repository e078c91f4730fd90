"""Mental-health aid pages: applications, decision drafts, approval, issue, the letter and its delivery."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases import forms, selectors
from cases.aid_rules import check_eligibility
from cases.aidletters import current_letter, letter_is_stale
from cases.models import AidApplication, AidDecision, AidEntitlement
from cases.models.aid import GRANTING_KINDS, DecisionKind, DecisionStatus
from cases.selectors import aid_applications_due
from cases.services import aid as aid_services
from cases.views.base import CASEWORK, CaseMixin, sealed_gate
from victimsupport.audit import AccessAction, log_access
from victimsupport.concurrency import ConcurrentEdit, conflict_context, merge_after_conflict
from victimsupport.forms import apply_service_errors
from victimsupport.letters import letter_download
from victimsupport.models import Job, Role
from victimsupport.paging import paginate
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView


def _persons(application: AidApplication) -> list[int]:
    return [application.applicant_id, application.case.client_id]


class ApplicationCreateView(CaseMixin, View):
    action = "change"
    log_action = None
    template_name = "cases/aid/application_form.html"

    def get(self, request, pk):
        log_access(request.user, AccessAction.VIEW, obj=self.case, persons=[self.case.client_id])
        return render(
            request, self.template_name, {"case": self.case, "form": forms.AidApplicationForm(case=self.case)}
        )

    def post(self, request, pk):
        form = forms.AidApplicationForm(request.POST, case=self.case)
        if form.is_valid():
            try:
                application = aid_services.application_create(
                    actor=request.user,
                    case=self.case,
                    **{name: form.cleaned_data[name] for name in aid_services.APPLICATION_FIELDS},
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The application was recorded. The decision is due on %(due)s.")
                    % {"due": application.decision_due_on.strftime("%d.%m.%Y")},
                )
                return redirect("cases:aid-application", pk=application.pk)
        return render(request, self.template_name, {"case": self.case, "form": form}, status=400)


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
            "remaining": aid_services.remaining(entitlement) if entitlement else None,
            "can_change": is_permitted(user, self.case, "change"),
        }


class ApplicationEditView(ApplicationMixin, View):
    action = "change"
    template_name = "cases/aid/application_form.html"

    def get(self, request, pk):
        form = forms.AidApplicationForm(instance=self.application, case=self.case)
        return render(request, self.template_name, {"case": self.case, "form": form, "application": self.application})

    def post(self, request, pk):
        original = AidApplication.objects.get(pk=self.application.pk)
        form = forms.AidApplicationForm(request.POST, instance=self.application, case=self.case)
        if form.is_valid():
            try:
                aid_services.application_update(
                    actor=request.user,
                    application=self.application,
                    expected_version=form.cleaned_data["version"],
                    **{name: form.cleaned_data[name] for name in aid_services.APPLICATION_FIELDS},
                )
            except ConcurrentEdit as edit:
                values, conflict = merge_after_conflict(
                    edit.current, form.cleaned_data["version"], form.cleaned_data, aid_services.APPLICATION_FIELDS
                )
                retry = forms.AidApplicationForm(
                    instance=edit.current, case=self.case, initial={**values, "version": edit.current.version}
                )
                return render(
                    request,
                    self.template_name,
                    {
                        "case": self.case,
                        "form": retry,
                        "application": edit.current,
                        **conflict_context(edit, conflict),
                    },
                    status=409,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The application was saved."))
                return redirect("cases:aid-application", pk=self.application.pk)
        return render(
            request, self.template_name, {"case": self.case, "form": form, "application": original}, status=400
        )


class DecisionDraftView(ApplicationMixin, View):
    """Draft a decision on the application (grant, partial grant or refusal)."""

    action = "change"
    template_name = "cases/aid/decision_form.html"
    kinds = (DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.REFUSAL)

    def initial(self) -> dict:
        application = self.application
        return {
            "kind": DecisionKind.GRANT,
            "amount_cap": selectors.cap_on(timezone.localdate()),
            "service_type": application.service_wished,
            "valid_from": application.received_on,
        }

    def context(self, form):
        return {
            "application": self.application,
            "case": self.case,
            "form": form,
            "eligibility": check_eligibility(self.application),
            **_cap_context(),
        }

    def get(self, request, pk):
        form = forms.AidDecisionForm(initial=self.initial(), kinds=self.kinds)
        return render(request, self.template_name, self.context(form))

    def post(self, request, pk):
        form = forms.AidDecisionForm(request.POST, kinds=self.kinds)
        if form.is_valid():
            try:
                decision = aid_services.decision_draft(
                    actor=request.user,
                    application=self.application,
                    **{name: form.cleaned_data[name] for name in aid_services.DRAFT_FIELDS},
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The draft decision was saved."))
                return redirect("cases:aid-decision", pk=decision.pk)
        return render(request, self.template_name, self.context(form), status=400)


def _cap_context() -> dict:
    """The cap a draft is checked against: the one in force on its decision date, today if issued today."""
    today = timezone.localdate()
    return {"cap": selectors.cap_on(today), "cap_date": today}


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


class DecisionEditView(DecisionMixin, View):
    action = "change"
    template_name = "cases/aid/decision_form.html"

    def kinds(self):
        if self.decision.kind in (DecisionKind.AMENDMENT, DecisionKind.REVOCATION):
            return (self.decision.kind,)
        return (DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.REFUSAL)

    def context(self, form, **extra):
        return {
            "application": self.application,
            "case": self.case,
            "form": form,
            "decision": self.decision,
            "eligibility": check_eligibility(self.application),
            **_cap_context(),
            **extra,
        }

    def get(self, request, pk):
        if self.decision.status not in (DecisionStatus.DRAFT, DecisionStatus.RETURNED):
            messages.info(request, _("Only a draft can be changed."))
            return redirect("cases:aid-decision", pk=self.decision.pk)
        form = forms.AidDecisionForm(instance=self.decision, kinds=self.kinds())
        return render(request, self.template_name, self.context(form))

    def post(self, request, pk):
        original = AidDecision.objects.get(pk=self.decision.pk)
        form = forms.AidDecisionForm(request.POST, instance=self.decision, kinds=self.kinds())
        if form.is_valid():
            try:
                aid_services.decision_update(
                    actor=request.user,
                    decision=self.decision,
                    expected_version=form.cleaned_data["version"],
                    **{name: form.cleaned_data[name] for name in aid_services.DRAFT_FIELDS},
                )
            except ConcurrentEdit as edit:
                values, conflict = merge_after_conflict(
                    edit.current, form.cleaned_data["version"], form.cleaned_data, aid_services.DRAFT_FIELDS
                )
                self.decision = edit.current
                retry = forms.AidDecisionForm(
                    instance=edit.current, kinds=self.kinds(), initial={**values, "version": edit.current.version}
                )
                return render(
                    request,
                    self.template_name,
                    self.context(retry, **conflict_context(edit, conflict)),
                    status=409,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The draft decision was saved."))
                return redirect("cases:aid-decision", pk=self.decision.pk)
        self.decision = original
        return render(request, self.template_name, self.context(form), status=400)


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


class DecisionDeliverView(DecisionMixin, View):
    action = "change"

    def post(self, request, pk):
        options = selectors.delivery_options(self.decision)
        form = forms.DeliveryForm(request.POST, options=options)
        if form.is_valid():
            try:
                aid_services.decision_deliver(
                    actor=request.user,
                    decision=self.decision,
                    channel=form.cleaned_data["channel"],
                    delivered_on=form.cleaned_data["delivered_on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The delivery was recorded."))
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("cases:aid-decision", pk=self.decision.pk)


class DecisionAmendView(DecisionMixin, View):
    """Draft an amendment or a revocation of an issued grant (a new decision that refers to it)."""

    action = "change"
    template_name = "cases/aid/decision_form.html"

    def kind(self) -> str:
        kind = self.request.GET.get("kind") or self.request.POST.get("kind")
        return DecisionKind.REVOCATION if kind == DecisionKind.REVOCATION else DecisionKind.AMENDMENT

    def context(self, form):
        return {
            "application": self.application,
            "case": self.case,
            "form": form,
            "amends": self.decision,
            "eligibility": check_eligibility(self.application),
            **_cap_context(),
        }

    def get(self, request, pk):
        d = self.decision
        initial = {
            "kind": self.kind(),
            "amount_cap": d.amount_cap,
            "valid_from": d.valid_from,
            "valid_until": d.valid_until,
            "service_type": d.service_type,
        }
        form = forms.AidDecisionForm(initial=initial, kinds=(self.kind(),))
        return render(request, self.template_name, self.context(form))

    def post(self, request, pk):
        form = forms.AidDecisionForm(request.POST, kinds=(self.kind(),))
        if form.is_valid():
            try:
                amendment = aid_services.decision_draft(
                    actor=request.user,
                    application=self.application,
                    amends=self.decision,
                    **{name: form.cleaned_data[name] for name in aid_services.DRAFT_FIELDS},
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The draft decision was saved."))
                return redirect("cases:aid-decision", pk=amendment.pk)
        return render(request, self.template_name, self.context(form), status=400)


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
        page = paginate(aid_applications_due(user, scope=scope), self.request.GET)
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
