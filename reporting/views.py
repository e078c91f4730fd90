"""Statistics pages: start a yearly computation (a worker does it), read and export the figures."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from reporting.models import StatisticsRun
from reporting.services import statistics_request
from reporting.statistics import suppressed
from victimsupport.audit import AccessAction, log_access
from victimsupport.exports import csv_response
from victimsupport.models import Region, Role
from victimsupport.permissions.views import RoleRequiredMixin
from victimsupport.views.actions import ActionView

STATISTICS_ROLES = (Role.ANALYST, Role.REGIONAL_MANAGER, Role.SERVICE_ORGANISER, Role.ADMINISTRATOR)

SECTION_TITLES = {
    "cases_by_region_county_type": _("New cases by region, county and crime type"),
    "cases_by_month": _("New cases by month"),
    "cases_closed_by_reason": _("Closed cases by reason"),
    "contacts_by_channel_kind": _("Contacts by channel and kind"),
    "anonymous_contacts": _("Anonymous contacts"),
    "aid_decisions": _("Mental-health aid decisions"),
    "referrals": _("Referrals to providers"),
    "invoices_paid": _("Approved invoices"),
}


# What the page and the download say about a hidden figure (reporting.statistics.HIDDEN).
HIDDEN_LEGEND = _(
    "x: hidden. Where you may not see the cases behind them, figures under five are hidden, and so are the "
    "figures they could be worked out from (a total, a difference). Sums in a row with a hidden count are "
    "hidden too."
)


class YearForm(forms.Form):
    required_css_class = "required"
    year = forms.IntegerField(label=_("Year"), min_value=2003, max_value=2100)


def open_regions(user) -> frozenset[str]:
    """Regions whose small figures the user may see unsuppressed: a regional manager's own regions."""
    if user.has_role(Role.REGIONAL_MANAGER):
        return frozenset(Region.objects.filter(pk__in=user.region_ids).values_list("name", flat=True))
    return frozenset()


class StatisticsView(RoleRequiredMixin, ActionView):
    """Earlier computations, and the form that starts the next one in a worker."""

    roles = STATISTICS_ROLES
    template_name = "reporting/statistics.html"

    def get_form(self, data=None, **kwargs):
        return YearForm(data, initial={"year": timezone.localdate().year})

    def page_context(self, form) -> dict:
        runs = StatisticsRun.objects.only("pk", "year", "computed_at", "seconds")[:20]
        return {**super().page_context(form), "runs": runs}

    def perform(self, data):
        job = statistics_request(actor=self.request.user, year=data["year"])
        return reverse("job", args=[job.pk])

    def object_url(self) -> str:
        return reverse("reporting:statistics")


class StatisticsRunView(RoleRequiredMixin, TemplateView):
    roles = STATISTICS_ROLES
    template_name = "reporting/statistics_run.html"

    def get_context_data(self, **kwargs):
        run = get_object_or_404(StatisticsRun, pk=self.kwargs["pk"])
        data = suppressed(run.data, open_regions=open_regions(self.request.user))
        sections = [
            {"key": key, "title": SECTION_TITLES.get(key, key), **section} for key, section in data["sections"].items()
        ]
        if self.request.GET.get("format") == "csv":
            log_access(self.request.user, AccessAction.EXPORT, obj=run)
            self.csv = _csv(run, sections)
        return {**super().get_context_data(**kwargs), "run": run, "sections": sections, "legend": HIDDEN_LEGEND}

    def render_to_response(self, context, **kwargs):
        if getattr(self, "csv", None) is not None:
            return self.csv
        return super().render_to_response(context, **kwargs)


def _csv(run: StatisticsRun, sections: list[dict]) -> HttpResponse:
    rows = [[HIDDEN_LEGEND], []]
    for section in sections:
        rows += [[section["title"]], section["columns"], *section["rows"], []]
    return csv_response(rows, filename=f"statistika-{run.year}-{run.pk}.csv")
