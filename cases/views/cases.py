"""Case pages: the list, intake, the case page with its timeline, and what a case goes through."""

from __future__ import annotations

import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases import forms
from cases.contact import allowed_channels, contact_facts, unusable_channels
from cases.models import Case, CaseParty, Person, SafeContact, Task
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
from cases.services import persons as person_services
from cases.services.grants import person_sync_grants
from cases.services.persons import SAFE_CONTACT_FIELDS, possible_duplicates, same_code_person
from cases.views.base import (
    CASEWORK,
    CaseMixin,
    case_persons,
    sealed_session_key,
)
from victimsupport.audit import AccessAction, log_access
from victimsupport.concurrency import ConcurrentEdit, conflict_context, merge_after_conflict
from victimsupport.forms import apply_service_errors
from victimsupport.paging import PAGING_PARAMS, paginate
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object


class CaseListView(RoleRequiredMixin, TemplateView):
    roles = CASEWORK
    template_name = "cases/case_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = forms.CaseFilterForm(self.request.GET or None, user=user)
        sort = self.request.GET.get("sort", DEFAULT_CASE_SORT)
        if sort not in CASE_SORTS:
            sort = DEFAULT_CASE_SORT
        filters = CaseFilters(sort=sort)
        if form.is_valid():
            data = form.cleaned_data
            filters.scope = data["scope"] or "all"
            filters.status = data["status"]
            filters.responsible_id = data["responsible"]
            filters.incident_type = data["incident_type"]
            filters.county_id = data["county"]
            filters.opened_from = data["opened_from"]
            filters.opened_to = data["opened_to"]
            filters.overdue = data["overdue"]
        page = paginate(case_list(user, filters), self.request.GET)
        if page.items:
            log_access(
                user, AccessAction.LIST, object_type="cases.case", persons=[case.client_id for case in page.items]
            )
        query = self.request.GET.copy()
        for name in PAGING_PARAMS:
            query.pop(name, None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
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
            "page": page,
            "query": query.urlencode(),
            "sort": sort,
            "sort_query": sort_query.urlencode(),
            "columns": columns,
        }


