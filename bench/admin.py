"""The side-by-side peer of `make bench`: the case list as a team would first build it, in the Django
admin, on the same data. Installed only when BENCH_ADMIN_PEER is on (never in production or tests)."""

from django.contrib import admin

from cases.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("opened_on", "client", "status", "responsible", "county", "incident_type")
    list_filter = ("status", "incident_type", "county", "region")
    list_select_related = ("client", "responsible", "county")
    ordering = ("-opened_on", "-id")
    list_per_page = 25
    date_hierarchy = None
    show_full_result_count = True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
