"""Demo data for members: invented people only. Safe to run again: it changes nothing the second time."""

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.utils import timezone

from members.models import (
    AssociationMembership,
    Organisation,
    PrinciplesVersion,
    Profile,
    Region,
    SubGroup,
    SubGroupMembership,
    User,
)
from members.roles import CHAIR, MODERATOR, grant_permission_set, sync_role_groups

DEMO_PASSWORD = "demo-pass-2026"
# The demo moderator and officer need a second factor like any real one (members.second_factor). They share this
# published authenticator-app secret, so a newcomer can log in with `manage.py demo_code` or any authenticator app.
# Public like the password: demo accounts belong on a laptop, never on a real site.
DEMO_TOTP_SECRET = "SIGPORTALDEMOTOTPSECRETFORTRYING"

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
        defaults={
            "body": PRINCIPLES_V1.strip(),
            "published_at": timezone.now(),
            "change_summary": "First version.",
        },
    )

    sync_role_groups()
    # The demo officer holds the Chair's set (the widest), so every admin page can be tried.
    permission_sets = {"officer": CHAIR, "moderator": MODERATOR}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(email=account["email"], defaults={"name": account["name"]})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if account["role"] in permission_sets:
            grant_permission_set(user, permission_sets[account["role"]])
            Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRET)}}
            )
    _seed_people()
    _seed_demo_member_membership()
    return DEMO_ACCOUNTS


# The demo member's employer: an organisational member of the association, so the demo member may nominate, vote,
# register for association members' events and for events open only to staff of their organisation.
DEMO_MEMBER_ORGANISATION = "Kestrel Bay University"


def _seed_demo_member_membership():
    member = User.objects.get(email="member@demo.sigportal.test")
    organisation = Organisation.objects.get(name=DEMO_MEMBER_ORGANISATION)
    AssociationMembership.objects.get_or_create(
        user=member,
        defaults={
            "kind": AssociationMembership.Kind.ORGANISATIONAL,
            "organisation": organisation,
            "status": AssociationMembership.Status.VERIFIED,
            # Verified long before any demo call closed, so the demo member is on every demo voter roll.
            "verified_at": timezone.make_aware(datetime.datetime(2024, 1, 8, 10, 0)),
        },
    )
    Profile.objects.get_or_create(
        user=member,
        defaults={
            "job_title": "Learning Technologist",
            "organisation": organisation,
            "region": REGIONS[0],
            "bio": "I look after our virtual learning environment and run training on **accessible documents**.",
            "show_in_directory": True,
        },
    )


# ----------------------------------------------------------------------------------------------------
# Organisations, 42 members with profiles, association memberships and two sub-groups. Every name is invented.
# Choices are made by position (no randomness), so a second run finds everything already in place.
# ----------------------------------------------------------------------------------------------------

DEMO_ORGANISATIONS = [
    # name, organisational member?, email domains, trust domains?
    ("Kestrel Bay University", True, "kestrelbay.ac.uk", True),
    ("Thornmere College", True, "thornmere.ac.uk", False),
    ("Glen Aird University", True, "glenaird.ac.uk", True),
    ("Coleg Afon Las", False, "afonlas.ac.uk", False),
    ("Ballinreen Institute of Technology", True, "ballinreen.ie", False),
    ("Ardlow Further Education College", False, "ardlow.ac.uk", False),
    ("Ledgewick Learning Ltd", False, "ledgewick.example", False),
    ("Marrowby Sixth Form College", True, "marrowby.sch.uk", False),
]

