"""Demo data for the mailing list: invented subscribers, two past weekly issues, announcements. Safe to run again."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from members.demo import DEMO_ACCOUNTS
from members.mailing.models import Announcement, DigestIssue, Subscriber
from members.models import User

VISITORS = [
    ("lowen.marsh@example.org", Subscriber.Status.ACTIVE, Subscriber.Frequency.WEEKLY),
    ("peri.castellan@example.net", Subscriber.Status.ACTIVE, Subscriber.Frequency.DAILY),
    ("ansel.brookfield@example.org", Subscriber.Status.ACTIVE, Subscriber.Frequency.ANNOUNCEMENTS),
    ("yarrow.quince@example.net", Subscriber.Status.PENDING, Subscriber.Frequency.WEEKLY),
    ("fenna.holloway@example.org", Subscriber.Status.UNSUBSCRIBED, Subscriber.Frequency.WEEKLY),
]
# An address whose mail came back undeliverable until the list stopped sending to it (members.mailing bounces).
BOUNCING = "quentin.harrowgate@example.org"
BOUNCE_REASON = "550 5.1.1 mailbox unavailable"

SENT_ANNOUNCEMENT = {
    "title": "Call for speakers: spring webinar on accessible assessment",
    "body": (
        "We are looking for **two or three practitioners** to share how they made online assessment more "
        "accessible: a 10-minute case study each, followed by questions.\n\n"
        "- Any sector: further and higher education, schools, workplace learning\n"
        "- First-time speakers are very welcome\n\n"
        "Reply to this announcement through the committee contact form by the end of the month."
    ),
}
DRAFT_ANNOUNCEMENT = {
    "title": "Nominations open for Co-Chair and two officer roles",
    "body": (
        "Nominations are open for **Co-Chair** and **two officer roles** (unpaid, three-year terms). Each "
        "nomination needs a statement of at most 200 words and proof of association membership."
    ),
}


def _item(title, url, summary, when):
    return {"title": title, "url": url, "summary": summary, "when": when.isoformat()}


def seed(stdout=None):
    now = timezone.now()
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account["email"]).first()
        if user is None:
            continue
        Subscriber.objects.get_or_create(
            email=user.email,
            defaults={
                "user": user,
                "status": Subscriber.Status.ACTIVE,
                "frequency": Subscriber.Frequency.WEEKLY,
                "confirmed_at": now,
            },
        )
    for email, status, frequency in VISITORS:
        Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "status": status,
                "frequency": frequency,
                "confirmed_at": now if status != Subscriber.Status.PENDING else None,
                "unsubscribed_at": now if status == Subscriber.Status.UNSUBSCRIBED else None,
            },
        )

    limit = settings.MAILING_HARD_BOUNCE_LIMIT
    last_bounce = now - timedelta(days=3)
    Subscriber.objects.get_or_create(
        email=BOUNCING,
        defaults={
            "status": Subscriber.Status.BOUNCING,
            "frequency": Subscriber.Frequency.WEEKLY,
            "confirmed_at": now - timedelta(days=60),
            "hard_bounce_count": limit,
            "last_bounce_at": last_bounce,
            "disabled_reason": f"Mail to {BOUNCING} was returned as undeliverable {limit} times (the last said: "
            f"{BOUNCE_REASON}), so we stopped sending on {timezone.localtime(last_bounce):%-d %B %Y}.",
        },
    )

    officer = User.objects.filter(email="officer@demo.sigportal.test").first()
    sent_at = now - timedelta(days=10)
    sent, _ = Announcement.objects.get_or_create(
        title=SENT_ANNOUNCEMENT["title"],
        defaults={
            **SENT_ANNOUNCEMENT,
            "audience": Announcement.Audience.ALL,
            "status": Announcement.Status.SENT,
            "sent_at": sent_at,
            "created_by": officer,
        },
    )
    Announcement.objects.get_or_create(
        title=DRAFT_ANNOUNCEMENT["title"], defaults={**DRAFT_ANNOUNCEMENT, "created_by": officer}
    )

    first_until = now - timedelta(days=14)
    second_until = now - timedelta(days=7)
    issues = [
        (
            1,
            first_until - timedelta(days=7),
            first_until,
            [
                {
                    "key": "announcements",
                    "title": "Announcements",
                    "intro": "",
                    "items": [
                        _item(
                            "Welcome to the new group portal",
                            "/about/",
                            "Events, forums and this digest now live in one place. Tell us what you think.",
                            first_until - timedelta(days=3),
                        )
                    ],
                }
            ],
        ),
        (
            2,
            first_until,
            second_until,
            [
                {
                    "key": "announcements",
                    "title": "Announcements",
                    "intro": "",
                    "items": [
                        _item(
                            sent.title,
                            sent.get_absolute_url(),
                            "We are looking for two or three practitioners.",
                            sent_at,
                        )
                    ],
                }
            ],
        ),
    ]
    for number, since, until, sections in issues:
        DigestIssue.objects.get_or_create(
            number=number,
            defaults={
                "kind": DigestIssue.Kind.WEEKLY,
                "period_since": since,
                "period_until": until,
                "created_at": until,
                "sent_at": until,
                "status": DigestIssue.Status.SENT,
                "content": {"sections": sections},
                "recipient_count": 4,
            },
        )
    if stdout:
        stdout.write(
            "Mailing list: demo subscribers (one stopped by bounces), issues 1 and 2 in the digest archive, "
            "two announcements."
        )
