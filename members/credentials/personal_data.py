"""Credentials' part of "download my data" and "delete my account" (settings.PERSONAL_DATA_PROVIDERS)."""

import json

from members.credentials.models import Credential


def export(user):
    return {
        "credentials": [
            {
                "name": c.name,
                "earned_on": c.earned_on.isoformat(),
                "issued_at": c.issued_at.isoformat(),
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
                "revocation_reason": c.revocation_reason,
                "in_portfolio": c.in_portfolio,
                "credential": json.loads(c.document),
            }
            for c in Credential.objects.for_member(user)
        ]
    }


def erase(user):
    # The signed documents name the member, so they go. A copy the member kept still checks as genuinely signed on
    # the paste-or-upload page, which then says the portal no longer holds a record of it.
    Credential.objects.filter(user=user).delete()
