"""
Fill a PostgreSQL database with a large SIG, for the benchmarks: members, organisations, events with registrations
and waiting lists, forums with a long tail of topics and posts, the mailing list and its digest archive.

At --factor 1 it makes what a large group would have after a few years: 10,000 members, 300 organisations, 1,000
events with 30,000 registrations and waiting-list entries, 60 forums, 8,000 topics and 150,000 posts, 10,000
subscribers and 50 weekly digest issues. Every count scales with the factor (with minimums, so 0.01 is a small but
complete group). The same --seed and --factor give the same data: every choice comes from one random.Random(seed),
and times are placed relative to today's midnight UTC (so upcoming events stay upcoming on the day it runs).

How it fills: the site-level rows come from the demo seeders (the Site and About page, the principles, committee
roles and appointments, the demo forums and events; see sigportal/management/commands/seed_demo.py), then the bulk
is written with bulk_create in batches, never through the services (no mail is queued). One password hash is
computed once and shared by every generated member. Counters the services keep (a topic's post count and last post)
are set the way forums.services.topics.topic_refresh_stats sets them. Historical deliveries of the digest issues are
written in one INSERT ... SELECT per issue; announcements have none.

Two fixed accounts, both with the password printed in the manifest:
    bench-member@bench.sigportal.test   an ordinary verified member (principles accepted, listed in the directory,
                                        registered for events, subscribed to the weekly digest)
    bench-officer@bench.sigportal.test  an officer (holds a committee role: Officers group, admin access)

The manifest var/bench/<db>.json records the factor, seed, row counts, elapsed time and the page paths the page
benchmark hits. With --check the portal is served by gunicorn with production settings and each target is fetched
as a visitor and as the logged-in member, printing the status and X-Query-Count of each.

    .venv/bin/python bench/generate.py --db bench_gen_small --factor 0.01 --drop --check
    .venv/bin/python bench/generate.py --db bench_gen_large --factor 1 --drop
"""

import argparse
import bisect
import contextlib
import http.cookies
import itertools
import json
import math
import random
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST_DIR = ROOT / "var" / "bench"

MEMBER_EMAIL = "bench-member@bench.sigportal.test"
OFFICER_EMAIL = "bench-officer@bench.sigportal.test"
BENCH_PASSWORD = "bench-pass-2026-large-sig"

# The issue's figures for a large SIG (factor 1), and the least each may fall to at small factors.
BASE_COUNTS = {
    "members": 10_000,
    "organisations": 300,
    "events": 1_000,
    "registrations": 30_000,
    "forums": 60,
    "topics": 8_000,
    "posts": 150_000,
    "subscribers": 10_000,
    "digest_issues": 50,
    "announcements": 20,
}
MINIMUMS = {
    "members": 30,
    "organisations": 3,
    "events": 10,
    "registrations": 40,
    "forums": 4,
    "topics": 10,
    "posts": 0,  # see plan(): at least the long topic plus one post per topic
    "subscribers": 20,
    "digest_issues": 2,
    "announcements": 2,
}
LONG_TOPIC_POSTS = 500
BATCH = 5_000

# --------------------------------------------------------------------------------------------------------------------
# Word banks: every name is invented.
# --------------------------------------------------------------------------------------------------------------------


def _words(text):
    return text.split()


FIRST_NAMES = _words(
    """Abena Alaric Amira Anwen Arlo Astrid Bea Bryn Caio Carys Cillian Dara Delyth Eamon Elin Emrys Esme Ffion Finn
    Gaia Gwen Hamza Hana Idris Ilse Isla Jago Jun Kai Kamala Keir Lena Leif Lowri Mabli Mateo Mira Niamh Nye Odile
    Orla Osian Pia Priya Rafe Rhian Ronan Sana Seren Soren Tali Tam Tegan Teo Una Vida Wren Yara Zeb Zofia"""
)
SURNAMES = _words(
    """Abbott Achterberg Aldous Ashcombe Banerjee Blackthorn Bramhall Caddick Carrow Chaudhry Collister Danvers
    Dewhurst Drummond Eccleston Ellery Fairbairn Fenwick Galloway Gathercole Griffiths Halloran Heskett Holroyd
    Ibbotson Jarvie Kavanagh Kettering Lachlan Lindqvist Lloyd-Price Mabbott Marchetti McAteer Nakamura Northcott
    Oduya Okafor Pargeter Penrose Quarmby Rathbone Redfern Rowntree Sandford Selwyn Sherratt Tennant Thackeray
    Ulverston Vasquez Wainwright Whitcombe Yardley Zielinski"""
)
PLACES = _words(
    """Aberlow Ashby Ballymere Barrowden Caerwent Calderbrook Carnmoor Dunholt Eastwick Elmridge Fenbury Glenmark
    Greyhaven Harrowfield Hollins Inverbrae Kestle Kingsmere Larkhill Linmouth Marlowvale Meadowbank Northam Oakhurst
    Penmorva Queensbury Ravensworth Redmere Saltash Shawford Silverdale Stanmoor Thornbury Tullamore Upfield
    Wexcombe Whitford Wolverley Yarmouth Ystrad"""
)
ORGANISATION_KINDS = [
    "University",
    "College",
    "Further Education College",
    "Sixth Form College",
    "Institute of Technology",
    "Academy Trust",
    "Learning Ltd",
    "Digital Education Centre",
    "School of Nursing",
    "Adult Learning Service",
]
# Added to the demo data's own job titles and areas of expertise (members.demo), which a large group uses too.
MORE_JOB_TITLES = ["Instructional Designer", "Academic Skills Tutor", "Learning Designer", "E-learning Developer"]
MORE_EXPERTISE = [
    "online moderation",
    "podcasting",
    "simulation",
    "virtual reality",
    "digital literacy",
    "feedback at scale",
    "MOOCs",
    "gamification",
    "apprenticeships",
    "assistive technology",
    "captioning",
    "quality assurance",
    "student engagement",
    "peer assessment",
    "blended learning",
]
TOPIC_AREAS = [
    "Accessibility",
    "Assessment and feedback",
    "Learning design",
    "VLE administration",
    "Lecture capture",
    "Open educational resources",
    "Learning analytics",
    "AI in teaching",
    "Copyright",
    "Digital wellbeing",
    "Video production",
    "E-portfolios",
    "Staff development",
    "Apprenticeships",
    "Simulation",
    "Virtual reality",
    "Digital literacy",
    "Student engagement",
    "Blended learning",
    "Podcasting",
]
FORUM_FLAVOURS = ["", "help desk", "show and tell", "research", "news", "jobs and careers"]
THINGS = [
    "alt text",
    "lecture recordings",
    "the VLE gradebook",
    "rubrics",
    "e-portfolio templates",
    "captions",
    "quiz banks",
    "reading lists",
    "H5P activities",
    "discussion boards",
    "peer review",
    "generative AI",
    "learning outcomes",
    "staff training",
    "induction modules",
    "screen readers",
    "plagiarism checks",
    "accessibility statements",
    "virtual classrooms",
    "badges",
]
TITLE_PATTERNS = [
    "How do you handle {thing}?",
    "Looking for examples of {thing}",
    "{Thing}: what worked for us",
    "Advice needed on {thing}",
    "Has anyone evaluated {thing}?",
    "Sharing our guide to {thing}",
    "{Thing} in large cohorts",
    "Problems with {thing} after the upgrade",
    "Policy question about {thing}",
    "Quick poll: {thing}",
]
SENTENCES = [
    "We tried this with a first-year cohort last term and the feedback was mostly positive.",
    "Our accessibility team asked us to check every {thing} before the start of term.",
    "Has anyone found a way to make {thing} work for students using screen readers?",
    "I would be glad to share our templates if that helps anyone.",
    "The main problem was time: staff did not have enough of it to redesign {thing}.",
    "We ran two short workshops and recorded them for people who could not attend.",
    "It depends a lot on the subject; what works in nursing does not always work in engineering.",
    "Students told us they wanted clearer guidance on {thing}, so we wrote a one-page checklist.",
    "Our VLE vendor says a fix for {thing} is coming in the next release.",
    "I agree with the point about workload: it is the thing nobody budgets for.",
    "We piloted it with three course teams before rolling it out more widely.",
    "Thank you, this is really useful.",
    "Could you say a bit more about how you evaluated it?",
    "In my experience the biggest win was simply talking to students early.",
    "We moved {thing} into the induction week and saw far fewer support tickets.",
    "Has anyone written a business case for this? Our senior team wants numbers.",
    "The webinar recording on this topic is worth watching if you missed it.",
    "Our librarians have been brilliant partners on {thing}.",
]
EVENT_SUBJECTS = [
    "accessible video in practice",
    "live captioning that works",
    "writing good alt text",
    "digital accessibility regulations",
    "universal design for learning",
    "assessment in the age of AI",
    "designing inclusive online courses",
    "evaluating lecture capture",
    "e-portfolios for professional recognition",
    "learning analytics and student support",
    "open educational resources",
    "mentoring new learning technologists",
    "workload and wellbeing",
    "screen reader testing",
    "feedback at scale",
    "virtual reality in clinical teaching",
    "apprenticeship portfolios",
    "digital literacy for staff",
]
SERIES = [
    ("Accessibility clinics", "accessibility-clinics"),
    ("CPD webinars", "cpd-webinars"),
    ("Regional meet-ups", "regional-meet-ups"),
    ("Research seminars", "research-seminars"),
    ("Annual conference", "annual-conference"),
    ("New practitioners' programme", "new-practitioners-programme"),
]
VENUES = [
    "Kestrel Bay University, Library, Room G.12\n1 Example Road\nBristol BS1 1AA",
    "Thornmere College, Digital Hub\n2 Example Street\nLeeds LS1 1AA",
    "Glen Aird University, Teaching Centre\n3 Example Place\nGlasgow G1 1AA",
    "Ballinreen Institute of Technology, Room B201\nBallinreen\nCo. Example",
]
MAIL_DOMAINS = ["example.org", "example.net", "example.com", "mail.example.org", "post.example.net"]


