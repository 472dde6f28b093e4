"""
Demo data for CPD portfolios: the demo member's own activities in every CMALT area, with reflections. What the
portal records (attendance, committee service, moderation) follows from the other apps' demo data when the page
is opened. Safe to run again: each entry is get_or_create by member and title.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from members.cpd.models import Area, Entry
from members.models import User

ENTRIES = [
    (
        "Rebuilt the first-year induction course in the VLE",
        Entry.Kind.PROJECT,
        40,
        "12",
        [Area.OPERATIONAL],
        "",
        "Moving the course to a single template cut support tickets in the first week by half. Next time I will "
        "test the template with screen-reader users before launch, not after.",
    ),
    (
        "Designed an accessible online assessment for nursing students",
        Entry.Kind.PROJECT,
        200,
        "8",
        [Area.TEACHING],
        "Digital accessibility",
        "Extra time and a plain layout helped everyone, not only students with adjustments: marks rose slightly "
        "and complaints fell.",
    ),
    (
        "Read the sector report on digital poverty among students",
        Entry.Kind.READING,
        420,
        "3",
        [Area.WIDER],
        "",
        "A quarter of our students use only a phone. I now check every activity on a small screen first.",
    ),
    (
        "Mentored a new learning technologist",
        Entry.Kind.MENTORING,
        700,
        "10",
        [Area.COMMUNICATION],
        "",
        "Monthly conversations taught me to explain why we make choices, not only how to use the tools.",
    ),
    (
        "Completed a course on web accessibility standards",
        Entry.Kind.COURSE,
        900,
        "15",
        [Area.OPERATIONAL, Area.WIDER],
        "Digital accessibility",
        "The course gave me the vocabulary to argue for accessibility in procurement meetings.",
    ),
]


def seed(stdout=None):
    member = User.objects.get(email="member@demo.sigportal.test")
    today = timezone.localdate()
    for title, kind, days_ago, hours, areas, specialist, reflection in ENTRIES:
        Entry.objects.get_or_create(
            user=member,
            title=title,
            defaults={
                "kind": kind,
                "occurred_on": today - datetime.timedelta(days=days_ago),
                "hours": Decimal(hours),
                "areas": list(areas),
                "specialist_area": specialist,
                "reflection": reflection,
            },
        )
    if stdout:
        stdout.write("CPD: the demo member's portfolio with entries in every CMALT area.")
