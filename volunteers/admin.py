from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from volunteers.models import ExpenseRule


@admin.register(ExpenseRule)
class ExpenseRuleAdmin(SimpleHistoryAdmin):
    """Rates, the monthly limit and the deadline of volunteers' expense reports, each in force from its
    date until the next one's. A report takes each trip at the rate of its day and the limit in force on
    the month's last day. Rows are never deleted: old months are computed with them."""

    list_display = ("effective_from", "km_rate", "call_minute_rate", "monthly_limit", "due_day", "note")
    fields = ("effective_from", "km_rate", "call_minute_rate", "monthly_limit", "due_day", "note")
    ordering = ("-effective_from",)

    def has_delete_permission(self, request, obj=None):
        return False
