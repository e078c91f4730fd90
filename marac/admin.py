"""The MARAC reference data in the admin: risk questionnaires (versioned) and county populations.
A questionnaire version that has been used is read-only: the way to change it is a new version."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from marac.models import AnswerOption, CountyPopulation, Network, Question, Questionnaire
from marac.services.questionnaires import questionnaire_new_version


class UsedVersionReadOnly:
    """Inlines and fields of a version already used in an assessment cannot change."""

    def _used(self, obj) -> bool:
        questionnaire = obj if isinstance(obj, Questionnaire) else getattr(obj, "questionnaire", None)
        return questionnaire is not None and questionnaire.pk is not None and questionnaire.assessments.exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and self._used(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self._used(obj))


class QuestionInline(UsedVersionReadOnly, admin.TabularInline):
    model = Question
    extra = 0
    fields = ("number", "text_et", "text_en", "weight")

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and self._used(obj))


class AnswerOptionInline(UsedVersionReadOnly, admin.TabularInline):
    model = AnswerOption
    extra = 0
    fields = ("position", "code", "label_et", "label_en", "score")

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and self._used(obj))


@admin.register(Questionnaire)
class QuestionnaireAdmin(UsedVersionReadOnly, SimpleHistoryAdmin):
    list_display = ("name_et", "code", "version", "medium_from", "high_from", "escalation_callouts", "active")
    fields = (
        "code",
        "version",
        "name_et",
        "name_en",
        "medium_from",
        "high_from",
        "escalation_callouts",
        "in_use_from",
        "active",
    )
    inlines = [AnswerOptionInline, QuestionInline]
    actions = ["new_version"]

    @admin.action(description=_("Make a new version from the chosen questionnaire"))
    def new_version(self, request, queryset):
        for questionnaire in queryset:
            made = questionnaire_new_version(actor=request.user, source=questionnaire)
            messages.success(
                request, _("Version %(version)s was made; edit it before use.") % {"version": made.version}
            )


@admin.register(CountyPopulation)
class CountyPopulationAdmin(SimpleHistoryAdmin):
    list_display = ("county", "year", "adult_women", "source")
    list_filter = ("year",)
    fields = ("county", "year", "adult_women", "source")


@admin.register(Network)
class NetworkAdmin(SimpleHistoryAdmin):
    """The networks themselves (one core group per county, some cities have their own). Their agencies,
    members and meetings are kept by the coordinator in the application."""

    list_display = ("name", "county", "meeting_place", "active")
    list_filter = ("active", "county__region")
    fields = ("name", "county", "meeting_place", "active")

    def has_delete_permission(self, request, obj=None):
        return False