# --------------------------------------------------------------------------------------------------------------------
# Sizes and time
# --------------------------------------------------------------------------------------------------------------------


def plan(factor):
    """How many of each thing to make at this size factor (the issue's figures times the factor, with minimums)."""
    if factor <= 0:
        raise ValueError("The factor must be positive.")
    counts = {name: max(round(base * factor), MINIMUMS[name]) for name, base in BASE_COUNTS.items()}
    counts["posts"] = max(counts["posts"], LONG_TOPIC_POSTS + counts["topics"] - 1)
    return counts


def anchor_for(now=None):
    """Today's midnight UTC: every generated time is placed relative to it, so one day's runs are identical."""
    now = now or datetime.now(UTC)
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _long_tail(rng, n, total, minimum=1, cap=None, alpha=1.1):
    """Split `total` over `n` bins with a Zipf-like long tail (a few very large, many small), in random order."""
    weights = [1 / (rank + 1) ** alpha for rank in range(n)]
    rng.shuffle(weights)
    spare = max(total - minimum * n, 0)
    scale = spare / sum(weights)
    sizes = [minimum + math.floor(w * scale) for w in weights]
    if cap is not None:
        sizes = [min(s, cap) for s in sizes]
    # Hand out what rounding (and the cap) left over, one at a time, to bins that still have room.
    left = total - sum(sizes)
    order = list(range(n))
    rng.shuffle(order)
    for i in itertools.cycle(order):
        if left <= 0:
            break
        if cap is None or sizes[i] < cap:
            sizes[i] += 1
            left -= 1
        elif all(s >= cap for s in sizes):
            break
    return sizes


class Weighted:
    """Pick items with fixed weights in O(log n) (random.choices re-sums the weights on every call)."""

    def __init__(self, items, weights):
        self.items = items
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _bulk(model, objects, batch_size=BATCH):
    return model.objects.bulk_create(objects, batch_size=batch_size)


# --------------------------------------------------------------------------------------------------------------------
# The fill
# --------------------------------------------------------------------------------------------------------------------


def counted_models():
    from allauth.account.models import EmailAddress

    from events.models import Attendance, Event, Registration, Series, Session
    from forums.models import Forum, Post, Topic, TopicWatch
    from members.mailing.models import Announcement, Delivery, DigestIssue, Subscriber
    from members.models import AssociationMembership, Organisation, PrinciplesAcceptance, Profile, TaggedExpertise, User

    return [
        User,
        EmailAddress,
        Profile,
        TaggedExpertise,
        Organisation,
        AssociationMembership,
        PrinciplesAcceptance,
        Series,
        Event,
        Session,
        Registration,
        Attendance,
        Forum,
        Topic,
        Post,
        TopicWatch,
        Subscriber,
        DigestIssue,
        Delivery,
        Announcement,
    ]


def row_counts():
    """Rows per model (label: count) for the models the generator fills."""
    return {model._meta.label: model.objects.count() for model in counted_models()}


def fill(*, factor=1.0, seed=2026, now=None, log=None):
    """
    Fill the (migrated, configured) default database with a SIG of this size, in one transaction.

    Returns a dict: the row counts in the database, the rows the bulk fill added on top of the demo seeders'
    site-level rows ("generated"), the page targets, and the seconds it took. `now` (default: the real time) fixes
    the day the data is placed around: the same seed, factor and day give the same data.
    """
    from django.db import transaction

    log = log or (lambda message: None)
    started = time.monotonic()
    generator = _Generator(factor=factor, seed=seed, now=now or datetime.now(UTC), log=log)
    with transaction.atomic():
        generator.site()
        generator.step("site (demo seeders)")
        before = row_counts()
        generator.bulk()
    after = row_counts()
    return {
        "factor": factor,
        "seed": seed,
        "anchor": generator.anchor.isoformat(),
        "counts": after,
        "generated": {label: after[label] - before[label] for label in after},
        "targets": targets(),
        "elapsed_seconds": round(time.monotonic() - started, 1),
    }


