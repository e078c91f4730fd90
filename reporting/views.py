"""Statistics pages: the dashboard of precomputed figures (any period and area, a year earlier beside it,
exports of any table), starting a computation in a worker, and a specialist's own work."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from cases.choices import Channel
from cases.views.work import CaseFormView
from reporting import feedback, selectors
from reporting.charts import bar_chart
from reporting.dashboard import LEGEND, Dashboard, Figure, Row, export_rows, page, page_head
from reporting.forms import (
    LANGUAGE_NAMES,
    PAGE_TEXTS,
    PERIOD_KINDS,
    FeedbackInviteForm,
    StatisticsFilterForm,
    SurveyForm,
    YearForm,
    YearlyReportForm,
    survey_language,
)
from reporting.models import YearlyReport
from reporting.periods import Period, month_name
from reporting.selectors import Scope
from reporting.services import statistics_request
from reporting.yearly import yearly_report_request
from victimsupport.audit import AccessAction, log_access
from victimsupport.exports import csv_response, xlsx_response
from victimsupport.models import Role
from victimsupport.permissions.views import RoleRequiredMixin
from victimsupport.ratelimit import over_limit
from victimsupport.views.actions import ActionView

# Pages of protected figures show quarters and years: a month or a range could be subtracted from them.
PROTECTED_KINDS = ("quarter", "year")
WHOLE_PERIODS_ONLY = _(
    "Where counts under five are hidden, figures are shown for a quarter or a year: a month or a range of "
    "months could be subtracted from them to work out a hidden count."
)

STATISTICS_ROLES = (Role.ANALYST, Role.REGIONAL_MANAGER, Role.SERVICE_ORGANISER, Role.ADMINISTRATOR)
OWN_WORK_ROLES = (Role.SPECIALIST, Role.REGIONAL_MANAGER)


def open_regions(user) -> frozenset[int]:
    """Regions whose figures the user sees whole: a regional manager's own regions."""
    if user.has_role(Role.REGIONAL_MANAGER):
        return frozenset(user.region_ids)
    return frozenset()


def default_scope(user) -> dict:
    """A regional manager of one region starts in that region; everyone else nationally."""
    regions = open_regions(user)
    return {"region": next(iter(regions))} if len(regions) == 1 else {}


def filter_form(request, *, counties: bool = True, whole_only: bool = False) -> StatisticsFilterForm:
    """The period and area filter: without an area asked for, the user's default area; without a period,
    this year.
    `whole_only`: only quarters and years to choose from (see reporting.protection)."""
    data = request.GET.copy()
    if "region" not in data and "county" not in data:
        for key, value in default_scope(request.user).items():
            data.setdefault(key, str(value))
    if "period" not in data:
        data.setdefault("period", "year")
        data.setdefault("year", str(timezone.localdate().year))
    form = StatisticsFilterForm(data)
    if whole_only:
        form.fields["period"].choices = [(kind, label) for kind, label in PERIOD_KINDS if kind in PROTECTED_KINDS]
        form.fields["period"].error_messages["invalid_choice"] = WHOLE_PERIODS_ONLY
    if not counties:
        form.fields.pop("county")
    return form


