from django.conf import settings
from django.db import models


class FederationMetadata(models.Model):
    """The last federation metadata whose signature checked out against the federation's certificate (one row).

    Every web process reads its identity providers from here, so a refresh on one machine reaches them all."""

    source = models.CharField(max_length=1000, help_text="The URL or file the metadata was read from.")
    xml = models.TextField()
    sha256 = models.CharField(max_length=64)
    valid_until = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        verbose_name = "federation metadata"
        verbose_name_plural = "federation metadata"

    def __str__(self):
        return f"{self.source} ({self.fetched_at:%Y-%m-%d %H:%M})"


class IdentityProviderQuerySet(models.QuerySet):
    def for_chooser(self, query=""):
        """Identity providers in the current metadata, matching a search by name, domain or entity id."""
        qs = self.filter(listed=True)
        query = query.strip()
        if query:
            qs = qs.filter(
                models.Q(name__icontains=query)
                | models.Q(scopes__icontains=query)
                | models.Q(entity_id__icontains=query)
            )
        return qs.order_by("name")


class IdentityProvider(models.Model):
    """An institution's SAML identity provider, as the federation metadata lists it (kept when it leaves the
    metadata, unlisted, so the identities linked through it still name it)."""

    entity_id = models.CharField(max_length=1024, unique=True)
    name = models.CharField(max_length=300)
    scopes = models.CharField(
        max_length=2000, blank=True, help_text="The domains (shibmd:Scope) its scoped attributes may carry."
    )
    listed = models.BooleanField(default=True, help_text="In the current federation metadata.")

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def scope_list(self):
        return [scope for scope in self.scopes.split() if scope]

    def in_scope(self, domain):
        """The domain is one of the provider's scopes (or below one); a provider without scopes vouches for none."""
        domain = domain.lower().strip(".")
        return any(domain == scope or domain.endswith(f".{scope}") for scope in self.scope_list())


class InstitutionalIdentity(models.Model):
    """An identity at an institution, linked to a member's account: signing in with it logs in as that member."""

    class Protocol(models.TextChoices):
        SAML = "saml", "SAML"
        OIDC = "oidc", "OpenID Connect"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institutional_identities"
    )
    protocol = models.CharField(max_length=10, choices=Protocol.choices, default=Protocol.SAML)
    issuer = models.CharField(max_length=1024, help_text="The identity provider's entity id (or OIDC issuer).")
    subject = models.CharField(max_length=1024, help_text="The provider's stable identifier for the person.")
    institution_name = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)
    display_name = models.CharField(max_length=300, blank=True)
    affiliations = models.CharField(max_length=1000, blank=True, help_text="eduPersonScopedAffiliation, spaced.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "institutional identity"
        verbose_name_plural = "institutional identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="institutional_identity_unique_subject"),
        ]

    def __str__(self):
        return f"{self.institution_name or self.issuer}: {self.subject}"