class _Generator:
    def __init__(self, *, factor, seed, now, log):
        self.factor = factor
        self.rng = random.Random(seed)
        self.now = now
        self.anchor = anchor_for(now)
        self.log = log
        self.sizes = plan(factor)
        self.step_started = time.monotonic()

    def step(self, name):
        now = time.monotonic()
        self.log(f"  {name:<28} {now - self.step_started:6.1f} s")
        self.step_started = now

    def bulk(self):
        self.people()
        self.step("members and organisations")
        self.events()
        self.step("events and registrations")
        self.forums()
        self.step("forums, topics and posts")
        self.mailing()
        self.step("mailing list and digests")

    # --- site-level rows: the demo seeders (idempotent) ------------------------------------------------------------

    def site(self):
        from django.utils.module_loading import import_string

        from members.principles import current_principles
        from sigportal.management.commands.seed_demo import DEMO_SEEDERS

        # The demo mailing list is left out: its two issues would take the numbers 1 and 2 of the digest archive
        # this generator writes for the past year. Everything else the pages rely on comes from the demo.
        for path in DEMO_SEEDERS:
            if path != "members.mailing.demo.seed":
                import_string(path)()
        self.principles = current_principles()

    # --- members, profiles, organisations, association membership -----------------------------------------------

    def people(self):
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password
        from django.utils.text import slugify

        from members.models import (
            AssociationMembership,
            ExpertiseTag,
            Organisation,
            PrinciplesAcceptance,
            Profile,
            Region,
            TaggedExpertise,
            User,
        )

        rng, anchor = self.rng, self.anchor
        password = make_password(BENCH_PASSWORD)  # computed once: hashing 10,000 passwords would take hours

        names = [f"{place} {kind}" for place in PLACES for kind in ORGANISATION_KINDS]
        rng.shuffle(names)
        existing = set(Organisation.objects.values_list("name", flat=True))
        names = [n for n in names if n not in existing]
        while len(names) < self.sizes["organisations"]:
            names.append(f"{rng.choice(PLACES)} Learning Partnership {len(names)}")
        organisations = []
        for name in names[: self.sizes["organisations"]]:
            domain = slugify(name.split(" ")[0]) + rng.choice([".ac.uk", ".ac.uk", ".ac.uk", ".ie", ".example"])
            organisations.append(
                Organisation(
                    name=name,
                    is_association_member=rng.random() < 0.35,
                    email_domains=domain,
                    trust_email_domains=rng.random() < 0.2,
                )
            )
        self.organisations = _bulk(Organisation, organisations)
        org_picker = Weighted(self.organisations, _long_tail(rng, len(self.organisations), 10_000, minimum=1))

        users, used = [], set(User.objects.values_list("email", flat=True))
        user_orgs = []
        for i in range(self.sizes["members"]):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            organisation = org_picker.pick(rng) if rng.random() < 0.85 else None
            domain = organisation.email_domains if organisation else rng.choice(MAIL_DOMAINS)
            local = slugify(f"{first}.{last}").replace("-", "") or f"member{i}"
            email = f"{local}@{domain}"
            n = 1
            while email in used:
                n += 1
                email = f"{local}{n}@{domain}"
            used.add(email)
            users.append(
                User(
                    email=email,
                    name=f"{first} {last}",
                    password=password,
                    is_active=rng.random() > 0.01,
                    time_zone=rng.choice(["", "", "", "", "", "", "Europe/Dublin", "America/Toronto", "Asia/Kolkata"]),
                    date_joined=anchor - timedelta(days=rng.uniform(1, 5 * 365)),
                )
            )
            user_orgs.append(organisation)
        member = User(email=MEMBER_EMAIL, name="Bench Member", password=password, date_joined=anchor - timedelta(400))
        officer = User(
            email=OFFICER_EMAIL, name="Bench Officer", password=password, date_joined=anchor - timedelta(days=900)
        )
        users = _bulk(User, [*users, member, officer])
        self.member, self.officer = users[-2], users[-1]
        self.users = users[:-2]
        user_orgs += [self.organisations[0], None]

        _bulk(
            EmailAddress,
            [
                EmailAddress(
                    user=u,
                    email=u.email,
                    primary=True,
                    verified=u.email in (MEMBER_EMAIL, OFFICER_EMAIL) or i % 50 != 0,  # a few never confirmed
                )
                for i, u in enumerate(users)
            ],
        )

        # Who has accepted the current principles: nearly everyone who has been around (the bench accounts too).
        accepted = [u for u in self.users if u.is_active and rng.random() < 0.9]
        self.accepted = accepted  # the people who post and register
        _bulk(
            PrinciplesAcceptance,
            [PrinciplesAcceptance(user=u, version=self.principles) for u in [*accepted, self.member, self.officer]],
        )

        from members import demo

        expertise = [*demo.EXPERTISE, *MORE_EXPERTISE]
        job_titles = [*demo.JOB_TITLES, *MORE_JOB_TITLES]
        tags = []
        for name in expertise:
            tag, _ = ExpertiseTag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
            tags.append(tag)
        tag_picker = Weighted(tags, _long_tail(rng, len(tags), 1000))
        regions = [value for value, _ in Region.choices]
        profiles = []
        for user, organisation in zip(users, user_orgs, strict=True):
            bench = user.email in (MEMBER_EMAIL, OFFICER_EMAIL)
            if not bench and rng.random() > 0.7:
                continue
            job = rng.choice(job_titles)
            profiles.append(
                Profile(
                    user=user,
                    pronouns=rng.choice(["she/her", "he/him", "they/them", "", ""]),
                    job_title=job,
                    organisation=organisation,
                    region=rng.choice(regions),
                    bio=f"I work as a {job.lower()} and am happy to talk about **{rng.choice(expertise)}** "
                    f"with anyone starting out."
                    if rng.random() < 0.8
                    else "",
                    website=f"https://{slugify(user.name)}.example" if rng.random() < 0.3 else "",
                    show_in_directory=bench or rng.random() < 0.6,
                    share_organisation=rng.random() < 0.85,
                    share_region=rng.random() < 0.9,
                )
            )
        profiles = _bulk(Profile, profiles)
        tagged = []
        for profile in profiles:
            chosen = []
            for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4])):
                tag = tag_picker.pick(rng)
                if tag not in chosen:
                    chosen.append(tag)
            if profile.user_id == self.member.pk and not chosen:
                chosen = [tags[0]]
            tagged += [TaggedExpertise(content_object=profile, tag=tag) for tag in chosen]
        _bulk(TaggedExpertise, tagged)

        memberships = []
        for user, organisation in zip(users, user_orgs, strict=True):
            if user.pk == self.member.pk:
                kind, status = AssociationMembership.Kind.INDIVIDUAL, AssociationMembership.Status.VERIFIED
            elif rng.random() < 0.4:
                org_member = organisation is not None and organisation.is_association_member
                kind = (
                    AssociationMembership.Kind.ORGANISATIONAL if org_member else AssociationMembership.Kind.INDIVIDUAL
                )
                status = rng.choice(["verified"] * 8 + ["unverified", "rejected"])
            else:
                continue
            verified = status == AssociationMembership.Status.VERIFIED
            memberships.append(
                AssociationMembership(
                    user=user,
                    kind=kind,
                    organisation=organisation if kind == AssociationMembership.Kind.ORGANISATIONAL else None,
                    membership_number=f"M{100000 + user.pk}" if kind == AssociationMembership.Kind.INDIVIDUAL else "",
                    status=status,
                    verified_at=anchor - timedelta(days=rng.randint(1, 700)) if verified else None,
                    expires_on=(anchor + timedelta(days=rng.randint(-60, 700))).date() if verified else None,
                    rejection_reason="No record of this membership number." if status == "rejected" else "",
                )
            )
        _bulk(AssociationMembership, memberships)
        self._appoint_officer()

    def _appoint_officer(self):
        from django.contrib.auth.models import Group

        from members.committee.errors import CommitteeError
        from members.committee.models import CommitteeRole
        from members.committee.services.appointments import appointment_create
        from members.roles import OFFICERS_GROUP

        role = CommitteeRole.objects.filter(slug="officers").first()
        if role is not None:
            # If every seat is taken, the group and admin access below still make them an officer.
            with contextlib.suppress(CommitteeError):
                appointment_create(role=role, user=self.officer, starts_on=(self.anchor - timedelta(days=200)).date())
        self.officer.is_staff = True
        self.officer.save(update_fields=["is_staff"])
        self.officer.groups.add(Group.objects.get(name=OFFICERS_GROUP))

    # --- events, sessions, registrations, waiting lists, attendance ---------------------------------------------

    def events(self):
        from django.utils.text import slugify

        from events.models import Attendance, Event, Registration, RegistrationQuestion, Series, Session

        rng, anchor = self.rng, self.anchor
        series = []
        for name, slug in SERIES:
            series.append(Series.objects.get_or_create(slug=slug, defaults={"name": name})[0])
        kinds = [
            (Event.Kind.WEBINAR, 30),
            (Event.Kind.CPD_WEBINAR, 15),
            (Event.Kind.WORKSHOP, 20),
            (Event.Kind.OPEN_FORUM, 10),
            (Event.Kind.GENERAL_MEETING, 8),
            (Event.Kind.CONFERENCE, 5),
            (Event.Kind.PROGRAMME, 4),
        ]
        kind_picker = Weighted([k for k, _ in kinds], [w for _, w in kinds])
        hosts = self.users[:50]
        n = self.sizes["events"]
        n_upcoming = max(3, round(n * 0.15))
        plans = []
        for i in range(n):
            upcoming = i < n_upcoming
            kind = kind_picker.pick(rng)
            if i == 0:
                kind = Event.Kind.WEBINAR  # the page benchmark's event: public, upcoming, full with a waiting list
            days = rng.randint(1, 180) if upcoming else -rng.randint(2, 5 * 365)
            fmt = rng.choice([Event.Format.ONLINE] * 6 + [Event.Format.IN_PERSON] * 2 + [Event.Format.HYBRID])
            if kind == Event.Kind.CONFERENCE:
                fmt = Event.Format.HYBRID
            audience = rng.choice(
                [Event.Audience.EVERYONE] * 6
                + [Event.Audience.MEMBERS] * 2
                + [Event.Audience.ASSOCIATION_MEMBERS, Event.Audience.ORGANISATIONS]
            )
            status = Event.Status.PUBLISHED
            roll = rng.random()
            if roll < 0.03:
                status = Event.Status.CANCELLED
            elif roll < 0.05 and upcoming:
                status = Event.Status.DRAFT
            if i == 0:
                audience, status = Event.Audience.EVERYONE, Event.Status.PUBLISHED
            capacity = rng.choice([None, None, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200])
            if kind == Event.Kind.PROGRAMME:
                capacity = rng.choice([10, 12, 15, 20])
            if i == 0:
                capacity = max(10, round(60 * min(self.factor, 1)))
            subject = rng.choice(EVENT_SUBJECTS)
            title = f"{Event.Kind(kind).label}: {subject} ({i + 1})"
            hour = rng.choice([9, 10, 12, 13, 14, 15, 16])
            start = anchor + timedelta(days=days, hours=hour)
            parts = rng.choice([3, 4]) if kind == Event.Kind.PROGRAMME else 1
            length = (
                timedelta(hours=7)
                if kind == Event.Kind.CONFERENCE
                else timedelta(hours=3)
                if kind == Event.Kind.WORKSHOP
                else timedelta(hours=1, minutes=30)
            )
            plans.append(
                {
                    "event": Event(
                        title=title,
                        slug=slugify(title)[:200],
                        kind=kind,
                        series=rng.choice(series) if rng.random() < 0.6 else None,
                        summary=f"A {Event.Kind(kind).label.lower()} on {subject}, with time for questions.",
                        description=f"We look at **{subject}** with practitioners who have done it.\n\n"
                        + " ".join(rng.choice(SENTENCES).format(thing=rng.choice(THINGS)) for _ in range(3)),
                        host=rng.choice(hosts) if rng.random() < 0.5 else None,
                        format=fmt,
                        venue=rng.choice(VENUES) if fmt != Event.Format.ONLINE else "",
                        capacity=capacity,
                        audience=audience,
                        status=status,
                        cancelled_at=start - timedelta(days=5) if status == Event.Status.CANCELLED else None,
                        recording_url=f"https://video.example.org/sig/{i}"
                        if not upcoming and kind in (Event.Kind.WEBINAR, Event.Kind.CPD_WEBINAR)
                        else "",
                    ),
                    "sessions": [
                        (start + timedelta(days=7 * k), start + timedelta(days=7 * k) + length) for k in range(parts)
                    ],
                    "upcoming": upcoming,
                }
            )
        events = _bulk(Event, [p["event"] for p in plans])
        for p, event in zip(plans, events, strict=True):
            p["event"] = event
        orgs = self.organisations[:20]
        through = Event.organisations.through
        _bulk(
            through,
            [
                through(event_id=p["event"].pk, organisation_id=org.pk)
                for p in plans
                if p["event"].audience == Event.Audience.ORGANISATIONS
                for org in rng.sample(orgs, min(3, len(orgs)))
            ],
        )
        sessions = _bulk(
            Session,
            [
                Session(
                    event=p["event"],
                    title=f"Part {k + 1}" if len(p["sessions"]) > 1 else "",
                    starts_at=starts,
                    ends_at=ends,
                    join_url=f"https://meet.example.org/sig/{p['event'].pk}" if p["event"].is_online else "",
                )
                for p in plans
                for k, (starts, ends) in enumerate(p["sessions"])
            ],
        )
        sessions_by_event = {}
        for session in sessions:
            sessions_by_event.setdefault(session.event_id, []).append(session)
        _bulk(
            RegistrationQuestion,
            [
                RegistrationQuestion(event=p["event"], label="Do you have any accessibility needs?")
                for p in plans
                if p["upcoming"] and p["event"].kind in (Event.Kind.WEBINAR, Event.Kind.PROGRAMME)
            ],
        )

        people = self.accepted
        demand = self._demand([p["event"].capacity for p in plans], len(people))
        registrations = []
        for p, wanted in zip(plans, demand, strict=True):
            event = p["event"]
            first_start = p["sessions"][0][0]
            opens = first_start - timedelta(days=rng.randint(20, 60))
            closes = min(first_start, anchor) - timedelta(minutes=5)
            if closes <= opens:
                opens = closes - timedelta(days=30)
            cancelled = round(wanted * 0.04)
            chosen = rng.sample(people, min(wanted + cancelled, len(people)))
            moments = sorted(opens + (closes - opens) * rng.random() for _ in chosen)
            active, gone = chosen[: len(chosen) - cancelled], chosen[len(chosen) - cancelled :]
            for position, user in enumerate(active):
                full = event.capacity is not None and position >= event.capacity
                registrations.append(
                    Registration(
                        event=event,
                        user=user,
                        status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
                        queued_at=moments[position],
                        confirmed_all_sessions=True,
                    )
                )
            for k, user in enumerate(gone):
                when = moments[len(active) + k]
                registrations.append(
                    Registration(
                        event=event,
                        user=user,
                        status=Registration.Status.CANCELLED,
                        queued_at=when,
                        cancelled_at=min(when + timedelta(days=2), closes),
                        confirmed_all_sessions=True,
                    )
                )
        # The bench member: confirmed for a few upcoming and past events with unlimited places, and
        # on the waiting list of the full event the page benchmark opens.
        taken = {(r.event_id, r.user_id) for r in registrations if r.status != Registration.Status.CANCELLED}
        published = [p for p in plans if p["event"].status == Event.Status.PUBLISHED and p["event"].capacity is None]
        mine = [p for p in published if p["upcoming"]][:3] + [p for p in published if not p["upcoming"]][:3]
        for p in mine:
            if (p["event"].pk, self.member.pk) not in taken:
                registrations.append(
                    Registration(
                        event=p["event"],
                        user=self.member,
                        status=Registration.Status.CONFIRMED,
                        queued_at=min(anchor, p["sessions"][0][0]) - timedelta(days=3),
                        confirmed_all_sessions=True,
                    )
                )
        full = plans[0]["event"]
        if (full.pk, self.member.pk) not in taken:
            registrations.append(
                Registration(
                    event=full,
                    user=self.member,
                    status=Registration.Status.WAITING,
                    queued_at=anchor - timedelta(minutes=1),
                    confirmed_all_sessions=True,
                )
            )
        registrations = _bulk(Registration, registrations)

        # Attendance at past events: most of the people with a place came to each session.
        upcoming_ids = {p["event"].pk for p in plans if p["upcoming"]}
        attendances = [
            Attendance(registration=r, session=s)
            for r in registrations
            if r.status == Registration.Status.CONFIRMED
            and r.event_id not in upcoming_ids
            and r.event.status == Event.Status.PUBLISHED
            for s in sessions_by_event[r.event_id]
            if rng.random() < 0.75
        ]
        _bulk(Attendance, attendances)
        self.event_plans = plans

    def _demand(self, capacities, people):
        """
        How many people ask for a place at each event: a long tail, so popular events are full. A waiting list
        grows to at most about a third of the places (people stop queueing for a hopeless list); the demand it
        turns away goes to events with places left, the unlimited ones first.
        """
        rng = self.rng
        demand = _long_tail(rng, len(capacities), self.sizes["registrations"], minimum=1, cap=people)
        first = capacities[0]  # the page benchmark's event: full, with a waiting list
        demand[0] = max(demand[0], first + max(3, round(first * 0.3)))
        limits = [people if c is None else min(people, c + max(3, round(c * 0.3))) for c in capacities]
        overflow = 0
        for i, limit in enumerate(limits):
            if demand[i] > limit:
                overflow += demand[i] - limit
                demand[i] = limit
        for room in (
            [i for i, c in enumerate(capacities) if c is None],
            [i for i, c in enumerate(capacities) if c is not None],
        ):
            rng.shuffle(room)
            while overflow > 0 and room:
                share = max(1, overflow // len(room))
                still = []
                for i in room:
                    ceiling = limits[i] if capacities[i] is None else capacities[i]
                    add = min(share, ceiling - demand[i], overflow)
                    if add > 0:
                        demand[i] += add
                        overflow -= add
                    if demand[i] < ceiling:
                        still.append(i)
                room = still
        return demand

    # --- forums, topics, posts --------------------------------------------------------------------------------

    def forums(self):
        from django.db.models import Count, F, OuterRef, Q, Subquery
        from django.utils.text import slugify

        from forums.models import RESERVED_FORUM_SLUGS, Forum, Post, Status, Topic, TopicWatch

        rng, anchor = self.rng, self.anchor
        taken_slugs = set(Forum.objects.values_list("slug", flat=True)) | RESERVED_FORUM_SLUGS
        names = [f"{area}: {flavour}" if flavour else area for flavour in FORUM_FLAVOURS for area in TOPIC_AREAS]
        forums = []
        for i in range(self.sizes["forums"]):
            name = names[i] if i < len(names) else f"{rng.choice(TOPIC_AREAS)} {i}"
            slug, k = slugify(name)[:55], 1
            while slug in taken_slugs:
                k += 1
                slug = f"{slugify(name)[:50]}-{k}"
            taken_slugs.add(slug)
            roll = rng.random()
            visibility = (
                Forum.Visibility.PUBLIC
                if roll < 0.8 or i < 2
                else Forum.Visibility.MEMBERS
                if roll < 0.95
                else Forum.Visibility.COMMITTEE
            )
            forums.append(
                Forum(
                    name=name,
                    slug=slug,
                    description=f"Questions, answers and shared practice on {name.lower()}.",
                    order=100 + i,
                    visibility=visibility,
                    allow_anonymous=visibility == Forum.Visibility.MEMBERS and rng.random() < 0.5,
                    topics_need_approval=rng.random() < 0.05,
                )
            )
        forums = _bulk(Forum, forums)
        public = [f for f in forums if f.visibility == Forum.Visibility.PUBLIC]

        n_topics = self.sizes["topics"]
        per_forum = _long_tail(rng, len(forums), n_topics - 1, minimum=0, alpha=1.0)
        topic_forums = [forum for forum, count in zip(forums, per_forum, strict=True) for _ in range(count)]
        rng.shuffle(topic_forums)
        long_forum = rng.choice(public)
        topic_forums.insert(rng.randrange(len(topic_forums) + 1), long_forum)
        long_index = None
        # Posts per topic: one long topic of exactly LONG_TOPIC_POSTS, a long tail for the rest (capped well below).
        rest = _long_tail(rng, n_topics - 1, self.sizes["posts"] - LONG_TOPIC_POSTS, minimum=1, cap=300, alpha=0.9)
        authors = Weighted(self.accepted, _long_tail(rng, len(self.accepted), 100 * len(self.accepted), minimum=1))
        used_slugs = set(Topic.objects.values_list("slug", flat=True))

        topics, topic_posts = [], []
        for i, forum in enumerate(topic_forums):
            is_long = forum is long_forum and long_index is None
            if is_long:
                long_index = i
            count = LONG_TOPIC_POSTS if is_long else rest.pop()
            thing = rng.choice(THINGS)
            pattern = rng.choice(TITLE_PATTERNS)
            title = pattern.format(thing=thing, Thing=thing[0].upper() + thing[1:])
            if is_long:
                title = f"The big thread: {thing} across our institutions"
            base = slugify(title)[:80].strip("-") or "topic"
            slug, k = base, 1
            while slug in used_slugs:
                k += 1
                slug = f"{base}-{k}"
            used_slugs.add(slug)
            # When it started and how its posts spread out: older topics are mostly quiet now.
            age = timedelta(days=120) if is_long else timedelta(days=rng.uniform(1, 3 * 365))
            created = anchor - age
            times = [created]
            span = (age - timedelta(hours=1)) / max(count, 1)
            for _ in range(count - 1):
                times.append(times[-1] + span * rng.uniform(0.05, 1.0))
            starter = authors.pick(rng)
            anonymous = forum.allow_anonymous and rng.random() < 0.2
            first_status = Status.VISIBLE
            if not is_long and (forum.topics_need_approval and rng.random() < 0.1 or rng.random() < 0.003):
                first_status = Status.PENDING
            posts = []
            for k, when in enumerate(times):
                author = starter if k == 0 else authors.pick(rng)
                status = first_status if k == 0 else Status.VISIBLE
                if k and not is_long:
                    roll = rng.random()
                    status = Status.HIDDEN if roll < 0.005 else Status.PENDING if roll < 0.008 else Status.VISIBLE
                posts.append(
                    Post(
                        author=author,
                        is_anonymous=anonymous if k == 0 else forum.allow_anonymous and rng.random() < 0.1,
                        body=self._body(thing),
                        status=status,
                        status_reason=""
                        if status == Status.VISIBLE
                        else "Hidden by a moderator: personal remarks."
                        if status == Status.HIDDEN
                        else "A new member's first posts are approved by a moderator before others see them.",
                        created_at=when,
                    )
                )
            topics.append(
                Topic(
                    forum=forum,
                    title=title,
                    slug=slug,
                    author=starter,
                    is_anonymous=anonymous,
                    status=first_status,
                    pinned=rng.random() < 0.01,
                    locked=rng.random() < 0.01,
                    created_at=created,
                    last_post_at=times[-1],
                )
            )
            topic_posts.append(posts)
        topics = _bulk(Topic, topics)
        self.long_topic = topics[long_index]

        def chunks():
            batch = []
            for topic, posts in zip(topics, topic_posts, strict=True):
                for post in posts:
                    post.topic = topic
                    batch.append(post)
                if len(batch) >= BATCH:
                    yield batch
                    batch = []
            if batch:
                yield batch

        for batch in chunks():
            Post.objects.bulk_create(batch, batch_size=BATCH)

        # The counters topic_refresh_stats keeps, for every new topic in one statement each.
        visible = Post.objects.filter(topic=OuterRef("pk"), status=Status.VISIBLE)
        new_topics = Topic.objects.filter(pk__gte=topics[0].pk, pk__lte=topics[-1].pk)
        new_topics.update(
            post_count=Subquery(
                visible.order_by().values("topic").annotate(n=Count("pk")).values("n")[:1],
            ),
            last_post=Subquery(visible.order_by("-created_at", "-id").values("pk")[:1]),
        )
        new_topics.filter(post_count__isnull=True).update(post_count=0)
        new_topics.update(last_post_at=Subquery(Post.objects.filter(pk=OuterRef("last_post")).values("created_at")[:1]))
        new_topics.filter(Q(last_post__isnull=True) | Q(last_post_at__isnull=True)).update(last_post_at=F("created_at"))
        # Writing in a topic watches it (forums.services does so for every author): the digest's "replies in topics
        # you watch" and the reply notifications read these.
        watched = sorted(
            {(post.author_id, topic.pk) for topic, posts in zip(topics, topic_posts, strict=True) for post in posts}
        )
        TopicWatch.objects.bulk_create(
            (TopicWatch(member_id=member, topic_id=topic, created_at=anchor) for member, topic in watched),
            batch_size=BATCH,
        )
        self.topics = topics
        self.topic_posts = topic_posts

    def _body(self, thing):
        rng = self.rng
        sentences = [rng.choice(SENTENCES).format(thing=thing) for _ in range(rng.choice([1, 2, 2, 3, 3, 4, 6]))]
        body = " ".join(sentences)
        roll = rng.random()
        if roll < 0.1:
            body += f"\n\n- {rng.choice(THINGS)}\n- {rng.choice(THINGS)}\n- {rng.choice(THINGS)}"
        elif roll < 0.15:
            body += f"\n\nOur notes are at https://{rng.choice(MAIL_DOMAINS)}/notes/{rng.randint(1, 999)}"
        elif roll < 0.25:
            body = f"**{thing.capitalize()}** matters here. " + body
        return body

    # --- mailing list: subscribers, announcements, weekly digest issues and their deliveries -----------------

    def mailing(self):
        from django.db import connection
        from django.urls import reverse

        from events.models import Event
        from forums.models import Forum, Status
        from members.mailing.digest import DigestItem, DigestSection
        from members.mailing.models import Announcement, Delivery, DigestIssue, Subscriber

        rng, anchor = self.rng, self.anchor
        existing = {e.lower() for e in Subscriber.objects.values_list("email", flat=True)}
        n = self.sizes["subscribers"]
        linked = [u for u in self.users if u.email.lower() not in existing]
        linked = rng.sample(linked, min(round(n * 0.6), len(linked)))
        subscribers = []
        statuses = [Subscriber.Status.ACTIVE] * 85 + [Subscriber.Status.PENDING] * 5
        statuses += [Subscriber.Status.UNSUBSCRIBED] * 7 + [Subscriber.Status.BOUNCING] * 3
        frequencies = [Subscriber.Frequency.WEEKLY] * 6 + [Subscriber.Frequency.DAILY] * 2
        frequencies += [Subscriber.Frequency.ANNOUNCEMENTS] * 2
        used = set(existing)
        for i in range(n):
            if i < len(linked):
                user, email = linked[i], linked[i].email
            else:
                user = None
                first, last = rng.choice(FIRST_NAMES).lower(), rng.choice(SURNAMES).lower().replace("-", "")
                email = f"{first}.{last}{i}@{rng.choice(MAIL_DOMAINS)}"
            used.add(email.lower())
            status = rng.choice(statuses)
            created = anchor - timedelta(days=rng.uniform(1, 3 * 365))
            subscribers.append(
                Subscriber(
                    email=email,
                    user=user,
                    status=status,
                    frequency=rng.choice(frequencies),
                    created_at=created,
                    confirmation_sent_at=created,
                    confirmed_at=None if status == Subscriber.Status.PENDING else created + timedelta(minutes=20),
                    unsubscribed_at=min(created + timedelta(days=30), anchor)
                    if status == Subscriber.Status.UNSUBSCRIBED
                    else None,
                    hard_bounce_count=3 if status == Subscriber.Status.BOUNCING else 0,
                    last_bounce_at=min(created + timedelta(days=60), anchor)
                    if status == Subscriber.Status.BOUNCING
                    else None,
                    disabled_reason="The address bounced three times." if status == Subscriber.Status.BOUNCING else "",
                )
            )
        if MEMBER_EMAIL not in used:
            subscribers.append(
                Subscriber(
                    email=MEMBER_EMAIL,
                    user=self.member,
                    status=Subscriber.Status.ACTIVE,
                    frequency=Subscriber.Frequency.WEEKLY,
                    created_at=anchor - timedelta(days=300),
                    confirmed_at=anchor - timedelta(days=300),
                )
            )
        _bulk(Subscriber, subscribers)

        # Weekly issues, Monday 07:00 UTC, the newest one this week; each covers the seven days before it.
        issues_n = self.sizes["digest_issues"]
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(hours=7)
        if monday > self.now:
            monday -= timedelta(days=7)
        announcements = []
        for k in range(self.sizes["announcements"]):
            sent_at = monday - timedelta(days=rng.uniform(0, 7 * issues_n))
            subject = rng.choice(EVENT_SUBJECTS)
            announcements.append(
                Announcement(
                    title=f"Call for contributions: {subject} ({k + 1})",
                    body=f"We are looking for **members** to share their work on {subject}.\n\n"
                    + rng.choice(SENTENCES).format(thing=rng.choice(THINGS)),
                    audience=rng.choice([Announcement.Audience.ALL, Announcement.Audience.CHOSEN]),
                    status=Announcement.Status.SENT,
                    created_by=self.officer,
                    created_at=sent_at - timedelta(hours=2),
                    sent_at=sent_at,
                    recipient_count=round(n * 0.8),
                )
            )
        announcements = _bulk(Announcement, announcements)

        public_events = [
            (p["sessions"][0][0], p["event"])
            for p in self.event_plans
            if p["event"].status == Event.Status.PUBLISHED and p["event"].audience == Event.Audience.EVERYONE
        ]
        public_topics = [
            (posts[-1].created_at, topic)
            for topic, posts in zip(self.topics, self.topic_posts, strict=True)
            if topic.forum.visibility == Forum.Visibility.PUBLIC and topic.status == Status.VISIBLE
        ]
        public_topics.sort(key=lambda pair: (pair[0], pair[1].pk), reverse=True)
        issues = []
        for k in range(issues_n):
            until = monday - timedelta(days=7 * (issues_n - 1 - k))
            since = until - timedelta(days=7)
            sections = []
            items = [
                DigestItem(title=a.title, url=reverse("mailing:announcement-detail", args=[a.pk]), when=a.sent_at)
                for a in sorted(announcements, key=lambda a: a.sent_at)
                if since < a.sent_at <= until
            ]
            if items:
                sections.append(DigestSection(key="announcements", title="Announcements", items=items))
            soon = sorted(
                ((start, event) for start, event in public_events if until <= start <= until + timedelta(days=14)),
                key=lambda pair: (pair[0], pair[1].pk),
            )
            if soon:
                items = [
                    DigestItem(title=e.title, url=e.get_absolute_url(), summary=e.summary, when=start)
                    for start, e in soon
                ]
                sections.append(DigestSection(key="events", title="Events", items=items))
            active = [(when, t) for when, t in public_topics if since < when <= until][:10]
            if active:
                items = [
                    DigestItem(
                        title=t.title,
                        url=reverse("forums:topic", args=[t.forum.slug, t.slug]),
                        summary=t.forum.name,
                        when=when,
                    )
                    for when, t in active
                ]
                sections.append(DigestSection(key="forums", title="Forums", items=items))
            issues.append(
                DigestIssue(
                    kind=DigestIssue.Kind.WEEKLY,
                    number=k + 1,
                    period_since=since,
                    period_until=until,
                    created_at=until,
                    sent_at=until + timedelta(minutes=12),
                    status=DigestIssue.Status.SENT,
                    content={"sections": [section.to_json() for section in sections]},
                )
            )
        issues = _bulk(DigestIssue, issues)

        # One sent delivery per weekly subscriber who was active then: one INSERT ... SELECT per issue.
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(Delivery._meta.db_table)} "  # noqa: S608
            "(issue_id, subscriber_id, status, message_id, attempts, last_error, claimed_at, sent_at) "
            f"SELECT %s, id, %s, '', 1, '', %s, %s FROM {quote(Subscriber._meta.db_table)} "
            "WHERE frequency = %s AND confirmed_at IS NOT NULL AND confirmed_at <= %s "
            "AND (unsubscribed_at IS NULL OR unsubscribed_at > %s) AND (last_bounce_at IS NULL OR last_bounce_at > %s)"
        )
        with connection.cursor() as cursor:
            for issue in issues:
                at = issue.sent_at
                params = [issue.pk, Delivery.Status.SENT, at, at, Subscriber.Frequency.WEEKLY, at, at, at]
                cursor.execute(sql, params)
                issue.recipient_count = cursor.rowcount
        DigestIssue.objects.bulk_update(issues, ["recipient_count"], batch_size=500)


