"""Invoices: list, entry, lines and checks, decisions, approval, payment; the CSV import; payment exports;
the budget."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from cases.models import Case
from cases.sealing import sealed_is_open
from referrals import forms
from referrals.checks import finding_messages, room_for
from referrals.models import Invoice, InvoiceLine, PaymentExport
from referrals.models.invoices import InvoiceStatus
from referrals.selectors import budget, invoice_list
from referrals.services import invoices as invoice_services
from referrals.services import payments as payment_services
from victimsupport.audit import AccessAction, log_access
from victimsupport.exports import payment_file_response
from victimsupport.models import Role
from victimsupport.paging import paginate
from victimsupport.permissions.views import RoleRequiredMixin, restricted_object
from victimsupport.views.actions import ActionView

INVOICE_ROLES = (Role.SERVICE_ORGANISER, Role.REGIONAL_MANAGER)
ORGANISER = (Role.SERVICE_ORGANISER,)


class InvoiceListView(RoleRequiredMixin, TemplateView):
    roles = INVOICE_ROLES
    template_name = "referrals/invoice_list.html"

    def get_context_data(self, **kwargs):
        form = forms.InvoiceFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        invoices = invoice_list(
            self.request.user,
            status=filters.get("status") or "",
            provider=filters.get("provider"),
            overdue=bool(filters.get("overdue")),
        )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": paginate(invoices, self.request.GET),
            "today": timezone.localdate(),
            "organiser": self.request.user.has_role(Role.SERVICE_ORGANISER),
        }


class InvoiceCreateView(RoleRequiredMixin, ActionView):
    roles = ORGANISER
    template_name = "referrals/invoice_form.html"
    form_class = forms.InvoiceForm
    title = gettext_lazy("New invoice")
    submit_label = gettext_lazy("Save and add the sessions")
    success_message = gettext_lazy("The invoice was recorded. Add its sessions.")

    def perform(self, data):
        invoice = invoice_services.invoice_create(
            actor=self.request.user,
            referral_number=data["referral_number"],
            number=data["number"],
            provider=data["provider"],
            invoice_date=data["invoice_date"],
            received_on=data["received_on"],
        )
        return reverse("referrals:invoice", args=[invoice.pk])

    def object_url(self) -> str:
        return reverse("referrals:invoice-list")


class InvoiceMixin(RoleRequiredMixin):
    roles = INVOICE_ROLES
    action = "view"

    def prepare(self, request, *args, **kwargs):
        base = Invoice.objects.select_related(
            "provider",
            "referral__letter",
            "referral__entitlement__person",
            "referral__decision__application__case",
            "checked_by",
            "approved_by",
        )
        self.invoice = restricted_object(base, request.user, action=self.action, pk=kwargs["pk"])
        case = self.invoice.referral.decision.application.case
        # The person's name only for those who may see the case, and for a sealed case once it is opened.
        self.sees_person = Case.objects.restrict(request.user).filter(pk=case.pk).exists() and sealed_is_open(
            request, case
        )
        if request.method == "GET" and self.sees_person:
            log_access(
                request.user, AccessAction.VIEW, obj=self.invoice, persons=[self.invoice.referral.entitlement.person_id]
            )
        return None


class InvoiceDetailView(InvoiceMixin, TemplateView):
    template_name = "referrals/invoice_detail.html"

    def get_context_data(self, **kwargs):
        invoice, user = self.invoice, self.request.user
        lines = list(
            invoice.lines.select_related("specialist", "decided_by").order_by("session_date", "start_time", "id")
        )
        for line in lines:
            line.messages = finding_messages(line.findings)
        claimed = sum((line.amount for line in lines), 0)
        accepted = sum((line.accepted_amount or 0 for line in lines if line.status != "rejected"), 0)
        organiser = user.has_role(Role.SERVICE_ORGANISER)
        room = room_for(invoice)
        # The four eyes: neither the checker nor anyone who decided a session approves.
        decided_here = any(line.decided_by_id == user.pk for line in lines)
        return {
            **super().get_context_data(**kwargs),
            "invoice": invoice,
            "lines": lines,
            "claimed": claimed,
            "accepted": accepted,
            "available": room.aid,
            "referral_left": room.referral,
            "referral_minutes_left": room.minutes,
            "decided_here": decided_here,
            "passed_pending": sum(1 for line in lines if line.is_pending and not line.findings),
            "sees_person": self.sees_person,
            "organiser": organiser,
            "editable": organiser and invoice.status == InvoiceStatus.RECEIVED,
            "line_form": forms.LineForm(invoice=invoice),
            "decision_form": forms.LineDecisionForm(),
            "reject_form": forms.RejectForm(),
            "paid_form": forms.PaidForm(initial={"paid_on": timezone.localdate()}),
            "can_approve": invoice.status == InvoiceStatus.CHECKED
            and invoice.checked_by_id != user.pk
            and not decided_here
            and Invoice.objects.restrict(user, "approve").filter(pk=invoice.pk).exists(),
        }


class InvoiceButtonView(InvoiceMixin, ActionView):
    """A button on the invoice page that calls one service."""

    def object_url(self) -> str:
        return reverse("referrals:invoice", args=[self.invoice.pk])


class InvoiceLineAddView(InvoiceButtonView):
    """The session form on the invoice page: a rejected one comes back on that page with what was typed."""

    roles = ORGANISER
    template_name = "referrals/invoice_detail.html"
    success_message = gettext_lazy("The session was added and checked.")

    def get(self, request, *args, **kwargs):
        return redirect(self.object_url())

    def get_form(self, data=None, **kwargs):
        return forms.LineForm(data, invoice=self.invoice, **kwargs)

    def page_context(self, form) -> dict:
        view = InvoiceDetailView()
        view.setup(self.request, **self.kwargs)
        view.invoice, view.sees_person = self.invoice, self.sees_person
        return {**view.get_context_data(), "line_form": form}

    def perform(self, data):
        invoice_services.line_add(
            actor=self.request.user,
            invoice=self.invoice,
            **{name: data[name] for name in invoice_services.LINE_FIELDS},
        )


class InvoiceLineDecideView(InvoiceButtonView):
    roles = ORGANISER
    form_class = forms.LineDecisionForm

    def prepare(self, request, *args, **kwargs):
        response = super().prepare(request, *args, **kwargs)
        self.line = get_object_or_404(InvoiceLine, pk=kwargs["line_pk"], invoice=self.invoice)
        return response

    def error_message(self, message: str) -> str:
        return _("Session %(date)s: %(message)s") % {
            "date": self.line.session_date.strftime("%d.%m.%Y"),
            "message": message,
        }

    def perform(self, data):
        invoice_services.line_decide(
            actor=self.request.user,
            line=self.line,
            decision=data["decision"],
            accepted_amount=data["accepted_amount"],
            reason=data["reason"],
        )

    def object_url(self) -> str:
        return f"{super().object_url()}#line-{self.line.pk}"


class InvoiceLinesAcceptPassedView(InvoiceButtonView):
    """One button for the sessions that passed every check: each is accepted as its own decision would."""

    roles = ORGANISER

    def perform(self, data):
        accepted, left = invoice_services.lines_accept_passed(actor=self.request.user, invoice=self.invoice)
        messages.success(
            self.request,
            ngettext("%(count)s session was accepted.", "%(count)s sessions were accepted.", accepted)
            % {"count": accepted},
        )
        if left:
            messages.warning(
                self.request,
                ngettext(
                    "%(count)s session that passed the checks no longer fits the referral: decide it yourself.",
                    "%(count)s sessions that passed the checks no longer fit the referral: decide them yourself.",
                    left,
                )
                % {"count": left},
            )


class InvoiceCheckView(InvoiceButtonView):
    success_message = gettext_lazy("The invoice is checked. Another person approves it.")

    def perform(self, data):
        invoice_services.invoice_mark_checked(actor=self.request.user, invoice=self.invoice)


class InvoiceApproveView(InvoiceButtonView):
    action = "approve"
    success_message = gettext_lazy("The invoice was approved.")

    def perform(self, data):
        invoice_services.invoice_approve(actor=self.request.user, invoice=self.invoice)


class InvoiceRejectView(InvoiceButtonView):
    action = "approve"
    form_class = forms.RejectForm
    success_message = gettext_lazy("The invoice was rejected.")

    def perform(self, data):
        invoice_services.invoice_reject(actor=self.request.user, invoice=self.invoice, reason=data["reason"])


class InvoicePaidView(InvoiceButtonView):
    roles = ORGANISER
    form_class = forms.PaidForm
    success_message = gettext_lazy("The invoice is marked paid.")

    def perform(self, data):
        invoice_services.invoice_mark_paid(actor=self.request.user, invoice=self.invoice, paid_on=data["paid_on"])


class InvoiceImportView(RoleRequiredMixin, ActionView):
    """A CSV of sessions: imported whole and checked, or nothing imported and every bad row listed."""

    roles = ORGANISER
    template_name = "referrals/invoice_import.html"
    form_class = forms.ImportForm
    multipart = True
    title = gettext_lazy("Import invoices from CSV")
    submit_label = gettext_lazy("Import and check")
    result = None

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "result": self.result, "columns": invoice_services.CSV_COLUMNS}

    def perform(self, data):
        self.result = invoice_services.invoices_import(
            actor=self.request.user, provider=data["provider"], data=data["file"].read()
        )
        if self.result.errors:
            raise ValidationError(_("Nothing was imported. Correct these rows and try again:"))
        self.success_message = _("%(count)s invoices were imported and checked.") % {"count": len(self.result.invoices)}
        return reverse("referrals:invoice-list")

    def object_url(self) -> str:
        return reverse("referrals:invoice-list")


class PaymentExportView(RoleRequiredMixin, ActionView):
    """Approved invoices waiting for payment, the exports made, and the form that makes the next one."""

    roles = ORGANISER
    template_name = "referrals/payments.html"

    def get_form(self, data=None, **kwargs):
        return forms.ExportForm(data, initial={"execution_date": timezone.localdate()})

    def page_context(self, form) -> dict:
        waiting = list(
            Invoice.objects.restrict(self.request.user)
            .filter(status=InvoiceStatus.APPROVED, export__isnull=True)
            .select_related("provider")
            .order_by("provider__name")
        )
        exports = paginate(
            PaymentExport.objects.restrict(self.request.user)
            .prefetch_related(Prefetch("invoices", queryset=Invoice.objects.only("pk", "export_id")))
            .order_by("-created_at", "-id"),
            self.request.GET,
        )
        return {**super().page_context(form), "waiting": waiting, "exports": exports}

    def perform(self, data):
        export = payment_services.payments_export(actor=self.request.user, execution_date=data["execution_date"])
        self.success_message = _("%(count)s invoices were sent for payment.") % {"count": export.invoices.count()}

    def object_url(self) -> str:
        return reverse("referrals:payments")


class PaymentFileView(RoleRequiredMixin, View):
    """A payment file, only to whoever may see every invoice in it (PaymentExport.objects.restrict)."""

    roles = ORGANISER

    def get(self, request, pk, kind):
        return payment_file_response(request, restricted_object(PaymentExport.objects.all(), request.user, pk=pk), kind)


class BudgetView(RoleRequiredMixin, TemplateView):
    roles = (*ORGANISER, Role.ADMINISTRATOR)
    template_name = "referrals/budget.html"

    def get_context_data(self, **kwargs):
        form = forms.BudgetFilterForm(self.request.GET or None)
        year = timezone.localdate().year
        if form.is_valid() and form.cleaned_data.get("year"):
            year = form.cleaned_data["year"]
        return {**super().get_context_data(**kwargs), "form": form, "year": year, **budget(self.request.user, year)}