class StatisticsDashboardView(RoleRequiredMixin, TemplateView):
    """The figures of a period and an area, with the same period a year earlier; ?format=csv|xlsx
    downloads the page's tables (or one, with &table=)."""

    roles = STATISTICS_ROLES
    template_name = "reporting/dashboard.html"

    def get(self, request, *args, **kwargs):
        form = filter_form(request, whole_only=not open_regions(request.user))
        if form.is_valid() and self.protected(form.cleaned_data) and form.cleaned_data["period"] not in PROTECTED_KINDS:
            form.add_error("period", WHOLE_PERIODS_ONLY)
        if not form.is_valid():
            context = self.get_context_data(form=form, dashboard=None)
            return self.render_to_response(context, status=400)
        export = request.GET.get("format")
        if export in ("csv", "xlsx"):
            return self.export(self.dashboard(form.cleaned_data), export, request.GET.get("table", ""))
        # What shows above the tables; the tables themselves come from the template cache, read from the
        # whole page (self.body) only where that has no copy.
        page_of = self.page_of(form.cleaned_data)
        head, self.cache_key, whole = page_head(**page_of)
        self.body = whole if whole is not None else SimpleLazyObject(lambda: page(**page_of, key=self.cache_key)[0])
        return self.render_to_response(self.get_context_data(form=form, dashboard=head))

    @staticmethod
    def scope(data: dict) -> Scope:
        county = data.get("county")
        return Scope(county=county) if county else Scope(region=data.get("region"))

    def protected(self, data: dict) -> bool:
        """Whether the page hides small counts: unless the user sees the cases of the whole area."""
        regions = self.scope(data).region_ids
        return not (regions and regions <= open_regions(self.request.user))

    def page_of(self, data: dict) -> dict:
        return {"period": data["period_value"], "scope": self.scope(data), "suppress": self.protected(data)}

    def dashboard(self, data: dict) -> Dashboard:
        return page(**self.page_of(data))[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dashboard = context.get("dashboard")
        user = self.request.user
        if dashboard is not None:
            body = context["body"] = self.body  # the whole page: its tables and comparison of areas
            context["sections"] = SimpleLazyObject(
                lambda: [
                    (title, [(table, body.charts[table.key]) for table in tables]) for title, tables in body.sections
                ]
            )
            context["computed_at"] = selectors.figures_computed_at(dashboard.period)
            regions = dashboard.scope.region_ids
            if regions and regions <= open_regions(user):
                context["team"], context["team_at"] = selectors.team_workload(regions)
                # The table is the same for every manager of these regions until the team is counted again.
                context["team_key"] = f"{sorted(regions)}:{context['team_at'].timestamp()}:{get_language()}"
                context["team_seconds"] = selectors.TEAM_CACHE_SECONDS
            context["query"] = canonical_query(dashboard.period, dashboard.scope)
            context["cache_key"] = self.cache_key
        context["legend"] = LEGEND
        return context

    def export(self, dashboard: Dashboard, kind: str, key: str):
        if key and key not in {table.key for table in dashboard.tables}:
            raise Http404
        rows = export_rows(dashboard, key)
        log_access(self.request.user, AccessAction.EXPORT, object_type="reporting.statistics")
        name = "-".join(
            part for part in ("statistika", slugify(str(dashboard.scope)), _period_slug(dashboard.period), key) if part
        )
        if kind == "xlsx":
            return xlsx_response(rows, filename=f"{name}.xlsx", title=gettext("Statistics"))
        return csv_response(rows, filename=f"{name}.csv")


def canonical_query(period: Period, scope: Scope) -> str:
    """The filter of a page spelled out in full (links on a cached page must not depend on the defaults
    of whoever first asked for it)."""
    query = {"period": period.kind, "year": period.first.year}
    if period.kind == "month":
        query["month"] = period.first.month
    elif period.kind == "quarter":
        query["quarter"] = (period.first.month + 2) // 3
    elif period.kind == "range":
        query = {"period": "range", "first": f"{period.first:%Y-%m}", "last": f"{period.last:%Y-%m}"}
    query["region"] = scope.region.pk if scope.region else ""
    if scope.county:
        query["county"] = scope.county.pk
    return urlencode(query)


def _period_slug(period: Period) -> str:
    return re.sub(r"[^0-9a-z]+", "-", f"{period.first:%Y-%m}-{period.last:%Y-%m}").strip("-")


class StatisticsComputeView(RoleRequiredMixin, ActionView):
    """Computing a year's figures now, in a worker (the nightly run does the current and previous year)."""

    roles = STATISTICS_ROLES
    template_name = "reporting/statistics.html"

    def get_form(self, data=None, **kwargs):
        return YearForm(data, initial={"year": timezone.localdate().year})

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "runs": selectors.latest_runs(20)}

    def perform(self, data):
        job = statistics_request(actor=self.request.user, year=data["year"])
        return reverse("job", args=[job.pk])

    def object_url(self) -> str:
        return reverse("reporting:statistics-compute")


class YearlyReportsView(RoleRequiredMixin, ActionView):
    """The yearly reports made so far, and the form that has a worker make one (PDF)."""

    roles = STATISTICS_ROLES
    template_name = "reporting/yearly_reports.html"

    def get_form(self, data=None, **kwargs):
        return YearlyReportForm(data, initial={"year": timezone.localdate().year - 1, "language": "et"})

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "reports": selectors.yearly_reports()}

    def perform(self, data):
        job = yearly_report_request(actor=self.request.user, year=data["year"], language=data["language"])
        return reverse("job", args=[job.pk])

    def object_url(self) -> str:
        return reverse("reporting:yearly-reports")


class YearlyReportDownloadView(RoleRequiredMixin, View):
    roles = STATISTICS_ROLES

    def get(self, request, pk: int):
        report = get_object_or_404(YearlyReport.objects.select_related("document"), pk=pk)
        document = report.document
        if not document.file:
            raise Http404
        log_access(request.user, AccessAction.DOWNLOAD, obj=document)
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            content_type="application/pdf",
            filename=f"statistika-{report.year}-{report.language}.pdf",
        )