# --------------------------------------------------------------------------------------------------------------------
# The page benchmark's targets
# --------------------------------------------------------------------------------------------------------------------


def targets():
    """The pages the page benchmark fetches (paths resolved by the app's own URL names), and the member's login."""
    from django.conf import settings
    from django.db.models import Count, Q
    from django.urls import reverse

    from events.models import Event
    from forums.models import Forum, Post, Status, Topic

    event = (
        Event.objects.public()
        .for_listing()
        .upcoming()
        .filter(capacity__isnull=False)
        .order_by("-waiting_count", "first_starts_at", "pk")
        .first()
    ) or Event.objects.public().for_listing().upcoming().first()
    forum = (
        Forum.objects.filter(visibility=Forum.Visibility.PUBLIC)
        .annotate(n=Count("topics", filter=Q(topics__status=Status.VISIBLE)))
        .order_by("-n", "pk")
        .first()
    )
    long_topic = (
        Topic.objects.filter(forum__visibility=Forum.Visibility.PUBLIC, status=Status.VISIBLE)
        .select_related("forum")
        .order_by("-post_count", "pk")
        .first()
    )
    found = {
        "home": reverse("home"),
        "events": reverse("events:event-list"),
        "forums": reverse("forums:index"),
        "directory": reverse("members:directory"),
        "committee": reverse("committee:index"),
        "member_email": MEMBER_EMAIL,
        "member_password": BENCH_PASSWORD,
    }
    if event is not None:
        found["event"] = event.get_absolute_url()
    if forum is not None:
        found["forum"] = forum.get_absolute_url()
    if long_topic is not None:
        visible = Post.objects.filter(topic=long_topic, status=Status.VISIBLE).count()
        last_page = max(1, math.ceil(visible / settings.FORUMS_POSTS_PER_PAGE))
        found["long_topic"] = f"{long_topic.get_absolute_url()}?{urllib.parse.urlencode({'page': last_page})}"
    order = ["home", "events", "event", "forums", "forum", "long_topic", "directory", "committee"]
    return {key: found[key] for key in [*order, "member_email", "member_password"] if key in found}