class IntakeView(RoleRequiredMixin, View):
    """A new case: the person (new, or one the user already sees), safe-contact rules and the case."""

    roles = CASEWORK
    template_name = "cases/intake.html"

    def prepare(self, request, *args, **kwargs):
        self.existing: Person | None = None
        person_id = kwargs.get("person_pk")
        if person_id is not None:
            self.existing = restricted_object(Person.objects.all(), request.user, action="change", pk=person_id)
        return None

    def forms(self, data=None):
        user = self.request.user
        safe_instance = None
        if self.existing is not None:
            safe_instance = SafeContact.objects.filter(person=self.existing).first()
        return {
            "person_form": None if self.existing else forms.PersonIntakeForm(data, prefix="person"),
            "safe_form": forms.SafeContactForm(data, prefix="safe", instance=safe_instance),
            "case_form": forms.CaseIntakeForm(data, prefix="case", user=user),
        }

    def get(self, request, *args, **kwargs):
        context = self.forms()
        anonymous = request.GET.get("anonymous")
        if anonymous:
            context["case_form"].initial.update(self._from_anonymous(anonymous))
        return render(request, self.template_name, {**context, "existing": self.existing, "anonymous": anonymous or ""})

    def _from_anonymous(self, anonymous_id: str) -> dict:
        from cases.models import AnonymousContact

        contact = AnonymousContact.objects.restrict(self.request.user).filter(pk=anonymous_id).first()
        if contact is None:
            return {}
        return {
            "region": contact.region_id,
            "county": contact.county_id,
            "incident_type": contact.incident_type,
            "referral_source": "self",
        }

    def post(self, request, *args, **kwargs):
        context = self.forms(request.POST)
        person_form, safe_form, case_form = context["person_form"], context["safe_form"], context["case_form"]
        valid = all(form.is_valid() for form in (person_form, safe_form, case_form) if form is not None)
        duplicates = []
        if valid and person_form is not None:
            data = person_form.cleaned_data
            use_person = request.POST.get("use_person", "")
            same = same_code_person(request.user, data.get("personal_code", ""))
            if same is not None:
                # A personal code belongs to one person: the case is opened for the recorded one.
                if use_person == str(same.pk):
                    self.existing = same
                else:
                    return render(
                        request,
                        self.template_name,
                        {
                            **context,
                            "duplicates": [same],
                            "code_match": True,
                            "existing": None,
                            "anonymous": request.POST.get("anonymous", ""),
                        },
                    )
            else:
                duplicates = possible_duplicates(
                    request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    birth_date=data.get("birth_date"),
                )
                if use_person and use_person != "new":
                    chosen = [person for person in duplicates if str(person.pk) == use_person]
                    if not chosen:
                        raise PermissionDenied
                    self.existing = chosen[0]
                elif duplicates and use_person != "new":
                    return render(
                        request,
                        self.template_name,
                        {
                            **context,
                            "duplicates": duplicates,
                            "existing": None,
                            "anonymous": request.POST.get("anonymous", ""),
                        },
                    )
        if valid:
            try:
                case = self._save(person_form, safe_form, case_form)
            except ValidationError as error:
                target = case_form
                if hasattr(error, "error_dict") and set(error.error_dict) & set(SAFE_CONTACT_FIELDS):
                    target = safe_form
                apply_service_errors(target, error)
            else:
                messages.success(request, _("Case %(case)s was opened.") % {"case": case.reference})
                return redirect("cases:case", pk=case.pk)
        return render(
            request,
            self.template_name,
            {**context, "existing": self.existing, "anonymous": request.POST.get("anonymous", "")},
        )

    @transaction.atomic
    def _save(self, person_form, safe_form, case_form) -> Case:
        user = self.request.user
        if self.existing is not None:
            person = self.existing
        else:
            fields = {name: person_form.cleaned_data[name] for name in forms.PERSON_FORM_FIELDS}
            person = person_services.person_create(actor=user, **fields)
        data = case_form.cleaned_data
        case = case_services.case_open(
            actor=user,
            client=person,
            region=data["region"],
            county=data["county"],
            responsible=data["responsible"],
            **{
                name: data[name] for name in forms.CASE_INTAKE_FIELDS if name not in {"region", "county", "responsible"}
            },
        )
        person_services.safe_contact_set(
            actor=user, person=person, **{name: safe_form.cleaned_data[name] for name in safe_form.Meta.fields}
        )
        anonymous_id = self.request.POST.get("anonymous")
        if anonymous_id:
            from cases.models import AnonymousContact
            from cases.services.anonymous import anonymous_contact_link_case

            contact = AnonymousContact.objects.restrict(user).filter(pk=anonymous_id).first()
            if contact is not None:
                anonymous_contact_link_case(actor=user, contact=contact, case=case)
        return case


class CaseDetailView(CaseMixin, TemplateView):
    template_name = "cases/case_detail.html"

    def get_context_data(self, **kwargs):
        user, case = self.request.user, self.case
        can_change = is_permitted(user, case, "change")
        can_assign = is_permitted(user, case, "assign")
        privileged = case.responsible_id == user.pk or can_assign
        entries, has_more = case_timeline(user, case, privileged=privileged)
        parties = list(CaseParty.objects.filter(case=case).exclude(person=case.client_id).select_related("person"))
        client = case.client
        facts = contact_facts(client)
        open_tasks = list(
            Task.objects.filter(case=case, done_at__isnull=True).select_related("assigned_to").order_by("due_on", "id")
        )
        plan = list(case.plan_items.all())
        applications = list(case.aid_applications.select_related("applicant").order_by("-received_on", "-id"))
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
            "entitlements": case_entitlements(user, case),
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
        from victimsupport.paging import page_number

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


