"""Compensation pages: the claims list, a claim opened in a case, the claim with its checks and the
calculation line by line, the crime, loss items and evidence."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.views.base import CASEWORK, CaseMixin, sealed_gate
from compensation import forms, selectors
from compensation.checks import claim_checks, problems
from compensation.models import PERIODIC, Claim, ClaimDocument, LossItem, LossKind
from compensation.services import claims as services
from victimsupport.audit import AccessAction, log_access
from victimsupport.paging import paginate, sorted_list_context
from victimsupport.permissions import is_permitted
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView


def claim_persons(claim: Claim) -> list[int]:
    return sorted({claim.claimant_id, claim.crime.victim_id})


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
        for case in (self.claim.case, self.crime.case):
            if case is not None and case.sealed and is_permitted(request.user, case, "view"):
                gate = sealed_gate(request, case)
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
            "can_change": claim.is_open and is_permitted(self.request.user, crime, "change"),
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
        document = self.document
        if not document.file:
            raise Http404
        log_access(
            request.user,
            AccessAction.DOWNLOAD,
            obj=document,
            persons=claim_persons(self.claim),
            restricted=document.from_proceedings,
        )
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