# --------------------------------------------------------------------------------------------------------------------
# --check: serve the data and fetch every target as a visitor and as the member
# --------------------------------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _request(url, *, cookies=None, data=None, headers=None):
    """One request without following redirects: (status, headers, body)."""
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    try:
        with _opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _take_cookies(headers, cookies):
    # Secure cookies are kept too: the check talks plain HTTP to gunicorn on 127.0.0.1.
    for header in headers.get_all("Set-Cookie") or []:
        jar = http.cookies.SimpleCookie()
        jar.load(header)
        for key, morsel in jar.items():
            cookies[key] = morsel.value


def login(base, email, password):
    """Log in through allauth's form like a browser; returns the session cookies and where the login sent us."""
    from django.urls import reverse

    login_url = base + reverse("account_login")
    cookies = {}
    status, headers, body = _request(login_url)
    _take_cookies(headers, cookies)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not match:
        raise RuntimeError(f"the login page answered {status} without a form")
    status, headers, _ = _request(
        login_url,
        cookies=cookies,
        data={"login": email, "password": password, "csrfmiddlewaretoken": match.group(1).decode()},
        headers={"Referer": login_url, "Origin": base},
    )
    _take_cookies(headers, cookies)
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"logging in as {email} answered {status}, not a redirect with a session")
    return cookies, headers.get("Location", "")


