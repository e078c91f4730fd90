"""Case pages: the list, intake, the case page with its timeline, and what a case goes through."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases import forms
from cases.contact import allowed_channels, contact_facts, unusable_channels
from cases.models import Case, CaseParty, Task
from cases.sealing import mark_opened
from cases.selectors import (
    CASE_SORTS,
    DEFAULT_CASE_SORT,
    CaseFilters,
    can_read_restricted_notes,
    case_entitlements,
    case_list,
    case_timeline,
)
from cases.services import cases as case_services
from cases.services import intake as intake_services
from cases.views.base import CASEWORK, CaseMixin, case_persons
from cases.views.duplicates import choose_person
from victimsupport.audit import AccessAction, log_access
from victimsupport.forms import apply_service_errors
from victimsupport.models import Role
from victimsupport.paging import page_number, paginate, sorted_list_context
from victimsupport.permissions import is_permitted, permitted_actions
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView

SEARCHES_KEPT = 20  # a session remembers this many of its latest case searches


def search_remember(request, query: str) -> str:
    """Keep `query` in the session; the token that stands for it in the list's address."""
    searches = request.session.get("case_searches", {})
    token = secrets.token_urlsafe(12)
    searches = dict(list(searches.items())[-(SEARCHES_KEPT - 1) :]) | {token: query}
    request.session["case_searches"] = searches
    return token


def search_recalled(request) -> str:
    token = request.GET.get("search", "")
    return request.session.get("case_searches", {}).get(token, "") if token else ""


class CaseSearchView(RoleRequiredMixin, View):
    """The case list's search box: the text goes by POST into the session, and the list shows the cases
    found under a token in its address (never the name or the code)."""

    roles = CASEWORK

    def get(self, request):
        return redirect("cases:case-list")

    def post(self, request):
        form = forms.CaseSearchForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["query"]))
            return redirect("cases:case-list")
        return redirect(f"{reverse('cases:case-list')}?search={search_remember(request, form.cleaned_data['query'])}")


def default_scope(user) -> str:
    """A specialist starts from their own cases; a manager, who leads the region, from everything."""
    return "all" if user.has_role(Role.REGIONAL_MANAGER) else "mine"


class CaseListView(RoleRequiredMixin, TemplateView):
    roles = CASEWORK
    template_name = "cases/case_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        params = self.request.GET.copy()
        query = search_recalled(self.request)
        if not params.get("scope"):
            # Shown as chosen; a missing scope means the same on every page. A search looks through everything.
            params["scope"] = "all" if query else default_scope(user)
        if params.get("responsible") and params["scope"] == "mine":
            params["scope"] = "all"  # a colleague chosen by name: their cases, not "mine and theirs" (none)
        form = forms.CaseFilterForm(params, user=user)
        listing = sorted_list_context(self.request.GET, CASE_SORTS, DEFAULT_CASE_SORT)
        filters = CaseFilters(sort=listing["sort"], scope=default_scope(user))
        if form.is_valid():
            data = form.cleaned_data
            filters.scope = data["scope"]
            filters.status = data["status"]
            filters.responsible_id = data["responsible"]
            filters.incident_type = data["incident_type"]
            filters.county_id = data["county"]
            filters.opened_from = data["opened_from"]
            filters.opened_to = data["opened_to"]
            filters.overdue = data["overdue"]
        filters.query = query
        page = paginate(case_list(user, filters), self.request.GET)
        if page.items:
            log_access(
                user, AccessAction.LIST, object_type="cases.case", persons=[case.client_id for case in page.items]
            )
        columns = [
            ("opened", _("Opened")),
            ("client", _("Client")),
            ("status", _("Status")),
            ("responsible", _("Specialist")),
            ("county", _("County")),
        ]
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "search_form": forms.CaseSearchForm(initial={"query": query}),
            "searched": query,
            "page": page,
            **listing,
            "columns": columns,
        }


