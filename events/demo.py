"""
Demo data for events: upcoming and past events of every type, a four-session programme whose 10 places are
full with a waiting list, past events with their recordings (one the demo member watched through the portal).
Invented names only. Running it again changes nothing: an event that exists (by its slug) is left as it is.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from events.models import Attendance, Event, RecordingView, Registration, RegistrationQuestion, Series, Session
from members.models import Organisation, User

# Invented people who fill the programme and its waiting list.
DEMO_PEOPLE = [
    "Ailsa Brennock",
    "Bram Tollervey",
    "Cerys Hallowell",
    "Dev Marchetti",
    "Effie Quarrington",
    "Fenn Ashworth-Lowe",
    "Greer Penwithick",
    "Hollis Varga",
    "Inka Dunmore",
    "Jory Castellan",
    "Kit Abernathy-Rowe",
    "Lowenna Strickland",
    "Mair Okonkwo-Pryce",
]

K = Event.Kind
F = Event.Format
A = Event.Audience

# (slug, title, kind, days from today, hour, format, audience, capacity, summary)
EVENTS = [
    (
        "quarterly-webinar-accessible-video",
        "Quarterly webinar: accessible video in practice",
        K.WEBINAR,
        10,
        13,
        F.ONLINE,
        A.EVERYONE,
        100,
        "Captions, transcripts and audio description without a big budget.",
    ),
    (
        "general-meeting-winter",
        "Winter general meeting",
        K.GENERAL_MEETING,
        21,
        12,
        F.ONLINE,
        A.MEMBERS,
        None,
        "Reports from the committee, the year ahead, and your questions.",
    ),
    (
        "open-forum-workload",
        "Open forum: workload and wellbeing",
        K.OPEN_FORUM,
        16,
        16,
        F.ONLINE,
        A.MEMBERS,
        30,
        "A safe space, chaired by the Chair. What is said in the forum stays in the forum.",
    ),
    (
        "workshop-alt-text",
        "Workshop: writing good alt text",
        K.WORKSHOP,
        25,
        10,
        F.IN_PERSON,
        A.EVERYONE,
        12,
        "A hands-on morning with real course materials. Bring a laptop.",
    ),
    (
        "cpd-webinar-digital-accessibility-law",
        "CPD webinar: digital accessibility regulations",
        K.CPD_WEBINAR,
        30,
        14,
        F.ONLINE,
        A.ASSOCIATION_MEMBERS,
        80,
        "What the regulations ask of course teams, for association members.",
    ),
    (
        "conference-inclusive-learning-tech",
        "Inclusive learning technology conference",
        K.CONFERENCE,
        60,
        9,
        F.HYBRID,
        A.EVERYONE,
        150,
        "A day of talks and workshops, in the room and online.",
    ),
    (
        "kestrel-bay-glen-aird-vle-upgrade",
        "Staff briefing: the shared VLE upgrade",
        K.WORKSHOP,
        12,
        11,
        F.ONLINE,
        A.ORGANISATIONS,
        40,
        "For staff of the two universities sharing the VLE: what changes in January and how to prepare.",
    ),
    (
        "past-webinar-captioning",
        "Webinar: live captioning that works",
        K.WEBINAR,
        -30,
        13,
        F.ONLINE,
        A.EVERYONE,
        100,
        "Tools and habits for reliable live captions.",
    ),
    (
        "past-general-meeting-autumn",
        "Autumn general meeting",
        K.GENERAL_MEETING,
        -90,
        12,
        F.ONLINE,
        A.MEMBERS,
        None,
        "The committee's report and the vote on the revised principles.",
    ),
    (
        "past-open-forum-ai",
        "Open forum: AI tools and our students",
        K.OPEN_FORUM,
        -45,
        16,
        F.ONLINE,
        A.MEMBERS,
        30,
        "A safe space to talk about generative AI in teaching.",
    ),
    (
        "past-workshop-screen-readers",
        "Workshop: testing with screen readers",
        K.WORKSHOP,
        -60,
        10,
        F.IN_PERSON,
        A.EVERYONE,
        15,
        "Try NVDA and VoiceOver on your own course pages.",
    ),
    (
        "past-cpd-webinar-universal-design",
        "CPD webinar: universal design for learning",
        K.CPD_WEBINAR,
        -20,
        14,
        F.ONLINE,
        A.ASSOCIATION_MEMBERS,
        80,
        "Principles of UDL applied to online courses.",
    ),
    (
        "past-conference-summer",
        "Summer conference",
        K.CONFERENCE,
        -150,
        9,
        F.HYBRID,
        A.EVERYONE,
        150,
        "Our summer conference: talks, posters and a panel.",
    ),
    (
        "past-programme-mentoring",
        "Mentoring new learning technologists: a three-part programme",
        K.PROGRAMME,
        -75,
        15,
        F.ONLINE,
        A.MEMBERS,
        12,
        "Three sessions on mentoring colleagues who are new to the role.",
    ),
    (
        "workshop-library-accessibility-partners",
        "Accessible library services: a workshop for partner organisations",
        K.WORKSHOP,
        35,
        10,
        F.ONLINE,
        A.ORGANISATIONS,
        30,
        "For staff of the organisations we work with on library accessibility, members of the association or not.",
    ),
]

# Whose staff may register for the organisation-only workshop: one organisational member of the association and one
# organisation that is not (its staff qualify through their profile and a verified address at afonlas.ac.uk).
PARTNER_ORGANISATIONS = ["Kestrel Bay University", "Coleg Afon Las"]

PROGRAMME_SLUG = "allyship-in-practice-programme"
# The staff briefing is open to staff of two organisational members (the demo member works at Kestrel Bay).
ORGANISATION_AUDIENCES = {
    "kestrel-bay-glen-aird-vle-upgrade": ["Kestrel Bay University", "Glen Aird University"],
    "workshop-library-accessibility-partners": PARTNER_ORGANISATIONS,
}
# Past events with a recording (video and slides on reserved domains). The demo member missed the conference and
# watched its recording through the portal, so their CPD portfolio shows a recording watched.
RECORDINGS = {
    "past-webinar-captioning": "live-captioning",
    "past-conference-summer": "summer-conference",
}
WATCHED_BY_MEMBER = "past-conference-summer"
VENUE = "Northgate College, Learning Centre, Room 2.14\n1 Example Street\nManchester M1 1AA"


def _at(days, hour):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), timezone.get_default_timezone())


def _people():
    people = []
    for index, name in enumerate(DEMO_PEOPLE, start=1):
        user, created = User.objects.get_or_create(email=f"person{index}@demo.sigportal.test", defaults={"name": name})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    return people


def _register(event, users, status, start):
    for offset, user in enumerate(users):
        Registration.objects.get_or_create(
            event=event,
            user=user,
            defaults={
                "status": status,
                "queued_at": start + timedelta(minutes=offset),
                "confirmed_all_sessions": True,
            },
        )


def seed(stdout=None):
    people = _people()
    member = User.objects.filter(email="member@demo.sigportal.test").first()
    chair = User.objects.filter(email="officer@demo.sigportal.test").first()
    webinars, _ = Series.objects.get_or_create(
        slug="quarterly-webinars",
        defaults={"name": "Quarterly webinars", "description": "A webinar every quarter, open to everyone."},
    )
    forums, _ = Series.objects.get_or_create(
        slug="open-forums",
        defaults={"name": "Open forums", "description": "Safe spaces chaired by the Chair."},
    )
    # An invented meeting room on a reserved domain: demo join links lead nowhere real.
    join = "https://meet.example.org/lt-inclusion-sig/demo-room"
    created_count = 0

    for slug, title, kind, days, hour, fmt, audience, capacity, summary in EVENTS:
        event, created = Event.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "kind": kind,
                "summary": summary,
                "description": f"{summary}\n\nAll times are shown in your own time zone.",
                "format": fmt,
                "venue": VENUE if fmt != F.ONLINE else "",
                "audience": audience,
                "capacity": capacity,
                "status": Event.Status.PUBLISHED,
                "host": chair if kind == K.OPEN_FORUM else None,
                "series": webinars if kind == K.WEBINAR else forums if kind == K.OPEN_FORUM else None,
                "recording_url": f"https://video.example.org/sig/{RECORDINGS[slug]}" if slug in RECORDINGS else "",
                "slides_url": f"https://slides.example.org/sig/{RECORDINGS[slug]}" if slug in RECORDINGS else "",
            },
        )
        if not created:
            continue
        created_count += 1
        if audience == A.ORGANISATIONS:
            event.organisations.set(Organisation.objects.filter(name__in=ORGANISATION_AUDIENCES[slug]))
        parts = 3 if kind == K.PROGRAMME else 1
        length = 7 if kind == K.CONFERENCE else 3 if kind == K.WORKSHOP else 1
        sessions = [
            Session.objects.create(
                event=event,
                title="",
                starts_at=_at(days + 7 * n, hour),
                ends_at=_at(days + 7 * n, hour) + timedelta(hours=length, minutes=30 if length == 1 else 0),
                join_url=join if fmt != F.IN_PERSON else "",
            )
            for n in range(parts)
        ]
        if kind == K.WEBINAR and days > 0:
            RegistrationQuestion.objects.create(
                event=event,
                label="Do you have any accessibility needs?",
                help_text="For example live captions.",
            )
        if slug == "workshop-alt-text":
            # 11 of 12 places taken: the page says "only a few places left".
            _register(event, people[:11], Registration.Status.CONFIRMED, _at(-5, 9))
        if days < 0:
            attendees = people[:5] + ([member] if member and slug != WATCHED_BY_MEMBER else [])
            _register(event, attendees, Registration.Status.CONFIRMED, _at(days - 10, 9))
            for registration in event.registrations.all():
                for session in sessions:
                    if session.starts_at <= timezone.now():  # attendance only for sessions that have started
                        Attendance.objects.get_or_create(registration=registration, session=session)

    # The four-session programme: 10 places, first come first served, all taken, and a waiting list.
    programme, created = Event.objects.get_or_create(
        slug=PROGRAMME_SLUG,
        defaults={
            "title": "Allyship in practice: a four-part programme",
            "kind": K.PROGRAMME,
            "summary": "Four online sessions; participants attend all four and make a pledge at the end.",
            "description": (
                "A programme in four parts for staff who want to act as allies to disabled colleagues and "
                "students.\n\n1. Listening\n2. Language\n3. Speaking up\n4. Your pledge\n\n"
                "**Please register only if you can attend all four sessions.** Places are first come, first "
                "served; when they are taken you can join the waiting list, and the first person on it gets "
                "the next free place automatically."
            ),
            "format": F.ONLINE,
            "audience": A.MEMBERS,
            "capacity": 10,
            "status": Event.Status.PUBLISHED,
            "host": chair,
        },
    )
    if created:
        created_count += 1
        for n, title in enumerate(["Listening", "Language", "Speaking up", "Your pledge"]):
            Session.objects.create(
                event=programme,
                title=title,
                starts_at=_at(14 + 7 * n, 14),
                ends_at=_at(14 + 7 * n, 14) + timedelta(hours=1, minutes=30),
                join_url=join,
            )
        RegistrationQuestion.objects.create(
            event=programme,
            label="Do you have any accessibility needs?",
            help_text="For example live captions, or breaks every 30 minutes.",
        )
        _register(programme, people[:10], Registration.Status.CONFIRMED, _at(-7, 9))
        _register(programme, people[10:13], Registration.Status.WAITING, _at(-6, 9))

    watched = Event.objects.filter(slug=WATCHED_BY_MEMBER).first()
    if member and watched:
        watched_at = watched.sessions.last().ends_at + timedelta(days=3)
        RecordingView.objects.get_or_create(user=member, event=watched, defaults={"first_watched_at": watched_at})

    if stdout is not None:
        stdout.write(f"Events: {created_count} demo event(s) created.")
    return created_count
