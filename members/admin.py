from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone

from members.models import AssociationMembership, Organisation, PrinciplesVersion, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["name", "email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal", {"fields": ["name", "time_zone"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]
    filter_horizontal = ["groups", "user_permissions"]


@admin.register(PrinciplesVersion)
class PrinciplesVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "published_at"]
    actions = ["publish"]
    readonly_fields = ["published_at"]

    @admin.action(description="Publish the selected version (members are asked to accept it)")
    def publish(self, request, queryset):
        count = queryset.filter(published_at__isnull=True).update(published_at=timezone.now())
        self.message_user(request, f"Published {count} version(s).")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_association_member", "trust_email_domains"]
    list_filter = ["is_association_member", "trust_email_domains"]
    search_fields = ["name", "email_domains"]


@admin.register(AssociationMembership)
class AssociationMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "organisation", "status", "expires_on", "verified_by", "verified_at"]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["user__email", "user__name", "membership_number"]
    list_select_related = ["user", "organisation", "verified_by"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["verified_by", "verified_at", "created_at"]


import members.admin_committee  # noqa: E402, F401 - the committee admin registers itself
from members import admin_mailing  # noqa: E402, F401  (the mailing list admin)
