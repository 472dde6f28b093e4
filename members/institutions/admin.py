from django.contrib import admin

from members.institutions.models import FederationMetadata, IdentityProvider, InstitutionalIdentity


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "entity_id", "scopes", "listed"]
    list_filter = ["listed"]
    search_fields = ["name", "entity_id", "scopes"]
    readonly_fields = ["entity_id", "name", "scopes", "listed"]


@admin.register(InstitutionalIdentity)
class InstitutionalIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "institution_name", "subject", "affiliations", "last_used_at"]
    search_fields = ["user__email", "subject", "issuer", "email"]
    list_select_related = ["user"]
    readonly_fields = ["issuer", "subject", "protocol", "created_at", "last_used_at"]


@admin.register(FederationMetadata)
class FederationMetadataAdmin(admin.ModelAdmin):
    list_display = ["source", "fetched_at", "valid_until", "sha256"]
    exclude = ["xml"]
    readonly_fields = ["source", "fetched_at", "valid_until", "sha256"]
