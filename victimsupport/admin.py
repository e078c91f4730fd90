"""Administration of users, regions, counties, register series and login sessions."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from cases.models.persons import validate_personal_code
from victimsupport.mail import mail_send_again, mask_address
from victimsupport.models import (
    AccessLogEntry,
    County,
    Job,
    OutgoingMail,
    Region,
    RegisteredDocument,
    RegisterSeries,
    Role,
    User,
    UserSession,
)
from victimsupport.security import security_event
from victimsupport.services import deactivate_user, region_create, user_sessions_end, user_set_roles_and_regions

admin.site.unregister(Group) if admin.site.is_registered(Group) else None


class UserAdminForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "personal_code",
            "position",
            "language",
            "regions",
            "is_active",
            "is_staff",
            "is_superuser",
        ]

    def clean_personal_code(self) -> str:
        """A login credential since TARA: a valid Estonian personal code, or none."""
        code = (self.cleaned_data.get("personal_code") or "").strip()
        validate_personal_code(code)  # the persons' check (cases.models.persons)
        return code

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = list(
                self.instance.groups.filter(name__in=Role.values).values_list("name", flat=True)
            )


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    form = UserAdminForm
    list_display = ("username", "first_name", "last_name", "email", "is_active", "role_list", "region_list")
    list_filter = ("is_active", "is_staff", "groups", "regions")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Person"),
            {"fields": ("first_name", "last_name", "email", "phone", "personal_code", "position", "language")},
        ),
        (_("Roles and regions"), {"fields": ("roles", "regions")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("regions",)
    actions = ["end_user_sessions", "deactivate_users"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "regions")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # The personal code logs in through TARA: only a superuser puts one on an account.
            fields += ["is_superuser", "personal_code"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "personal_code" in form.changed_data:
            security_event("personal_code_changed", actor=request.user, user=obj.pk)
            user_sessions_end(obj, actor=request.user, reason="personal_code_changed")

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        labels = dict(Role.choices)
        return ", ".join(str(labels[g.name]) for g in obj.groups.all() if g.name in labels)

    @admin.display(description=_("regions"))
    def region_list(self, obj):
        return ", ".join(region.name for region in obj.regions.all())

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        regions = form.cleaned_data.get("regions")
        form.cleaned_data["regions"] = form.instance.regions.all() if change else Region.objects.none()
        super().save_related(request, form, formsets, change)
        roles = form.cleaned_data.get("roles", [])
        user_set_roles_and_regions(form.instance, roles=roles, regions=regions or [], actor=request.user)

    @admin.action(description=_("End the selected users' sessions now"))
    def end_user_sessions(self, request, queryset):
        total = sum(user_sessions_end(user, actor=request.user) for user in queryset)
        self.message_user(
            request,
            ngettext("%(count)d session ended.", "%(count)d sessions ended.", total) % {"count": total},
            messages.SUCCESS,
        )

    @admin.action(description=_("Deactivate the selected users and end their sessions"))
    def deactivate_users(self, request, queryset):
        for user in queryset.exclude(pk=request.user.pk):
            deactivate_user.delay_on_commit(user.pk, actor_id=request.user.pk)
        self.message_user(request, _("The users are being deactivated."), messages.SUCCESS)


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "county_list")
    fields = ("code", "name")
    readonly_fields = ()

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    @admin.display(description=_("counties"))
    def county_list(self, obj):
        return ", ".join(county.name for county in obj.counties.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("counties")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = region_create(code=obj.code, name=obj.name, actor=request.user)
            obj.pk = created.pk
            obj.staff_group_id, obj.managers_group_id = created.staff_group_id, created.managers_group_id

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(County)
class CountyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "region")
    list_filter = ("region",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegisterSeries)
class RegisterSeriesAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "purpose", "last_number")
    readonly_fields = ("last_number",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegisteredDocument)
class RegisteredDocumentAdmin(SimpleHistoryAdmin):
    """The register is read here; documents are registered by the services that make them."""

    list_display = ("number", "title", "doc_type", "registered_at", "party", "restricted")
    search_fields = ("number", "title")
    list_filter = ("doc_type", "restricted")
    exclude = ("file",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "file"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "ip", "ended_at", "end_reason")
    list_filter = ("end_reason",)
    search_fields = ("user__username",)
    readonly_fields = ("user", "session_key", "created_at", "ip", "user_agent", "ended_at", "ended_by", "end_reason")
    exclude = ("session_key",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "object_type", "object_id", "ip", "restricted")
    list_filter = ("action", "object_type", "restricted")
    date_hierarchy = None
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """E-mail waiting for the mail server or failed: who it is for (masked), why it failed, and "send
    again". Nothing here can be edited; the message itself is never shown."""

    list_display = ("created_at", "status", "subject", "masked_recipients", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status",)
    actions = ["send_again"]
    exclude = ("recipients",)

    @admin.display(description=_("recipients"))
    def masked_recipients(self, obj) -> str:
        return ", ".join(mask_address(address) for address in obj.recipients)

    @admin.action(description=_("Send again now"))
    def send_again(self, request, queryset):
        count = mail_send_again(queryset)
        self.message_user(request, _("%(count)s e-mail messages will be sent again.") % {"count": count})

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name not in ("recipients", "message")] + [
            "masked_recipients"
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "status", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "status")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
