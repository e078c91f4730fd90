from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from compensation.models import CompensationRules


@admin.register(CompensationRules)
class CompensationRulesAdmin(SimpleHistoryAdmin):
    """The figures of the law, each row in force from its date until the next one's. A claim is judged by
    the rules in force on the day of the crime. Rows are never deleted: decided claims were judged by them."""

    list_display = ("valid_from", "rate_percent", "crime_cap", "funeral_cap", "report_days", "claim_years", "note")
    ordering = ("-valid_from",)

    def has_delete_permission(self, request, obj=None):
        return False
