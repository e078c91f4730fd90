"""Billing settings and yearly budgets (the administrator enters them)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from referrals.models import BillingPolicy, YearlyBudget


@admin.register(BillingPolicy)
class BillingPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "payment_days", "payer_name", "payer_iban")

    def has_add_permission(self, request):
        return not BillingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(YearlyBudget)
class YearlyBudgetAdmin(SimpleHistoryAdmin):
    list_display = ("year", "region", "amount")
    list_filter = ("year", "region")
