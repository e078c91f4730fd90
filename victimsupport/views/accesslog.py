"""The access log, for regional managers (their regions' users) and administrators (everyone)."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from victimsupport.forms import DateInput, check_date_range
from victimsupport.models import AccessLogEntry, Region, Role, User
from victimsupport.models.access import OBJECT_TYPE_LABELS, AccessAction
from victimsupport.paging import paginate
from victimsupport.permissions.views import RoleRequiredMixin


class AccessLogFilter(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("all")), *AccessAction.choices])
    object_type = forms.ChoiceField(label=_("What was read"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

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


class AccessLogView(RoleRequiredMixin, TemplateView):
    roles = (Role.REGIONAL_MANAGER, Role.ADMINISTRATOR)
    template_name = "victimsupport/access_log.html"

    def get_context_data(self, **kwargs):
        form = AccessLogFilter(self.request.GET or None)
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
        page = paginate(entries.order_by("-at", "-id"), self.request.GET, size=50)
        return {**super().get_context_data(**kwargs), "form": form, "page": page}