class CaseDetailView(CaseMixin, TemplateView):
    template_name = "cases/case_detail.html"

    @cached_property
    def parties(self) -> list[CaseParty]:
        return list(CaseParty.objects.filter(case=self.case).select_related("person").order_by("pk"))

    def logged_persons(self) -> list[int]:
        return [self.case.client_id, *(party.person_id for party in self.parties)]  # the parties read once

    def get_context_data(self, **kwargs):
        user, case = self.request.user, self.case
        permitted = permitted_actions(user, case, "change", "assign")
        can_change, can_assign = "change" in permitted, "assign" in permitted
        privileged = case.responsible_id == user.pk or can_assign
        entries, has_more = case_timeline(user, case, privileged=privileged)
        parties = [party for party in self.parties if party.person_id != case.client_id]
        client = case.client
        facts = contact_facts(client)
        open_tasks = list(
            Task.objects.filter(case=case, done_at__isnull=True).select_related("assigned_to").order_by("due_on", "id")
        )
        plan = list(case.plan_items.all())
        applications = list(case.aid_applications.select_related("applicant").order_by("-received_on", "-id"))
        claims = list(
            case.compensation_claims.restrict(user).select_related("claimant").order_by("-received_on", "-id")
        )
        return {
            **super().get_context_data(**kwargs),
            "case": case,
            "client": client,
            "safe_contact": facts.rules,
            "channels": allowed_channels(client, facts=facts),
            "unusable": unusable_channels(client, facts=facts),
            "is_perpetrator": facts.perpetrator,
            "parties": parties,
            "entries": entries,
            "has_more": has_more,
            "next_page": 2,
            "open_tasks": open_tasks,
            "plan": plan,
            "aid_applications": applications,
            "compensation_claims": claims,
            # Aid is granted on an application: a case without one has no entitlements to ask for.
            "entitlements": case_entitlements(user, case) if applications else [],
            "can_change": can_change,
            "can_assign": can_assign,
            "privileged": privileged,
            "contact_form": forms.ContactForm(),
            "note_form": forms.NoteForm(),
        }


class CaseTimelineView(CaseMixin, TemplateView):
    """More of the timeline (htmx fragment, or a plain page without JavaScript)."""

    template_name = "cases/case_timeline.html"

    def get_context_data(self, **kwargs):

        number = page_number(self.request.GET.get("page"))
        entries, has_more = case_timeline(
            self.request.user,
            self.case,
            page=number,
            privileged=can_read_restricted_notes(self.request.user, self.case),
        )
        return {
            **super().get_context_data(**kwargs),
            "case": self.case,
            "entries": entries,
            "has_more": has_more,
            "next_page": number + 1,
            "fragment": bool(self.request.htmx),
        }


class OpenSealedView(RoleRequiredMixin, ActionView):
    """State a reason to open a sealed case; then on to the page that asked."""

    roles = CASEWORK
    template_name = "cases/sealed_gate.html"
    form_class = forms.SealedReasonForm

    def prepare(self, request, *args, **kwargs):
        self.case = restricted_object(Case.objects.select_related("region", "client"), request.user, pk=kwargs["pk"])
        return None

    def get(self, request, *args, **kwargs):
        # The address stays in the bar after a refused reason: the case page asks again.
        return redirect(self.object_url())

    def next_url(self) -> str:
        next_url = self.request.POST.get("next", "")
        if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(next_url, {self.request.get_host()}):
            return self.object_url()
        return next_url

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "case": self.case, "next": self.next_url()}

    def perform(self, data):
        case_services.case_sealed_opened(actor=self.request.user, case=self.case, reason=data["reason"])
        mark_opened(self.request, self.case.pk)
        return self.next_url()

    def object_url(self) -> str:
        return reverse("cases:case", args=[self.case.pk])


class CaseActionView(CaseMixin, ActionView):
    """A form on its own page that calls one service (close, reopen, assign, ...)."""

    template_name = "cases/case_form.html"
    log_action = None

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "case": self.case}

    def get(self, request, *args, **kwargs):
        log_access(request.user, AccessAction.VIEW, obj=self.case, persons=case_persons(self.case))
        return super().get(request, *args, **kwargs)

    def object_url(self) -> str:
        return self.case_url()


class CaseEditView(CaseActionView):
    action = "change"
    template_name = "cases/case_edit.html"
    success_message = gettext_lazy("The case was saved.")
    form_class = forms.CaseEditForm
    edits = "case"

    def perform(self, data):
        case_services.case_update(
            actor=self.request.user,
            case=self.case,
            expected_version=data["version"],
            **{name: data[name] for name in forms.CaseEditForm.Meta.fields},
        )


