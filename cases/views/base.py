"""Shared view machinery of the cases app: fetching cases and persons through restrict(), the sealed
case gate, access logging and form handling with service validation."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse

from cases.forms import SealedReasonForm
from cases.models import Case, Person
from cases.sealing import sealed_is_open
from victimsupport.audit import AccessAction, log_access
from victimsupport.models import Role
from victimsupport.permissions.views import RestrictedObjectMixin

CASEWORK = (Role.SPECIALIST, Role.REGIONAL_MANAGER)


def sealed_gate(request, case: Case, *, next_url: str = ""):
    """The page asking for a reason, or None when the user may go on."""
    if sealed_is_open(request, case):
        return None

    return render(
        request,
        "cases/sealed_gate.html",
        {"case": case, "form": SealedReasonForm(), "next": next_url or request.get_full_path()},
    )


def person_sealed_gate(request, person: Person):
    """The reason page of the first sealed case of this client not opened yet, or None: a person's page
    shows what their sealed cases keep hidden."""
    for case in (
        Case.objects.restrict(request.user)
        .filter(client=person, sealed=True)
        .only("pk", "sealed", "responsible_id", "client_id")
    ):
        gate = sealed_gate(request, case)
        if gate is not None:
            return gate
    return None


def document_download(request, document, *, persons: list[int]) -> FileResponse:
    """An uploaded document (a case's, a claim's) as a download, logged; restricted when it comes from
    criminal proceedings."""
    if not document.file:
        raise Http404
    log_access(request.user, AccessAction.DOWNLOAD, obj=document, persons=persons, restricted=document.from_proceedings)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


def case_persons(case: Case) -> list[int]:
    return [case.client_id, *case.parties.values_list("person_id", flat=True)]


class CaseMixin(RestrictedObjectMixin):
    """Views of one case: 404 out of scope, 403 without `action`, the sealed gate, and an access log
    row for every page that shows the case."""

    model = Case
    roles = CASEWORK
    pk_url_kwarg = "pk"
    log_action = AccessAction.VIEW

    def get_base_queryset(self):
        return Case.objects.select_related("client__county", "region", "county", "responsible")

    def prepare(self, request, *args, **kwargs):
        self.case = self.get_object()
        gate = sealed_gate(request, self.case)
        if gate is not None:
            return gate
        if request.method == "GET" and self.log_action:
            log_access(request.user, self.log_action, obj=self.case, persons=self.logged_persons())
        return None

    def logged_persons(self) -> list[int]:
        """Whose data the page shows, for the access log."""
        return case_persons(self.case)

    def case_url(self) -> str:
        return reverse("cases:case", args=[self.case.pk])


class PersonMixin(RestrictedObjectMixin):
    model = Person
    roles = CASEWORK
    pk_url_kwarg = "pk"

    def get_base_queryset(self):
        return Person.objects.select_related("county")

    def prepare(self, request, *args, **kwargs):
        self.person = self.get_object()
        gate = person_sealed_gate(request, self.person)
        if gate is not None:
            return gate
        if request.method == "GET":
            log_access(request.user, AccessAction.VIEW, obj=self.person, persons=[self.person.pk])
        return None