def check(env, manifest):
    """Serve the database with gunicorn and fetch each target as a visitor and as the member; True if all fine."""
    import common
    from django.urls import reverse

    common.manage(env, "collectstatic", "--noinput", "-v", "0")
    port = int(env["SITE_URL"].rsplit(":", 1)[1])
    pages = {k: v for k, v in manifest["targets"].items() if k not in ("member_email", "member_password")}
    login_path = reverse("account_login")
    rows, ok = [], True
    with common.gunicorn(env, port, workers=2) as base:
        cookies, landed = login(base, manifest["targets"]["member_email"], manifest["targets"]["member_password"])
        if reverse("members:principles-accept") in landed:
            ok = False
            print(f"! logging in as the member sent them to {landed}")
        for name, path in pages.items():
            for who, jar in (("visitor", None), ("member", cookies)):
                status, headers, body = _request(base + path, cookies=jar)
                location = headers.get("Location", "")
                good = status == 200 or (who == "visitor" and status == 302 and location.startswith(login_path))
                ok &= good
                rows.append((name, who, status, headers.get("X-Query-Count", "-"), len(body), location, good))
    print(f"\n{'target':<11} {'as':<8} {'status':>6} {'queries':>8} {'bytes':>9}  note")
    for name, who, status, queries, size, location, good in rows:
        note = ("-> " + location if location else "") + ("" if good else "  UNEXPECTED")
        print(f"{name:<11} {who:<8} {status:>6} {queries:>8} {size:>9}  {note}")
    return ok


