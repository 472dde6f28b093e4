"""
Demo data for the committee: a current committee with a vacant Co-Chair seat, a past Chair, an open call for
nominations with a few nominations, two finished elections (one by STV), a ranked election open now that the demo
member may vote in, and messages sent through the contact form (one handled, one waiting). Invented people only.
Safe to run again: everything is get_or_create, and each election is only run the first time.
"""

import datetime
import zoneinfo

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone

from members.committee.models import (
    Appointment,
    CallRole,
    CommitteeRole,
    ContactMessage,
    Election,
    Nomination,
    NominationAnswer,
    NominationCall,
    NominationQuestion,
)
from members.committee.services import appointments, elections, nominations
from members.demo import DEMO_PASSWORD
from members.models import AssociationMembership, User

LONDON = zoneinfo.ZoneInfo("Europe/London")

ROLES = [
    {
        "slug": "chair",
        "title": "Chair",
        "seats": 1,
        "order": 1,
        "is_main_contact": True,
        "permission_set": "chair",
        "description": "Leads the group, chairs the quarterly open forums and general meetings, and is "
        "the main "
        "contact for the association.",
    },
    {
        "slug": "co-chair",
        "title": "Co-Chair",
        "seats": 2,
        "order": 2,
        "permission_set": "communications",
        "description": "Shares the Chair's work: meetings, the programme of webinars, and speaking for the group.",
    },
    {
        "slug": "vice-chair",
        "title": "Vice chair",
        "seats": 1,
        "order": 3,
        "permission_set": "membership",
        "description": "Stands in for the Chair and looks after the group's sub-groups.",
    },
    {
        "slug": "events-leads",
        "title": "Events leads",
        "seats": 2,
        "order": 5,
        "permission_set": "events",
        "description": "Plan the programme of webinars and workshops, and look after speakers and recordings.",
    },
    {
        "slug": "officers",
        "title": "Officers",
        "seats": 3,
        "order": 4,
        # The demo's officer account holds this seat: the Chair's set (the widest) lets it try every admin page.
        # A real group gives each portfolio its own role and set (members/roles.py).
        "permission_set": "chair",
        "description": "Run events, the mailing list and membership, and represent members across the nations.",
    },
]

PEOPLE = {
    "chair": ("Aurelia Brackenbury", "aurelia.brackenbury@demo.sigportal.test"),
    "co_chair": ("Declan Ferriter", "declan.ferriter@demo.sigportal.test"),
    "vice_chair": ("Nkechi Holloway-Price", "nkechi.hollowayprice@demo.sigportal.test"),
    "officer2": ("Saoirse Lindqvist", "saoirse.lindqvist@demo.sigportal.test"),
    "past_chair": ("Gwilym Otterburn", "gwilym.otterburn@demo.sigportal.test"),
    "candidate1": ("Bartholomew Quayle", "bartholomew.quayle@demo.sigportal.test"),
    "candidate2": ("Priya Castellano", "priya.castellano@demo.sigportal.test"),
    "nominee1": ("Eilidh Marchbank", "eilidh.marchbank@demo.sigportal.test"),
    "nominee2": ("Tomasz Ridgewell", "tomasz.ridgewell@demo.sigportal.test"),
    "voter1": ("Harriet Oyelaran", "harriet.oyelaran@demo.sigportal.test"),
    "voter2": ("Rhodri Vasquez-Bell", "rhodri.vasquezbell@demo.sigportal.test"),
    "voter3": ("Morwenna Achterberg", "morwenna.achterberg@demo.sigportal.test"),
    "voter4": ("Kwabena Strachan", "kwabena.strachan@demo.sigportal.test"),
    "voter5": ("Ines Fairweather", "ines.fairweather@demo.sigportal.test"),
    "voter6": ("Callum Oduya", "callum.oduya@demo.sigportal.test"),
    "events1": ("Marisol Threlkeld", "marisol.threlkeld@demo.sigportal.test"),
    "events2": ("Oisin Wakefield-Ngata", "oisin.wakefieldngata@demo.sigportal.test"),
}

