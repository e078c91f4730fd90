"""The access log, for regional managers (their regions' users) and administrators (everyone)."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from victimsupport.exports import csv_response, xlsx_response
from victimsupport.forms import DateInput, check_date_range
from victimsupport.models import AccessLogEntry, Region, Role, User
from victimsupport.models.access import OBJECT_TYPE_LABELS, AccessAction
from victimsupport.paging import paginate
from victimsupport.permissions.views import RoleRequiredMixin
from victimsupport.security import security_event


class AccessLogFilter(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("all")), *AccessAction.choices])
    object_type = forms.ChoiceField(label=_("What was read"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    grouped = forms.BooleanField(label=_("One row per user and object"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = sorted(((key, str(label)) for key, label in OBJECT_TYPE_LABELS.items()), key=lambda item: item[1])
        self.fields["object_type"].choices = [("", _("anything")), *known]

    def clean(self):
        data = super().clean()
        check_date_range(self, data, "date_from", "date_to")
        return data


def access_log_for(user):
    """The entries a user may read: all for administrators; for a regional manager, those of the staff
    who work in the manager's regions only. What staff of other regions read (someone working in
    several regions included, whose reads may be about another region) is not the manager's to see:
    administrators see it."""
    entries = AccessLogEntry.objects.all()
    if user.has_role(Role.ADMINISTRATOR):
        return entries
    if user.has_role(Role.REGIONAL_MANAGER):
        mine = user.region_ids
        staff = User.objects.filter(regions__in=mine).exclude(regions__in=Region.objects.exclude(pk__in=mine))
        return entries.filter(user__in=staff.values("pk"))
    return entries.none()


EXPORT_LIMIT = 100_000  # rows in one download; a longer span is asked for in parts
EXPORT_FORMATS = ("csv", "xlsx")


def grouped_entries(entries):
    """One row per user and object read: how many times, first and last (the user's name with it)."""
    return (
        entries.order_by()
        .values("user", "user__first_name", "user__last_name", "user__username", "object_type", "object_id")
        .annotate(times=Count("id"), first=Min("at"), last=Max("at"))
        .order_by("-last", "user", "object_type", "object_id")
    )


class AccessLogView(RoleRequiredMixin, TemplateView):
    roles = (Role.REGIONAL_MANAGER, Role.ADMINISTRATOR)
    template_name = "victimsupport/access_log.html"

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("format")
        if kind in EXPORT_FORMATS:
            form = AccessLogFilter(request.GET)
            if form.is_valid():
                # Who took the log away, and which part of it, is itself on record.
                security_event("access_log_exported", actor=request.user, format=kind, filters=request.GET.urlencode())
                return self.export(kind, self.filtered(form), grouped=form.cleaned_data["grouped"])
        return super().get(request, *args, **kwargs)

    def export(self, kind: str, entries, *, grouped: bool):
        tz = timezone.get_current_timezone()
        if grouped:
            header = [_("User"), _("Object"), _("Object id"), _("Times"), _("First"), _("Last")]
            rows = (
                [
                    _user_name(row),
                    OBJECT_TYPE_LABELS.get(row["object_type"], row["object_type"]),
                    row["object_id"],
                    row["times"],
                    timezone.localtime(row["first"], tz).strftime("%d.%m.%Y %H:%M:%S"),
                    timezone.localtime(row["last"], tz).strftime("%d.%m.%Y %H:%M:%S"),
                ]
                for row in grouped_entries(entries)[:EXPORT_LIMIT]
            )
        else:
            header = [_("Time"), _("User"), _("Action"), _("Object"), _("Object id"), _("Persons"), _("IP address"),
                      _("Stated reason")]  # fmt: skip
            rows = (
                [
                    timezone.localtime(entry.at, tz).strftime("%d.%m.%Y %H:%M:%S"),
                    entry.user.get_full_name() or entry.user.username,
                    entry.get_action_display(),
                    entry.object_label,
                    entry.object_id,
                    len(entry.person_ids),
                    entry.ip or "",
                    entry.reason,
                ]
                for entry in entries.order_by("-at", "-id")[:EXPORT_LIMIT]
            )
        filename = f"juurdepaasulogi-{timezone.localdate():%Y-%m-%d}.{kind}"
        header = [str(title) for title in header]
        if kind == "csv":
            return csv_response(rows, filename=filename, header=header)
        return xlsx_response(list(rows), filename=filename, header=header, title=str(_("Access log")))

    def filtered(self, form):
        entries = access_log_for(self.request.user).select_related("user")
        if form.is_valid():
            data = form.cleaned_data
            if data["user"]:
                term = data["user"]
                entries = entries.filter(
                    Q(user__username__iexact=term) | Q(user__last_name__iexact=term) | Q(user__first_name__iexact=term)
                )
            if data["action"]:
                entries = entries.filter(action=data["action"])
            if data["object_type"]:
                entries = entries.filter(object_type=data["object_type"])
            tz = timezone.get_current_timezone()
            if data["date_from"]:
                entries = entries.filter(at__gte=datetime.datetime.combine(data["date_from"], datetime.time.min, tz))
            if data["date_to"]:
                end = data["date_to"] + datetime.timedelta(days=1)
                entries = entries.filter(at__lt=datetime.datetime.combine(end, datetime.time.min, tz))
        elif form.is_bound:
            entries = entries.none()
        return entries

    def get_context_data(self, **kwargs):
        form = AccessLogFilter(self.request.GET or None)
        entries = self.filtered(form)
        grouped = form.is_valid() and form.cleaned_data["grouped"]
        if grouped:
            page = paginate(grouped_entries(entries), self.request.GET, size=50)
            for row in page.items:
                row["name"] = _user_name(row)
                row["label"] = OBJECT_TYPE_LABELS.get(row["object_type"], row["object_type"])
        else:
            page = paginate(entries.order_by("-at", "-id"), self.request.GET, size=50)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            "grouped": grouped,
            "export_query": query.urlencode(),
        }


def _user_name(row: dict) -> str:
    return f"{row['user__first_name']} {row['user__last_name']}".strip() or row["user__username"]