# --------------------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="PostgreSQL database name (created if missing), e.g. bench_large")
    parser.add_argument("--drop", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--factor", type=float, default=1.0, help="size factor: 1 is a large SIG, 0.01 a small one")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed and factor: same data)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="serve the result and fetch every target page as a visitor and as the member "
        "(on a database that already holds generated data, only check it)",
    )
    args = parser.parse_args(argv)

    import common

    started = time.monotonic()
    common.create_database(args.db, drop=args.drop)
    static_root = ROOT / "var" / "bench" / "static"
    env = common.production_env(args.db, common.free_port(), static_root)
    common.django_setup(env)
    common.manage(env, "migrate", "--noinput", "-v", "0")
    from django.contrib.auth import get_user_model

    if get_user_model().objects.filter(email=MEMBER_EMAIL).exists():
        if not args.check:
            sys.exit(f"{args.db} already holds generated data: add --drop to recreate it, or --check to check it.")
        print(f"{args.db} already holds generated data: checking it as it is.")
        if not check(env, {"targets": targets()}):
            sys.exit("Some target pages did not answer as expected.")
        return
    migrated = time.monotonic()
    print(f"Filling {args.db} at factor {args.factor} (seed {args.seed}); {common.machine()}")
    result = fill(factor=args.factor, seed=args.seed, log=print)
    # A database loaded in bulk has no planner statistics until autovacuum gets round to it; production's have them.
    # Without this, PostgreSQL plans the first minutes of queries as if every table were empty.
    from django.db import connection

    analyzed = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE: {time.monotonic() - analyzed:.1f} s")
    manifest = {
        "db": args.db,
        **result,
        "migrate_seconds": round(migrated - started, 1),
        "total_seconds": round(time.monotonic() - started, 1),
        "machine": common.machine(),
    }
    MANIFEST_DIR.mkdir(parents=True, exist_ok=True)
    path = MANIFEST_DIR / f"{args.db}.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n")

    print(f"\n{'model':<36} {'rows':>10}")
    for label, count in manifest["counts"].items():
        print(f"{label:<36} {count:>10,}")
    print(f"\nfill {manifest['elapsed_seconds']} s, migrate {manifest['migrate_seconds']} s, ", end="")
    print(f"total {manifest['total_seconds']} s; manifest: {path.relative_to(ROOT)}")
    for name, target in manifest["targets"].items():
        print(f"  {name:<16} {target}")
    if args.check and not check(env, manifest):
        sys.exit("Some target pages did not answer as expected.")


if __name__ == "__main__":
    main()
