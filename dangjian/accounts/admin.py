from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from dangjian.accounts.models import ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["org"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "display_name", "is_active", "is_superuser", "last_login"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("显示", {"fields": ("display_name",)}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["digest", "prefix"]