OPEN_CALL_TEXT = """
The committee has a vacant **Co-Chair** seat and an **Officer** seat. Terms are unpaid and last three years.

Make a separate nomination for each role you wish to stand for. Each nomination needs:

- a statement of at most 200 words about why you are standing and what you would bring;
- proof that you are a member of the association, individually or through an organisational member.

We want the committee to represent members across England, Northern Ireland, Scotland, Wales and the
Republic of
Ireland: nominations from outside the regions already represented are especially welcome.
"""

STV_CALL_TEXT = """
Nominations for two **Officer** seats for a three-year term. Four members stood, so members ranked them by single
transferable vote.
"""

CLOSED_CALL_TEXT = """
Nominations for the role of **Vice chair** for a three-year term. Three members stood, so members voted.
"""


def _person(key):
    name, email = PEOPLE[key]
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    AssociationMembership.objects.get_or_create(
        user=user,
        defaults={
            "kind": AssociationMembership.Kind.INDIVIDUAL,
            "status": AssociationMembership.Status.VERIFIED,
            "membership_number": f"M{100000 + user.pk}",
            "verified_at": _london(2024, 1, 8, 10, 0),
        },
    )
    return user


def _appoint(role, user, starts_on):
    existing = Appointment.objects.filter(role=role, user=user, starts_on=starts_on).first()
    if existing:
        return existing
    appointment = appointments.appointment_create(role=role, user=user, starts_on=starts_on, notes="Demo data.")
    return appointment


