"""Credentials in the admin: read-only (a signed credential is never edited); revoking goes through the revoke page."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from members.credentials.models import Credential


class RevokedFilter(admin.SimpleListFilter):
    title = "revoked"
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("no", "Valid"), ("yes", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(revoked_at__isnull=self.value() == "no")
        return queryset


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "kind", "earned_on", "issued_at", "revoked"]
    list_filter = ["kind", RevokedFilter]
    search_fields = ["name", "user__email", "user__name", "id"]
    list_select_related = ["user"]
    date_hierarchy = "issued_at"
    readonly_fields = [
        "id",
        "user",
        "achievement_key",
        "kind",
        "name",
        "earned_on",
        "issued_at",
        "in_portfolio",
        "revoked_at",
        "revocation_reason",
        "revoked_by",
        "public_page",
        "document",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "revoked_by")

    @admin.display(boolean=True, description="Revoked", ordering="revoked_at")
    def revoked(self, obj):
        return obj.is_revoked

    @admin.display(description="Public check page and revoking")
    def public_page(self, obj):
        links = format_html('<a href="{}">Public check page</a>', obj.get_absolute_url())
        if not obj.is_revoked:
            links += format_html(
                ' · <a href="{}">Revoke with a reason</a>', reverse("credentials:revoke", args=[obj.pk])
            )
        return links

    def has_add_permission(self, request):
        return False  # issued by members asking for them (members.credentials.services.credential_issue)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a credential out in the world is revoked, never deleted