FIRST_NAMES = [
    "Aled",
    "Bronwen",
    "Callum",
    "Dervla",
    "Eilidh",
    "Farida",
    "Gethin",
    "Hollis",
    "Ines",
    "Jarrah",
    "Keziah",
    "Lorcan",
    "Maelys",
    "Nnamdi",
    "Oona",
    "Perpetua",
    "Quill",
    "Rhosyn",
    "Saoirse",
    "Tobiah",
    "Ulla",
]
SURNAMES = ["Brackwater", "Cindergate", "Dunmore-Vale", "Elmstead", "Fernhollow", "Gorsebrook", "Hartlepike"]
PRONOUNS = ["she/her", "he/him", "they/them", ""]
JOB_TITLES = [
    "Learning Technologist",
    "Senior Learning Technologist",
    "Digital Education Manager",
    "Educational Developer",
    "VLE Administrator",
    "Lecturer in Education",
    "Accessibility Adviser",
    "Head of Digital Learning",
]
EXPERTISE = [
    "accessibility",
    "e-portfolios",
    "staff development",
    "learning design",
    "digital assessment",
    "VLE administration",
    "lecture capture",
    "open educational resources",
    "learning analytics",
    "AI in education",
    "copyright and licensing",
    "digital wellbeing",
    "universal design for learning",
    "video production",
    "inclusive assessment",
]
DEMO_GROUPS = [
    {
        "slug": "recruitment-and-staff-development",
        "name": "Recruitment and staff development",
        "description": "We share job descriptions, interview questions and induction plans for learning "
        "technology roles, and run a peer mentoring scheme for people new to the field.\n\n"
        "We meet online in the month between the quarterly webinars.",
    },
    {
        "slug": "portfolio-support",
        "name": "Portfolio support",
        "description": "Support for members building a portfolio for professional certification: reading "
        "groups, feedback on drafts, and a list of mentors who have been through it.",
    },
]
REGIONS = [value for value, _ in Region.choices]


def _demo_people():
    """42 invented people: every first name with two surnames, spread across regions and organisations."""
    people = []
    for i in range(42):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = SURNAMES[(i * 3 + i // len(FIRST_NAMES)) % len(SURNAMES)]
        people.append(
            {
                "index": i,
                "name": f"{first} {last}",
                "slug": f"{first}.{last}".lower().replace("-", ""),
                "region": REGIONS[i % len(REGIONS)],
                "organisation": DEMO_ORGANISATIONS[i % len(DEMO_ORGANISATIONS)],
            }
        )
    return people


def _seed_people():
    organisations = {}
    for name, is_member, domains, trust in DEMO_ORGANISATIONS:
        organisations[name], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "is_association_member": is_member,
                "email_domains": domains,
                "trust_email_domains": trust,
            },
        )
    people = []
    for person in _demo_people():
        i = person["index"]
        org_name, org_is_member, domain, _ = person["organisation"]
        email = f"{person['slug']}@{domain}" if i % 3 else f"{person['slug']}@demo.sigportal.test"
        user, created = User.objects.get_or_create(email=email, defaults={"name": person["name"]})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        profile, _ = Profile.objects.update_or_create(
            user=user,
            defaults={
                "pronouns": PRONOUNS[i % len(PRONOUNS)],
                "job_title": JOB_TITLES[i % len(JOB_TITLES)],
                "organisation": organisations[org_name],
                "region": person["region"],
                "bio": f"I work as a {JOB_TITLES[i % len(JOB_TITLES)].lower()} and am happy to talk about "
                f"**{EXPERTISE[i % len(EXPERTISE)]}** with anyone starting out.",
                "show_in_directory": i % 4 != 3,  # three in four are listed
                "share_organisation": i % 5 != 4,
                "website": f"https://{person['slug'].replace('.', '-')}.example" if i % 2 else "",
            },
        )
        profile.expertise.set([EXPERTISE[(i + k * 4) % len(EXPERTISE)] for k in range(1 + i % 3)])
        _seed_membership(user, i, organisations[org_name], org_is_member, email)
        people.append(user)

    for number, group in enumerate(DEMO_GROUPS):
        subgroup, _ = SubGroup.objects.update_or_create(
            slug=group["slug"],
            defaults={
                "name": group["name"],
                "description": group["description"],
                "convenor": people[number * 5],
            },
        )
        for user in people[number * 5 : number * 5 + 9]:
            SubGroupMembership.objects.get_or_create(group=subgroup, user=user, defaults={"listed": user.pk % 3 != 0})


def _seed_membership(user, i, organisation, org_is_member, email):
    """Some verified individual members, some through their organisation, a few claims to check."""
    if org_is_member and not email.endswith("demo.sigportal.test") and i % 2 == 0:
        defaults = {"kind": "organisational", "organisation": organisation, "membership_number": ""}
        defaults["status"] = "verified" if i % 4 == 0 else "unverified"
    elif i % 3 == 0:
        defaults = {"kind": "individual", "membership_number": f"M{100000 + i * 37}", "organisation": None}
        defaults["status"] = "verified" if i % 2 else "unverified"
    else:
        return
    if defaults["status"] == "verified":
        defaults["verified_at"] = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    membership, created = AssociationMembership.objects.get_or_create(user=user, defaults=defaults)
    return membership