class CaseEditView(CaseMixin, View):
    action = "change"
    template_name = "cases/case_edit.html"

    def get(self, request, pk):
        return render(request, self.template_name, {"case": self.case, "form": forms.CaseEditForm(instance=self.case)})

    def post(self, request, pk):
        original = Case.objects.get(pk=self.case.pk)
        form = forms.CaseEditForm(request.POST, instance=self.case)
        conflict = None
        if form.is_valid():
            data = form.cleaned_data
            try:
                case_services.case_update(
                    actor=request.user,
                    case=self.case,
                    expected_version=data["version"],
                    **{name: data[name] for name in form.Meta.fields},
                )
            except ConcurrentEdit as edit:
                values, conflict = merge_after_conflict(edit.current, data["version"], data, form.Meta.fields)
                retry = forms.CaseEditForm(instance=edit.current, initial={**values, "version": edit.current.version})
                return render(
                    request,
                    self.template_name,
                    {
                        "case": edit.current,
                        "form": retry,
                        **conflict_context(edit, conflict),
                    },
                    status=409,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The case was saved."))
                return redirect("cases:case", pk=self.case.pk)
        return render(request, self.template_name, {"case": original, "form": form}, status=400)


class OpenSealedView(RoleRequiredMixin, View):
    """State a reason to open a sealed case."""

    roles = CASEWORK

    def post(self, request, pk):
        case = restricted_object(Case.objects.select_related("region", "client"), request.user, pk=pk)
        form = forms.SealedReasonForm(request.POST)
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            next_url = reverse("cases:case", args=[case.pk])
        if not form.is_valid():
            return render(request, "cases/sealed_gate.html", {"case": case, "form": form, "next": next_url}, status=400)
        case_services.case_sealed_opened(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        request.session[sealed_session_key(case.pk)] = time.time()
        return HttpResponseRedirect(next_url)


class CaseActionView(CaseMixin, View):
    """A form on its own page that calls one service (close, reopen, assign, ...)."""

    form_class: type
    template_name = "cases/case_action.html"
    title = ""
    submit_label = ""
    success_message = ""
    log_action = None

    def get_form(self, data=None):
        return self.form_class(data)

    def context(self, form):
        return {
            "case": self.case,
            "form": form,
            "title": self.title,
            "submit_label": self.submit_label,
            "danger": getattr(self, "danger", False),
        }

    def get(self, request, pk):
        log_access(request.user, AccessAction.VIEW, obj=self.case, persons=case_persons(self.case))
        return render(request, self.template_name, self.context(self.get_form()))

    def post(self, request, pk):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                target = self.perform(form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, self.success_message)
                return redirect(target or self.case_url())
        return render(request, self.template_name, self.context(form), status=400)

    def perform(self, data) -> str | None:
        raise NotImplementedError


class CaseCloseView(CaseActionView):
    action = "change"
    form_class = forms.CloseForm
    intro = gettext_lazy("Open tasks stay as they are; while the case is closed they are not shown as overdue.")

    title = gettext_lazy("Close the case")
    submit_label = gettext_lazy("Close the case")
    success_message = gettext_lazy("The case was closed.")

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
    """Add a person to the case: a family member, a witness or the alleged perpetrator. A person already
    recorded (same personal code, or same name and birth date, among those the user sees) is used again."""

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
            use_person = request.POST.get("use_person", "")
            person = same_code_person(request.user, data.get("personal_code", ""))
            if person is None:
                duplicates = possible_duplicates(
                    request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    birth_date=data.get("birth_date"),
                )
                if use_person and use_person != "new":
                    person = next((p for p in duplicates if str(p.pk) == use_person), None)
                    if person is None:
                        raise PermissionDenied
                elif duplicates and use_person != "new":
                    return render(request, self.template_name, {**context, "duplicates": duplicates})
            try:
                with transaction.atomic():
                    if person is None:
                        person = person_services.person_create(
                            actor=request.user, **{name: data[name] for name in forms.PERSON_FORM_FIELDS}
                        )
                    case_services.case_add_party(
                        actor=request.user,
                        case=self.case,
                        person=person,
                        role=form.cleaned_data["role"],
                        note=form.cleaned_data["note"],
                    )
                    relation = form.cleaned_data["relation"]
                    if relation:
                        person_services.relation_add(
                            actor=request.user, person=person, related_person=self.case.client, kind=relation
                        )
                    person_sync_grants(person, actor=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s was added to the case.") % {"name": person.full_name})
                return redirect("cases:case", pk=self.case.pk)
        return render(request, self.template_name, context, status=400)
