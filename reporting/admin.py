"""Surveys in the admin (clients' feedback, trainings' feedback and knowledge checks): questions as data
in Estonian, Russian and English. A survey that has answers keeps its questions (answers refer to them);
the way to change them is a new survey. A knowledge check's statements carry their right answer."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reporting.models import Survey, SurveyQuestion


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ("position", "kind", "required", "correct_answer", "text_et", "text_ru", "text_en")

    def _answered(self, obj) -> bool:
        return obj is not None and obj.pk is not None and obj.has_answers()

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._answered(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._answered(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._answered(obj)


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ("title_et", "code", "purpose", "active", "created_at")
    list_filter = ("purpose", "active")
    fields = ("code", "purpose", "title_et", "title_ru", "title_en", "active")
    inlines = [SurveyQuestionInline]

    def get_readonly_fields(self, request, obj=None):
        return ("purpose",) if obj is not None and obj.in_use() else ()
