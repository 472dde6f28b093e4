"""
Logging people in for tests when their role needs a second factor (members.second_factor).

`log_in(client, user)` is `client.force_login(user)` as if they had used their authenticator app: officers and
moderators get a TOTP authenticator and the session records that it was shown. For anyone else it is force_login.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import encrypt

from members import second_factor

# A valid base32 secret, known to the tests so they can type the current code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_totp(user, secret=TOTP_SECRET):
    """The user has an authenticator app set up with `secret`."""
    authenticator, _ = Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": encrypt(secret)}}
    )
    return authenticator


def current_code(secret=TOTP_SECRET):
    """What the authenticator app shows now."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def log_in(client, user):
    client.force_login(user)
    if second_factor.needs_second_factor(user):
        give_totp(user)
        session = client.session
        session[second_factor.SESSION_KEY] = str(user.pk)
        session.save()
    return client


def browser_log_in(page, user, password, secret=TOTP_SECRET):
    """Log in through the real forms, password then the authenticator app's code, as an officer would."""
    give_totp(user, secret)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Log in", exact=True).click()
    # Logged in only once the code has been accepted and the browser has left the code page.
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
