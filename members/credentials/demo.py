"""
Demo data for credentials: the demo member is issued every credential they have earned (past events they attended
in the events demo, any finished committee term), files the first in their CPD portfolio, and one is revoked by the
demo officer so the public page's "revoked" state can be seen. Safe to run again: issuing is once per achievement and
the revoked one is revoked only if none is yet.
"""

from django.conf import settings

from members.credentials import services
from members.credentials.models import Credential
from members.models import User

REVOCATION_REASON = "Demo: issued for an event the member had registered for but did not attend."


def seed(stdout=None):
    member = User.objects.filter(email="member@demo.sigportal.test").first()
    officer = User.objects.filter(email="officer@demo.sigportal.test").first()
    if member is None:
        return
    if not settings.CREDENTIALS_SIGNING_KEY:
        # Production without a key issues nothing (members are told why); the demo cannot show credentials there.
        if stdout:
            stdout.write("Credentials: none issued, CREDENTIALS_SIGNING_KEY is not set.")
        return
    services.credentials_issue_all(user=member)
    credentials = list(Credential.objects.filter(user=member).order_by("earned_on", "achievement_key"))
    if len(credentials) >= 2 and not any(c.is_revoked for c in credentials):
        services.credential_revoke(credential=credentials[0], by=officer, reason=REVOCATION_REASON)
    kept = [c for c in credentials if not Credential.objects.get(pk=c.pk).is_revoked]
    if kept and not any(c.in_portfolio for c in kept):
        services.credential_set_in_portfolio(credential=kept[-1], in_portfolio=True)
    if stdout:
        stdout.write(
            f"Credentials: {len(credentials)} for the demo member, one revoked; check them at /credentials/<id>/."
        )