def _london(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def seed(stdout=None):
    roles = {}
    for spec in ROLES:
        spec = dict(spec)
        slug = spec.pop("slug")
        roles[slug], _ = CommitteeRole.objects.get_or_create(slug=slug, defaults=spec)

    today = timezone.localdate()
    officer = User.objects.get(email="officer@demo.sigportal.test")
    _appoint(roles["chair"], _person("chair"), datetime.date(2024, 4, 15))
    _appoint(roles["co-chair"], _person("co_chair"), datetime.date(2025, 4, 14))  # the other Co-Chair seat is vacant
    _appoint(roles["officers"], officer, datetime.date(2024, 4, 15))
    _appoint(roles["officers"], _person("officer2"), datetime.date(2024, 4, 15))
    # The previous Chair: a finished term, shown under "Past committees".
    _appoint(roles["chair"], _person("past_chair"), datetime.date(2021, 4, 15))

    _seed_closed_call(roles, officer)
    _seed_stv_call(roles, officer)
    _seed_open_call(roles, today)
    _seed_open_election(roles, officer)
    _seed_contact_messages(roles, officer)
    if stdout:
        stdout.write(
            "Committee: roles, appointments, an open call, two finished elections (one by STV), a ranked election "
            "open for voting, and messages to the committee."
        )


def _seed_open_call(roles, today):
    closes = timezone.localtime() + datetime.timedelta(days=21)
    closes = closes.replace(hour=12, minute=0, second=0, microsecond=0)
    call, _ = NominationCall.objects.get_or_create(
        slug="co-chair-and-officer-nominations",
        defaults={
            "title": "Call for nominations: Co-Chair and Officer",
            "description": OPEN_CALL_TEXT.strip(),
            "opens_at": timezone.now() - datetime.timedelta(days=7),
            "closes_at": closes,
        },
    )
    CallRole.objects.get_or_create(call=call, role=roles["co-chair"], defaults={"seats": 1})
    CallRole.objects.get_or_create(call=call, role=roles["officers"], defaults={"seats": 1})
    attend, _ = NominationQuestion.objects.get_or_create(
        call=call, text="Can you attend the quarterly general meeting online?", defaults={"order": 1}
    )
    region, _ = NominationQuestion.objects.get_or_create(
        call=call, text="Which nation or region are you based in?", defaults={"order": 2, "required": False}
    )
    entries = [
        (
            "nominee1",
            "co-chair",
            "I have run our staff development sub-group for two years and would like to help "
            "the group reach members in Scotland and Northern Ireland.",
            "Scotland",
        ),
        (
            "nominee2",
            "officers",
            "I coordinate digital accessibility training at a further education college and "
            "would look after our webinar programme.",
            "Wales",
        ),
        (
            "nominee1",
            "officers",
            "If I am not elected Co-Chair I would be glad to serve as an Officer.",
            "Scotland",
        ),
    ]
    for key, role_slug, text, where in entries:
        nomination, created = Nomination.objects.get_or_create(
            call=call,
            role=roles[role_slug],
            nominee=_person(key),
            defaults={"statement": text, "word_count": nominations.count_words(text)},
        )
        if created:
            NominationAnswer.objects.create(nomination=nomination, question=attend, answer="Yes")
            NominationAnswer.objects.create(nomination=nomination, question=region, answer=where)
    _seed_nomination_awaiting_membership_check(call, roles, attend)
    return call


def _seed_nomination_awaiting_membership_check(call, roles, attend):
    """A member not yet verified nominated themselves with a proof: officers verify it from the nomination's page."""
    email = "tamsin.oduya@demo.sigportal.test"
    member, created = User.objects.get_or_create(email=email, defaults={"name": "Tamsin Oduya"})
    if created:
        member.set_password(DEMO_PASSWORD)
        member.save()
    EmailAddress.objects.get_or_create(user=member, email=email, defaults={"verified": True, "primary": True})
    AssociationMembership.objects.get_or_create(
        user=member,
        defaults={
            "kind": AssociationMembership.Kind.INDIVIDUAL,
            "status": AssociationMembership.Status.UNVERIFIED,
            "membership_number": "ALTP-20417",
        },
    )
    text = "I keep the accounts of two local charities and would like to help the group plan its budget."
    nomination, created = Nomination.objects.get_or_create(
        call=call,
        role=roles["officers"],
        nominee=member,
        defaults={
            "statement": text,
            "word_count": nominations.count_words(text),
            "status": Nomination.Status.AWAITING_MEMBERSHIP,
            "proof_kind": Nomination.Proof.UPLOAD,
        },
    )
    if created:
        proof = b"%PDF-1.4\n%Demo membership card\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
        nomination.proof_file.save("membership-card.pdf", ContentFile(proof), save=True)
        NominationAnswer.objects.create(nomination=nomination, question=attend, answer="Yes")


def _seed_closed_call(roles, officer):
    call, _ = NominationCall.objects.get_or_create(
        slug="vice-chair-nominations-2025",
        defaults={
            "title": "Call for nominations: Vice chair 2025",
            "description": CLOSED_CALL_TEXT.strip(),
            "opens_at": _london(2025, 2, 3, 9, 0),
            "closes_at": _london(2025, 3, 17, 12, 0),
        },
    )
    CallRole.objects.get_or_create(call=call, role=roles["vice-chair"], defaults={"seats": 1})
    if Election.objects.filter(call=call).exists():
        return call
    statements = {
        "vice_chair": "I have organised our quarterly webinars for three years and want to support the sub-groups.",
        "candidate1": "I lead a learning technology team and would bring experience of running large events.",
        "candidate2": "I would focus on making our open forums welcoming to members who are new to the field.",
    }
    people = {}
    for key, text in statements.items():
        people[key], _ = Nomination.objects.get_or_create(
            call=call,
            role=roles["vice-chair"],
            nominee=_person(key),
            defaults={
                "statement": text,
                "word_count": nominations.count_words(text),
                "status": Nomination.Status.ACCEPTED,
                "reviewed_by": officer,
                "reviewed_at": _london(2025, 3, 18, 10, 0),
            },
        )
    for key in ("voter1", "voter2", "nominee1", "nominee2"):
        _person(key)
    election = elections.election_open(
        call=call,
        role=roles["vice-chair"],
        opens_at=_london(2025, 3, 24, 9, 0),
        closes_at=_london(2025, 4, 7, 12, 0),
        by=officer,
    )
    votes = {
        "vice_chair": ["vice_chair", "voter1", "voter2", "nominee1"],
        "candidate1": ["candidate1", "nominee2"],
        "candidate2": ["candidate2"],
    }
    for candidate, voters in votes.items():
        for key in voters:
            elections.ballot_cast(
                election=election,
                voter=_person(key),
                choice_ids=[people[candidate].pk],
                now=_london(2025, 3, 30, 12, 0),
            )
    elections.election_declare_winners(election=election, by=officer)
    nominations.nominations_appoint(
        nominations=[people["vice_chair"]], by=officer, starts_on=datetime.date(2025, 4, 14)
    )
    return call


# Fourteen ballots for two seats (quota 5): Idris is elected in round 1 and his surplus passes on, Priya is
# excluded in round 2, and her ballots elect Saoirse in round 3. Several rounds, so the published table shows
# every kind of step.
STV_BALLOTS = [
    (("officer", "officer2"), 6),
    (("officer2", "nominee2"), 3),
    (("nominee2", "officer2"), 2),
    (("candidate2", "officer2"), 2),
    (("nominee2", "officer"), 1),
]


def _seed_stv_call(roles, officer):
    call, _ = NominationCall.objects.get_or_create(
        slug="officer-nominations-2024",
        defaults={
            "title": "Call for nominations: Officers 2024",
            "description": STV_CALL_TEXT.strip(),
            "opens_at": _london(2024, 1, 15, 9, 0),
            "closes_at": _london(2024, 2, 26, 12, 0),
        },
    )
    CallRole.objects.get_or_create(call=call, role=roles["officers"], defaults={"seats": 2})
    if Election.objects.filter(call=call).exists():
        return call
    statements = {
        "officer": "I run the events team at a university library and would look after our webinar programme.",
        "officer2": "I would keep our membership records in order and welcome new members across the nations.",
        "nominee2": "I coordinate accessibility training and would make our events easier to join.",
        "candidate2": "I would start a mentoring scheme pairing new learning technologists with experienced ones.",
    }
    people = {}
    for key, text in statements.items():
        nominee = officer if key == "officer" else _person(key)
        people[key], _ = Nomination.objects.get_or_create(
            call=call,
            role=roles["officers"],
            nominee=nominee,
            defaults={
                "statement": text,
                "word_count": nominations.count_words(text),
                "status": Nomination.Status.ACCEPTED,
                "reviewed_by": officer,
                "reviewed_at": _london(2024, 2, 27, 10, 0),
            },
        )
    voters = [_person(key) for key in PEOPLE]
    election = elections.election_open(
        call=call,
        role=roles["officers"],
        method=Election.Method.RANKED,
        opens_at=_london(2024, 3, 4, 9, 0),
        closes_at=_london(2024, 3, 18, 12, 0),
        by=officer,
    )
    ballots = [ranking for ranking, times in STV_BALLOTS for _ in range(times)]
    for voter, ranking in zip(voters, ballots, strict=False):
        elections.ballot_cast(
            election=election,
            voter=voter,
            choice_ids=[people[key].pk for key in ranking],
            now=_london(2024, 3, 10, 12, 0),
        )
    elections.election_declare_winners(election=election, by=officer)
    return call


OPEN_ELECTION_CALL_TEXT = """
Nominations for two **Events leads** for a three-year term. Four members stood, so members rank them by single
transferable vote: the ballot is open now.
"""

# The open election's candidates and the ballots already cast (not the demo member's: they can vote).
OPEN_ELECTION_STATEMENTS = {
    "events1": "I have produced our captioned webinars for two years and would bring more speakers from colleges.",
    "events2": "I would run a hybrid conference each summer, with every session recorded and captioned.",
    "voter3": "I organise a regional network of learning technologists and would bring its workshops online.",
    "voter4": "I would make our events easier to find for members who are new to the field.",
}
OPEN_ELECTION_BALLOTS = [
    ("voter1", ("events1", "voter3")),
    ("voter2", ("events2", "events1", "voter4")),
    ("voter5", ("voter3", "events2")),
    ("voter6", ("events1",)),
]


def _seed_open_election(roles, officer):
    """A ranked election for two seats, open since yesterday and closing in ten days: the demo member can vote."""
    role = roles["events-leads"]
    # Round local times, as an officer would set them: 09:00 openings, noon deadlines.
    today = timezone.localtime().replace(second=0, microsecond=0)
    call, created = NominationCall.objects.get_or_create(
        slug="events-leads-nominations",
        defaults={
            "title": "Call for nominations: Events leads",
            "description": OPEN_ELECTION_CALL_TEXT.strip(),
            "opens_at": (today - datetime.timedelta(days=30)).replace(hour=9, minute=0),
            "closes_at": (today - datetime.timedelta(days=3)).replace(hour=12, minute=0),
        },
    )
    CallRole.objects.get_or_create(call=call, role=role, defaults={"seats": 2})
    if Election.objects.filter(call=call).exists():
        return call
    people = {}
    for key, text in OPEN_ELECTION_STATEMENTS.items():
        people[key], _ = Nomination.objects.get_or_create(
            call=call,
            role=role,
            nominee=_person(key),
            defaults={
                "statement": text,
                "word_count": nominations.count_words(text),
                "status": Nomination.Status.ACCEPTED,
                "reviewed_by": officer,
                "reviewed_at": today - datetime.timedelta(days=2),
            },
        )
    for key in ("voter1", "voter2", "voter5", "voter6"):
        _person(key)
    election = elections.election_open(
        call=call,
        role=role,
        method=Election.Method.RANKED,
        opens_at=(today - datetime.timedelta(days=1)).replace(hour=9, minute=0),
        closes_at=(today + datetime.timedelta(days=10)).replace(hour=12, minute=0),
        by=officer,
    )
    for voter, ranking in OPEN_ELECTION_BALLOTS:
        elections.ballot_cast(election=election, voter=_person(voter), choice_ids=[people[k].pk for k in ranking])
    return call


CONTACT_MESSAGES = [
    {
        "subject": "Speaking at the spring webinar",
        "name": "Wilhelmina Tarrant",
        "email": "w.tarrant@example.org",
        "role": "officers",
        "message": "I saw the call for speakers. Our team moved all lecture recordings to automatic captions with a "
        "human check, and I could talk for ten minutes about what that cost and what students said.",
        "handled": True,
        "note": "Replied with the speaker form; added to the shortlist for the spring webinar.",
    },
    {
        "subject": "Joining through my college",
        "name": "Percival Nwachukwu",
        "email": "p.nwachukwu@example.net",
        "role": "chair",
        "message": "My college is an organisational member of the association. Do I need my own membership number to "
        "vote in the group's elections, or is my work email enough?",
        "handled": False,
        "note": "",
    },
]


def _seed_contact_messages(roles, officer):
    """Two messages sent through the contact form: one an officer has handled, one still waiting."""
    for spec in CONTACT_MESSAGES:
        if ContactMessage.objects.filter(subject=spec["subject"], email=spec["email"]).exists():
            continue
        role = roles[spec["role"]]
        holders = [a.user.email for a in Appointment.objects.current().filter(role=role).select_related("user")]
        ContactMessage.objects.create(
            role=role,
            role_title=role.title,
            name=spec["name"],
            email=spec["email"],
            subject=spec["subject"],
            message=spec["message"],
            delivered_to=", ".join(holders),
            handled=spec["handled"],
            handled_by=officer if spec["handled"] else None,
            handled_at=timezone.now() - datetime.timedelta(days=1) if spec["handled"] else None,
            officer_note=spec["note"],
        )
