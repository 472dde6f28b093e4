"""Demo data for members: invented people only. Safe to run again: it changes nothing the second time."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.utils import timezone

from members.models import PrinciplesVersion, User
from members.roles import MODERATORS_GROUP, OFFICERS_GROUP, sync_role_groups

DEMO_PASSWORD = "demo-pass-2026"

# The three accounts README and `make run` print. Names are invented.
DEMO_ACCOUNTS = [
    {"email": "member@demo.sigportal.test", "name": "Robin Ashdown", "role": "member"},
    {"email": "moderator@demo.sigportal.test", "name": "Tamsin Okoro-Hale", "role": "moderator"},
    {"email": "officer@demo.sigportal.test", "name": "Idris Penhallow", "role": "officer"},
]

ABOUT_HTML = """
<p>We are a special interest group for people who work with learning technology in further and higher
education, schools, and workplace learning. We meet online every quarter for a webinar and a general
meeting, and hold open forums, chaired by our Chair, where members can raise hard topics in a safe space.</p>
<p>The group is run by a volunteer committee elected by members for three-year terms. Anyone can contact the
committee through the contact form; messages reach the current role holders directly.</p>
"""

PRINCIPLES_V1 = """
Our forums and events are for everyone who works with learning technology. To keep them a safe space:

1. **Be kind and assume good intent.** Disagree with ideas, never with people's worth.
2. **Respect confidentiality.** What is shared in an open forum stays there unless the person says otherwise.
3. **Call out harm, not people.** Report posts that bully, harass or belittle; moderators act on every report.
4. **Make room.** Leave space for voices that are heard less often, and avoid jargon where plain words will do.
5. **No selling.** Share tools and services you use, but do not advertise your own.
"""


def seed(stdout=None):
    site, _ = Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_URL.split("://", 1)[-1], "name": settings.SIG_SHORT_NAME},
    )
    about, _ = FlatPage.objects.get_or_create(
        url="/about/", defaults={"title": f"About {settings.SIG_NAME}", "content": ABOUT_HTML.strip()}
    )
    about.sites.add(site)
    PrinciplesVersion.objects.get_or_create(
        number=1,
        defaults={"body": PRINCIPLES_V1.strip(), "published_at": timezone.now(), "change_summary": "First version."},
    )

    sync_role_groups()
    groups = {
        "officer": Group.objects.get(name=OFFICERS_GROUP),
        "moderator": Group.objects.get(name=MODERATORS_GROUP),
    }
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(email=account["email"], defaults={"name": account["name"]})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = account["role"] == "officer"
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if account["role"] in groups:
            user.groups.add(groups[account["role"]])
