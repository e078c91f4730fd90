"""Client feedback surveys in the admin: questions as data in Estonian, Russian and English. A survey that
has answers keeps its questions (answers refer to them); the way to change them is a new survey."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reporting.models import Survey, SurveyQuestion


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ("position", "kind", "required", "text_et", "text_ru", "text_en")

    def _answered(self, obj) -> bool:
        return obj is not None and obj.pk is not None and obj.responses.exists()

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._answered(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._answered(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._answered(obj)


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ("title_et", "code", "active", "created_at")
    fields = ("code", "title_et", "title_ru", "title_en", "active")
    inlines = [SurveyQuestionInline]
