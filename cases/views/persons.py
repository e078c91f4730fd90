"""Person pages: the person, editing, safe-contact rules, search, and who accessed the person's data."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases import forms
from cases.accessreport import (
    access_events,
    events_csv,
    events_datatracker,
    events_pdf,
)
from cases.contact import allowed_channels, contact_facts, unusable_channels
from cases.models import Person, PersonRelation, SafeContact
from cases.sealing import mark_hidden
from cases.selectors import person_cases, person_search, person_search_by_name
from cases.services import persons as person_services
from cases.services.persons import SAFE_CONTACT_FIELDS
from cases.views.base import CASEWORK, PersonMixin
from victimsupport.audit import AccessAction, log_access
from victimsupport.permissions import is_permitted, visible_through
from victimsupport.permissions.views import RoleRequiredMixin
from victimsupport.views.actions import ActionView


class PersonDetailView(PersonMixin, TemplateView):
    template_name = "cases/person_detail.html"

    def get_context_data(self, **kwargs):
        person, user = self.person, self.request.user
        facts = contact_facts(person)
        relations = list(  # never naming someone out of scope
            PersonRelation.objects.filter(Q(person=person) | Q(related_person=person))
            .filter(visible_through(Person, user, "view", "person"))
            .filter(visible_through(Person, user, "view", "related_person"))
            .select_related("person", "related_person")
            .order_by("created_at", "id")
        )
        others = [r.related_person if r.person_id == person.pk else r.person for r in relations]
        mark_hidden(self.request, others)
        shown = [other.pk for other in others if not other.name_hidden]
        if shown:  # the page names them too
            log_access(user, AccessAction.LIST, object_type="cases.person", persons=shown)
        return {
            **super().get_context_data(**kwargs),
            "person": person,
            "cases": list(person_cases(user, person)),
            "safe_contact": facts.rules,
            "channels": allowed_channels(person, facts=facts),
            "unusable": unusable_channels(person, facts=facts),
            "is_perpetrator": facts.perpetrator,
            "relations": relations,
            "can_change": is_permitted(user, person, "change"),
        }


class PersonFormView(PersonMixin, ActionView):
    """A form about one person, on its own page."""

    action = "change"
    success_message = gettext_lazy("Saved.")

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "person": self.person}

    def object_url(self) -> str:
        return reverse("cases:person", args=[self.person.pk])


class PersonEditView(PersonFormView):
    template_name = "cases/person_edit.html"
    form_class = forms.PersonEditForm
    success_message = gettext_lazy("The person's data was saved.")
    edits = "person"

    def perform(self, data):
        person_services.person_update(
            actor=self.request.user,
            person=self.person,
            expected_version=data["version"],
            **{name: data[name] for name in forms.PERSON_FORM_FIELDS},
        )


class SafeContactEditView(PersonFormView):
    template_name = "cases/safe_contact_edit.html"
    success_message = gettext_lazy("The safe-contact rules were saved.")

    def get_form(self, data=None, **kwargs):
        kwargs.setdefault("instance", SafeContact.objects.filter(person=self.person).first())
        return forms.SafeContactForm(data, **kwargs)

    def perform(self, data):
        person_services.safe_contact_set(
            actor=self.request.user,
            person=self.person,
            expected_version=data["version"] or 0,
            **{name: data[name] for name in SAFE_CONTACT_FIELDS},
        )


class PersonSearchView(RoleRequiredMixin, View):
    """Search by name (tolerant of diacritics and typos) or by personal code. POST only, so that
    no name or code ends up in an address or a server log."""

    roles = CASEWORK
    template_name = "cases/person_search.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.PersonSearchForm()})

    def post(self, request):
        form = forms.PersonSearchForm(request.POST)
        results, offer_similar = None, False
        if form.is_valid():
            query, similar = form.cleaned_data["query"], form.cleaned_data["similar"]
            if query.isdigit():
                results = person_search(request.user, personal_code=query)
            else:
                results, alike = person_search_by_name(request.user, query, similar=similar)
                # Names holding every word typed were found: the ones spelled alike are a click away.
                offer_similar = not alike
            log_access(
                request.user, AccessAction.SEARCH, object_type="cases.person", persons=[person.pk for person in results]
            )
        return render(
            request,
            self.template_name,
            {"form": form, "results": results, "offer_similar": offer_similar},
            status=200 if form.is_valid() else 400,
        )


class AccessReportView(PersonMixin, View):
    """Who accessed this person's data: for staff, and exports for a data-subject request."""

    action = "change"
    template_name = "cases/access_report.html"

    def get(self, request, pk):
        form = forms.AccessReportForm(request.GET or None)
        date_from = date_to = None
        if form.is_valid():
            date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        elif form.is_bound and form.errors:
            return render(
                request,
                self.template_name,
                {"person": self.person, "form": form, "events": [], "total": 0, "query": ""},
                status=400,
            )
        export = request.GET.get("format", "")
        for_subject = export in {"csv", "pdf"}
        events = access_events(self.person, date_from=date_from, date_to=date_to, for_subject=for_subject)
        if export in {"csv", "pdf", "datatracker"}:
            log_access(request.user, AccessAction.EXPORT, obj=self.person, persons=[self.person.pk])
            if export == "csv":
                return events_csv(self.person, events)
            if export == "pdf":
                return events_pdf(self.person, events)
            return events_datatracker(self.person, events)
        query = request.GET.copy()
        query.pop("format", None)
        return render(
            request,
            self.template_name,
            {
                "person": self.person,
                "form": form,
                "events": events[:500],
                "total": len(events),
                "query": query.urlencode(),
            },
        )
