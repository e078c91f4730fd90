"""One form, one service: the action view every app uses.

A subclass (combined with the mixin that fetched its object through restrict()) names its form (for an
edit, also `edits`: the attribute holding the object), its messages and `perform(data)`, which calls
exactly one service. With a `template_name` the action has a page of its own (GET shows the form; a
rejected form or a service's ValidationError comes back at the fields with status 400; a concurrent edit
shows the conflict panel with status 409). Without one it is a button on the object's page: POST only,
and errors come back as messages on that page. Either way the form is validated first, a reject with an
empty reason included.
"""

from __future__ import annotations

import copy

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from victimsupport.concurrency import ConcurrentEdit, conflict_context, merge_after_conflict
from victimsupport.forms import apply_service_errors


class NoFields(forms.Form):
    """The form of an action that asks nothing (submit, approve, ...)."""


class ActionView(View):
    form_class: type[forms.Form] = NoFields
    template_name: str | None = None
    success_message = ""
    title = ""
    submit_label = ""
    danger = False
    intro = ""
    multipart = False
    # An edit form: the attribute holding the object edited. The form gets a copy (a rejected form does not
    # change what the page shows); after a concurrent edit the attribute holds the stored object.
    edits = ""

    def get_form(self, data=None, **kwargs) -> forms.Form:
        if self.edits:
            kwargs.setdefault("instance", copy.copy(getattr(self, self.edits)))
        return self.form_class(data, self.request.FILES if data is not None else None, **kwargs)

    def form_after_conflict(self, current, initial: dict) -> forms.Form:
        """The form again after someone else saved first: `current` is the stored object."""
        if self.edits:
            setattr(self, self.edits, current)
        return self.get_form(instance=current, initial=initial)

    def conflict_extra(self, data: dict, current) -> tuple[dict, list]:
        """After a refused edit, for what the stored row's history cannot merge (a set of related rows,
        counts kept in rows of their own): the user's values to keep in the form, and conflict rows
        (label, yours, theirs: includes/conflict.html) where the stored value now differs."""
        return {}, []

    def perform(self, data: dict) -> str | None:
        """Call the one service; return where to go next (None: the object's page)."""
        raise NotImplementedError

    def object_url(self) -> str:
        raise NotImplementedError

    def error_message(self, message: str) -> str:
        """An error as a message on the object's page (an action without a page of its own)."""
        return message

    def page_context(self, form) -> dict:
        return {
            "form": form,
            "title": self.title,
            "submit_label": self.submit_label,
            "danger": self.danger,
            "intro": self.intro,
            "multipart": self.multipart,
        }

    def get(self, request, *args, **kwargs):
        if self.template_name is None:
            return HttpResponseNotAllowed(["POST"])
        return render(request, self.template_name, self.page_context(self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                target = self.perform(form.cleaned_data)
            except ConcurrentEdit as edit:
                if self.template_name is None:  # a button: say so on the object's page
                    messages.error(request, _("Someone else changed this meanwhile. Look at it again."))
                    return HttpResponseRedirect(self.object_url())
                return self.conflict(form, edit)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return HttpResponseRedirect(target or self.object_url())
        if self.template_name is None:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, self.error_message(message))
            return HttpResponseRedirect(self.object_url())
        return render(request, self.template_name, self.page_context(form), status=400)

    def conflict(self, form, edit: ConcurrentEdit):
        """Someone else saved first: the form again with their values merged in, and the conflict panel."""
        stored = {field.name for field in edit.current._meta.get_fields()}
        fields = [name for name in form.fields if name != "version" and name in stored]
        data = form.cleaned_data
        values, conflicts = merge_after_conflict(edit.current, data.get("version") or 0, data, fields)
        extra_values, extra_conflicts = self.conflict_extra(data, edit.current)
        retry = self.form_after_conflict(edit.current, {**values, **extra_values, "version": edit.current.version})
        context = {**self.page_context(retry), **conflict_context(edit, conflicts + extra_conflicts)}
        return render(self.request, self.template_name, context, status=409)