class CaseCloseView(CaseActionView):
    action = "change"
    form_class = forms.CloseForm
    intro = gettext_lazy("Open tasks stay as they are; while the case is closed they are not shown as overdue.")

    title = gettext_lazy("Close the case")
    submit_label = gettext_lazy("Close the case")
    success_message = gettext_lazy("The case was closed.")

    def get_form(self, data=None, **kwargs):
        return super().get_form(data, case=self.case, **kwargs)

    def perform(self, data):
        case_services.case_close(
            actor=self.request.user,
            case=self.case,
            reason=data["reason"],
            note=data["note"],
            closed_on=data["closed_on"],
        )


class CaseReopenView(CaseActionView):
    action = "change"
    form_class = forms.ReopenForm
    title = gettext_lazy("Reopen the case")
    submit_label = gettext_lazy("Reopen")
    success_message = gettext_lazy("The case was reopened.")

    def perform(self, data):
        case_services.case_reopen(actor=self.request.user, case=self.case, reason=data["reason"])


class CaseAssignView(CaseActionView):
    action = "assign"
    title = gettext_lazy("Responsible specialist")
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("The responsible specialist was changed.")

    def get_form(self, data=None):
        return forms.AssignForm(data, case=self.case)

    def perform(self, data):
        case_services.case_assign(actor=self.request.user, case=self.case, responsible=data["responsible"])


class CaseTransferView(CaseActionView):
    action = "assign"
    title = gettext_lazy("Transfer to another region")
    submit_label = gettext_lazy("Transfer")
    success_message = gettext_lazy("The case was transferred. The other region's team now sees it.")
    danger = True

    def get_form(self, data=None):
        return forms.TransferForm(data, case=self.case)

    def perform(self, data):
        case = case_services.case_transfer(
            actor=self.request.user, case=self.case, region=data["region"], county=data["county"], reason=data["reason"]
        )
        if not is_permitted(self.request.user, case, "view"):
            return reverse("cases:case-list")
        return None


class CaseSealView(CaseActionView):
    action = "assign"
    roles = ("regional_manager",)
    title = gettext_lazy("Seal or unseal the case")
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("Saved.")

    def get_form(self, data=None):
        form = forms.SealForm(data)
        if data is None:
            form.initial = {"sealed": self.case.sealed, "reason": self.case.sealed_reason}
        return form

    def perform(self, data):
        case_services.case_set_sealed(
            actor=self.request.user, case=self.case, sealed=data["sealed"], reason=data["reason"]
        )


class PartyAddView(CaseMixin, View):
    """Add a person to the case: a family member, a witness or the alleged perpetrator. A person on
    record (same personal code, or same name and birth date, among those the user sees) is linked, and
    seen through this case, never changed through it."""

    action = "change"
    template_name = "cases/party_add.html"
    log_action = None

    def get(self, request, pk):
        return render(
            request,
            self.template_name,
            {
                "case": self.case,
                "form": forms.PartyForm(prefix="party"),
                "person_form": forms.PartyPersonForm(prefix="person"),
            },
        )

    def post(self, request, pk):
        form = forms.PartyForm(request.POST, prefix="party")
        person_form = forms.PartyPersonForm(request.POST, prefix="person")
        context = {"case": self.case, "form": form, "person_form": person_form}
        if form.is_valid() and person_form.is_valid():
            data = person_form.cleaned_data
            choice = choose_person(request, data, require_change=False)
            if choice.undecided and not choice.code_match:
                return render(request, self.template_name, {**context, **choice.context()})
            person = choice.person or (choice.candidates[0] if choice.code_match else None)
            try:
                party = intake_services.case_party_intake(
                    actor=request.user,
                    case=self.case,
                    person=person,
                    person_fields=None if person else {name: data[name] for name in forms.PERSON_FORM_FIELDS},
                    role=form.cleaned_data["role"],
                    note=form.cleaned_data["note"],
                    relation=form.cleaned_data["relation"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s was added to the case.") % {"name": party.person.full_name})
                return redirect("cases:case", pk=self.case.pk)
        return render(request, self.template_name, context, status=400)
