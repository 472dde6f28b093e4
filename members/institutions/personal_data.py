"""Institutional sign-in's part of "download my data" and "delete my account" (settings.PERSONAL_DATA_PROVIDERS)."""

from members.institutions.models import InstitutionalIdentity


def export(user):
    return {
        "linked_identities": [
            {
                "institution": link.institution_name,
                "identity_provider": link.issuer,
                "identifier": link.subject,
                "email": link.email,
                "display_name": link.display_name,
                "affiliations": link.affiliations.split(),
                "linked_at": link.created_at.isoformat(),
                "last_used_at": link.last_used_at.isoformat() if link.last_used_at else None,
            }
            for link in InstitutionalIdentity.objects.filter(user=user).order_by("created_at")
        ]
    }


def erase(user):
    # The account row stays behind as "Former member": without this, the institution would still log into it.
    InstitutionalIdentity.objects.filter(user=user).delete()