class OwnWorkView(RoleRequiredMixin, TemplateView):
    """A specialist's own work: their open cases, overdue tasks and contacts over twelve months."""

    roles = OWN_WORK_ROLES
    template_name = "reporting/own_work.html"

    def get_context_data(self, **kwargs):
        work = selectors.own_work(self.request.user)
        return {**super().get_context_data(**kwargs), "work": work, "chart": own_work_chart(work["months"])}


def own_work_chart(months: list[dict]) -> dict | None:
    """Contacts (dark) and counselling sessions (light) per month."""
    return bar_chart([Row(month_name(m["month"]), Figure(m["contacts"]), Figure(m["sessions"])) for m in months])


# --- client feedback ---


class FeedbackInviteView(CaseFormView):
    """Give the client of a case a one-time feedback link (nothing of the case is stored with it)."""

    form_class = FeedbackInviteForm
    title = _("A feedback link for the client")
    submit_label = _("Make the link")

    def perform(self, data):
        token = feedback.feedback_invite(
            actor=self.request.user, case=self.case, service=data["service"], channel=data["channel"]
        )
        if data["channel"] == Channel.EMAIL:
            messages.success(self.request, _("The feedback link was sent by e-mail."))
            return self.case_url()
        # Shown once, on the next page: the token is kept nowhere else.
        self.request.session[SLIP_KEY] = token
        return reverse("reporting:feedback-slip")


SLIP_KEY = "feedback-slip"


class FeedbackSlipView(RoleRequiredMixin, TemplateView):
    """The printable slip with the link and its QR code, once."""

    roles = OWN_WORK_ROLES
    template_name = "reporting/feedback_slip.html"

    def get_context_data(self, **kwargs):
        token = self.request.session.pop(SLIP_KEY, None)
        context = super().get_context_data(**kwargs)
        if token:
            url = self.request.build_absolute_uri(feedback.survey_url(token))
            context["url"] = url
            context["qr_svg"] = segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
        return context


class FeedbackSurveyView(View):
    """The survey, without login, in Estonian, Russian or English. Every link that cannot be used gets
    the same answer; answers are limited per address like the volunteer application."""

    template_name = "reporting/feedback_survey.html"

    def dispatch(self, request, *args, **kwargs):
        self.language = survey_language(request.GET.get("lang") or request.POST.get("lang"))
        self.invitation = selectors.invitation_for(kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, status=200, message=""):
        texts = PAGE_TEXTS[self.language]
        context = {
            "message": message or texts["invalid"],
            "form": form,
            "texts": texts,
            "language": self.language,
            "languages": LANGUAGE_NAMES,
            "survey_title": self.invitation.survey.title(self.language) if self.invitation else texts["title_invalid"],
        }
        response = render(self.request, self.template_name, context, status=status)
        response["Cache-Control"] = "no-store"  # the token is in the address: no copies in caches
        return response

    def get(self, request, token: str):
        if self.invitation is None:
            return self.render(None, status=410)
        return self.render(SurveyForm(self.invitation.survey, self.language))

    def post(self, request, token: str):
        if self.invitation is None:
            return self.render(None, status=410)
        if over_limit(request, "feedback", settings.FEEDBACK_ANSWERS_PER_HOUR):
            return self.render(None, status=429, message=PAGE_TEXTS[self.language]["busy"])
        form = SurveyForm(self.invitation.survey, self.language, request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        feedback.feedback_answer(token=token, language=self.language, answers=form.answers())
        return redirect(f"{reverse('reporting:feedback-thanks')}?lang={self.language}")


class FeedbackThanksView(View):
    def get(self, request):
        language = survey_language(request.GET.get("lang"))
        texts = PAGE_TEXTS[language]
        return render(request, "reporting/feedback_thanks.html", {"texts": texts, "language": language})


class FeedbackResultsView(RoleRequiredMixin, TemplateView):
    """Feedback per service and month in a region or nationally; free text for managers."""

    roles = STATISTICS_ROLES
    template_name = "reporting/feedback_results.html"

    def get(self, request, *args, **kwargs):
        form = filter_form(request, counties=False, whole_only=True)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, results=None), status=400)
        period, region = form.cleaned_data["period_value"], form.cleaned_data.get("region")
        user = request.user
        with_text = user.has_role(Role.SERVICE_ORGANISER) or (region is not None and region.pk in open_regions(user))
        results = selectors.feedback_results(period, region, with_text=with_text)
        if results["texts"]:
            log_access(user, AccessAction.VIEW, object_type="reporting.feedbackresponse")
        return self.render_to_response(
            self.get_context_data(form=form, results=results, period=period, region=region, with_text=with_text)
        )
