"""Reference data of the aid procedure (no personal data is administered here)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import AidCap, AidPolicy, DecisionKindSetting


@admin.register(AidCap)
class AidCapAdmin(SimpleHistoryAdmin):
    """The cap per person (one minimum monthly wage) with the date it is in force from; it holds until the
    next amount's date. A decision takes the amount in force on its decision date and keeps it."""

    list_display = ("valid_from", "amount", "note")
    fields = ("valid_from", "amount", "note")
    ordering = ("-valid_from",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DecisionKindSetting)
class DecisionKindSettingAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "approval_required", "legal_basis")
    readonly_fields = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AidPolicy)
class AidPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "decision_working_days", "due_soon_working_days")

    def has_add_permission(self, request):
        return not AidPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
