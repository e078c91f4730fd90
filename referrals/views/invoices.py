"""Invoices: list, entry, lines and checks, decisions, approval, payment; the CSV import; payment exports;
the budget."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cases.models import Case
from cases.sealing import sealed_is_open
from referrals import forms
from referrals.checks import finding_messages, room_for
from referrals.models import Invoice, InvoiceLine, PaymentExport
from referrals.models.invoices import InvoiceStatus
from referrals.selectors import budget, find_referral, invoice_list
from referrals.services import invoices as invoice_services
from referrals.services import payments as payment_services
from victimsupport.audit import AccessAction, log_access
from victimsupport.forms import apply_service_errors
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


class InvoiceCreateView(RoleRequiredMixin, View):
    roles = ORGANISER
    template_name = "referrals/invoice_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.InvoiceForm()})

    def post(self, request):
        form = forms.InvoiceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            referral = find_referral(data["referral_number"], actor=request.user, provider=data["provider"])
            if referral is None:
                form.add_error("referral_number", invoice_services.no_such_referral())
            else:
                try:
                    invoice = invoice_services.invoice_create(
                        actor=request.user,
                        referral=referral,
                        number=data["number"],
                        provider=data["provider"],
                        invoice_date=data["invoice_date"],
                        received_on=data["received_on"],
                    )
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("The invoice was recorded. Add its sessions."))
                    return redirect("referrals:invoice", pk=invoice.pk)
        return render(request, self.template_name, {"form": form}, status=400)


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


class InvoiceLineAddView(InvoiceMixin, View):
    roles = ORGANISER

    def post(self, request, pk):
        form = forms.LineForm(request.POST, invoice=self.invoice)
        if form.is_valid():
            try:
                invoice_services.line_add(
                    actor=request.user,
                    invoice=self.invoice,
                    **{name: form.cleaned_data[name] for name in invoice_services.LINE_FIELDS},
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The session was added and checked."))
                return redirect("referrals:invoice", pk=self.invoice.pk)
        view = InvoiceDetailView()
        view.setup(request, pk=pk)
        view.invoice, view.sees_person = self.invoice, self.sees_person
        context = view.get_context_data()
        context["line_form"] = form
        return render(request, "referrals/invoice_detail.html", context, status=400)


class InvoiceLineDecideView(InvoiceMixin, View):
    roles = ORGANISER

    def post(self, request, pk, line_pk):
        line = get_object_or_404(InvoiceLine, pk=line_pk, invoice=self.invoice)
        form = forms.LineDecisionForm(request.POST)
        if form.is_valid():
            try:
                invoice_services.line_decide(
                    actor=request.user,
                    line=line,
                    decision=form.cleaned_data["decision"],
                    accepted_amount=form.cleaned_data["accepted_amount"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(
                        request,
                        _("Session %(date)s: %(message)s")
                        % {"date": line.session_date.strftime("%d.%m.%Y"), "message": message},
                    )
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(
                        request,
                        _("Session %(date)s: %(message)s")
                        % {"date": line.session_date.strftime("%d.%m.%Y"), "message": message},
                    )
        return redirect(reverse("referrals:invoice", args=[self.invoice.pk]) + f"#line-{line.pk}")


class InvoiceButtonView(InvoiceMixin, ActionView):
    """A button on the invoice page that calls one service."""

    def object_url(self) -> str:
        return reverse("referrals:invoice", args=[self.invoice.pk])


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


class InvoiceImportView(RoleRequiredMixin, View):
    roles = ORGANISER
    template_name = "referrals/invoice_import.html"

    def get(self, request):
        return render(
            request, self.template_name, {"form": forms.ImportForm(), "columns": invoice_services.CSV_COLUMNS}
        )

    def post(self, request):
        form = forms.ImportForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 2 * 1024 * 1024:
                form.add_error("file", _("The file is too large (at most 2 MB)."))
            else:
                result = invoice_services.invoices_import(
                    actor=request.user, provider=form.cleaned_data["provider"], data=upload.read()
                )
                if not result.errors:
                    messages.success(
                        request, _("%(count)s invoices were imported and checked.") % {"count": len(result.invoices)}
                    )
                    return redirect("referrals:invoice-list")
        return render(
            request,
            self.template_name,
            {"form": form, "result": result, "columns": invoice_services.CSV_COLUMNS},
            status=400,
        )


class PaymentExportView(RoleRequiredMixin, TemplateView):
    roles = ORGANISER
    template_name = "referrals/payments.html"

    def get_context_data(self, **kwargs):
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
        return {
            **super().get_context_data(**kwargs),
            "waiting": waiting,
            "exports": exports,
            "form": kwargs.get("form") or forms.ExportForm(initial={"execution_date": timezone.localdate()}),
        }

    def post(self, request):
        form = forms.ExportForm(request.POST)
        if form.is_valid():
            try:
                export = payment_services.payments_export(
                    actor=request.user, execution_date=form.cleaned_data["execution_date"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request, _("%(count)s invoices were sent for payment.") % {"count": export.invoices.count()}
                )
                return redirect("referrals:payments")
        return render(request, self.template_name, self.get_context_data(form=form), status=400)


class PaymentFileView(RoleRequiredMixin, View):
    """A payment file, only to whoever may see every invoice in it (PaymentExport.objects.restrict)."""

    roles = ORGANISER

    def get(self, request, pk, kind):
        if kind not in ("csv", "xml"):
            raise Http404
        export = restricted_object(PaymentExport.objects.all(), request.user, pk=pk)
        field = export.csv_file if kind == "csv" else export.xml_file
        log_access(request.user, AccessAction.EXPORT, obj=export)
        return FileResponse(field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1])


class BudgetView(RoleRequiredMixin, TemplateView):
    roles = (*ORGANISER, Role.ADMINISTRATOR)
    template_name = "referrals/budget.html"

    def get_context_data(self, **kwargs):
        form = forms.BudgetFilterForm(self.request.GET or None)
        year = timezone.localdate().year
        if form.is_valid() and form.cleaned_data.get("year"):
            year = form.cleaned_data["year"]
        return {**super().get_context_data(**kwargs), "form": form, "year": year, **budget(self.request.user, year)}
