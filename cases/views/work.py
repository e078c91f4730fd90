"""Case work pages: contacts, notes, the plan, tasks and documents."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cases import forms
from cases.contact import CONTACT_CHANNEL_RULE, may_contact
from cases.models import Attachment, PlanItem, Task
from cases.services import work as work_services
from cases.views.base import CaseMixin, case_persons, document_download
from victimsupport.audit import AccessAction, log_access
from victimsupport.views.actions import ActionView


class CaseFormView(CaseMixin, ActionView):
    """Add something to a case with one form: GET shows the form, POST calls the service."""

    action = "change"
    log_action = None
    template_name = "cases/case_form.html"
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("Saved.")
    needs_open_case = False

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "case": self.case}

    def get(self, request, *args, **kwargs):
        if self.needs_open_case and not self.case.is_open:
            messages.info(request, _("The case is closed. Reopen it to add work."))
            return redirect("cases:case", pk=self.case.pk)
        log_access(request.user, AccessAction.VIEW, obj=self.case, persons=case_persons(self.case))
        return super().get(request, *args, **kwargs)

    def object_url(self) -> str:
        return self.case_url()


class ContactAddView(CaseFormView):
    needs_open_case = True
    form_class = forms.ContactForm
    title = gettext_lazy("Record a contact")
    success_message = gettext_lazy("The contact was recorded.")

    def perform(self, data):
        work_services.contact_add(actor=self.request.user, case=self.case, **data)
        rule = CONTACT_CHANNEL_RULE.get(data["channel"])
        reachability = may_contact(self.case.client, rule) if rule else None
        if reachability is not None and not reachability:
            messages.warning(
                self.request,
                _("Note: %(reason)s (%(channel)s)") % {"reason": reachability.reason, "channel": reachability.label},
            )


class NoteAddView(CaseFormView):
    form_class = forms.NoteForm
    title = gettext_lazy("Add a note")
    success_message = gettext_lazy("The note was added.")

    def perform(self, data):
        work_services.note_add(actor=self.request.user, case=self.case, **data)


class PlanItemAddView(CaseFormView):
    needs_open_case = True
    form_class = forms.PlanItemForm
    title = gettext_lazy("Add to the case plan")
    success_message = gettext_lazy("The case plan was updated.")

    def perform(self, data):
        work_services.plan_item_add(actor=self.request.user, case=self.case, **data)


class PlanItemStatusView(CaseFormView):
    form_class = forms.PlanItemStatusForm
    title = gettext_lazy("Change the status of a plan item")
    success_message = gettext_lazy("The case plan was updated.")

    def prepare(self, request, *args, **kwargs):
        response = super().prepare(request, *args, **kwargs)
        self.item = get_object_or_404(PlanItem, pk=kwargs["item_pk"], case=self.case)
        return response

    def get_form(self, data=None, files=None):
        form = forms.PlanItemStatusForm(data)
        if data is None:
            form.initial = {"status": self.item.status}
        return form

    def perform(self, data):
        work_services.plan_item_set_status(actor=self.request.user, item=self.item, status=data["status"])


class TaskAddView(CaseFormView):
    needs_open_case = True
    title = gettext_lazy("Add a task")
    success_message = gettext_lazy("The task was added.")

    def get_form(self, data=None, files=None):
        return forms.TaskForm(data, case=self.case, user=self.request.user)

    def perform(self, data):
        work_services.task_add(actor=self.request.user, case=self.case, **data)


class TaskDoneView(CaseFormView):
    """Mark a task done or not done (a button on the case page)."""

    template_name = None
    form_class = forms.TaskDoneForm

    def prepare(self, request, *args, **kwargs):
        response = super().prepare(request, *args, **kwargs)
        self.task = get_object_or_404(Task, pk=kwargs["task_pk"], case=self.case)
        return response

    def perform(self, data):
        work_services.task_set_done(actor=self.request.user, task=self.task, done=data["done"])
        self.success_message = _("The task was marked done.") if data["done"] else _("The task is open again.")


class AttachmentAddView(CaseFormView):
    form_class = forms.AttachmentForm
    title = gettext_lazy("Add a document")
    success_message = gettext_lazy("The document was stored.")
    multipart = True

    def perform(self, data):
        work_services.attachment_add(
            actor=self.request.user,
            case=self.case,
            title=data["title"],
            upload=data["file"],
            from_proceedings=data["from_proceedings"],
        )


class AttachmentDownloadView(CaseMixin, View):
    log_action = None

    def get(self, request, pk, doc_pk):
        attachment = get_object_or_404(Attachment, pk=doc_pk, case=self.case)
        return document_download(request, attachment, persons=case_persons(self.case))
