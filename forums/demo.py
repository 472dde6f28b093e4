"""
Demo forums: an open forum where anonymous posts are allowed, an Announcements forum where only officers start
topics, public practice and accessibility forums and a committee-only room; topics with replies, a pending post,
an open report, a moderation history (a pinned and a locked topic, a hidden post with its upheld report, an
edited post, a suspended member) and notifications in the demo member's bell. Invented people only. Safe to run
again: it changes nothing the second time.
"""

from allauth.account.models import EmailAddress
from django.utils import timezone

from members.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from members.models import Notification, User

from .models import Forum, Post, Report, Status, Suspension, Topic, TopicWatch
from .notifications import author_label
from .services import moderation, posting, suspensions
from .services.topics import topic_refresh_stats

# Two extra invented voices so threads read like conversations; the newcomer's post waits in the queue.
EXTRA_MEMBERS = [
    {"email": "ffion@demo.sigportal.test", "name": "Ffion Calder"},
    {"email": "newcomer@demo.sigportal.test", "name": "Jonah Redbridge"},
    {"email": "corwin@demo.sigportal.test", "name": "Corwin Ashgrove"},  # suspended for a fortnight
]

FORUMS = [
    {
        "slug": "announcements",
        "name": "Announcements",
        "order": 0,
        "visibility": Forum.Visibility.PUBLIC,
        "who_may_start_topics": Forum.Starters.OFFICERS,
        "description": "News from the committee: webinars, general meetings, calls for nominations.",
    },
    {
        "slug": "open-forum",
        "name": "Open forum",
        "order": 10,
        "visibility": Forum.Visibility.MEMBERS,
        "allow_anonymous": True,
        "description": (
            "A safe space for hard topics: racism, bullying, microaggressions at work. You may post as an "
            "**anonymous member**. Moderators read every report."
        ),
    },
    {
        "slug": "practice",
        "name": "Learning technology practice",
        "order": 20,
        "visibility": Forum.Visibility.PUBLIC,
        "description": "Tools, evaluation, staff development and portfolio support: share what works.",
    },
    {
        "slug": "accessibility",
        "name": "Digital accessibility",
        "order": 30,
        "visibility": Forum.Visibility.PUBLIC,
        "description": "Captions, alt text, accessible documents and testing with assistive technology.",
    },
    {
        "slug": "committee",
        "name": "Committee room",
        "order": 90,
        "visibility": Forum.Visibility.COMMITTEE,
        "description": "For officers only.",
    },
]

# (forum slug, topic slug, title, author key, anonymous, [(author key, body, anonymous), ...])
TOPICS = [
    (
        "announcements",
        "quarterly-webinar-and-general-meeting",
        "Quarterly webinar and general meeting: save the date",
        "officer",
        False,
        [
            (
                "officer",
                "Our next webinar is on evaluating lecture capture, followed by the general meeting. "
                "Details and joining links will be on the events page.",
                False,
            ),
            ("member", "Thank you! Will the recording be published afterwards?", False),
            ("officer", "Yes, recordings go up within a week.", False),
        ],
    ),
    (
        "open-forum",
        "microaggressions-in-course-design-meetings",
        "Microaggressions in course design meetings",
        "member",
        True,
        [
            (
                "member",
                "In design meetings my suggestions are often repeated by a colleague a few minutes later "
                "and then credited to them. How have others raised this without it becoming a conflict?",
                True,
            ),
            (
                "moderator",
                "Thank you for trusting the group with this. A reminder that what is shared here stays "
                "here unless the person says otherwise.",
                False,
            ),
            (
                "ffion",
                "Something that helped me: agreeing with the chair beforehand that ideas are minuted with "
                "the name of whoever raised them first.",
                False,
            ),
        ],
    ),
    (
        "practice",
        "recruitment-and-staff-development-sub-group",
        "Recruitment and staff development sub-group",
        "ffion",
        False,
        [
            (
                "ffion",
                "We are starting a sub-group on recruitment and staff development. Who would like to join "
                "a first online meeting?",
                False,
            ),
            (
                "member",
                "Count me in. @FfionCalder could we look at job descriptions for learning technologists?",
                False,
            ),
        ],
    ),
    (
        "announcements",
        "welcome-to-the-new-portal",
        "Welcome to the new portal: start here",
        "officer",
        False,
        [
            (
                "officer",
                "Events, forums, the mailing list and your CPD portfolio now live in one place. Please read the "
                "community principles before you post, and tell us in this topic what is missing.",
                False,
            ),
            ("ffion", "The portfolio export is exactly what my CMALT mentor asked for. Thank you!", False),
        ],
    ),
    (
        "open-forum",
        "returning-to-work-after-long-leave",
        "Returning to work after long leave",
        "ffion",
        False,
        [
            (
                "ffion",
                "I am going back after a year away and the VLE has changed completely. How did others catch up "
                "without feeling they had to apologise for it?",
                False,
            ),
            ("member", "Ask for a buddy for the first month; nobody expects you to know every new button.", False),
        ],
    ),
    (
        "practice",
        "evaluating-lecture-capture",
        "Evaluating lecture capture: what did you measure?",
        "member",
        False,
        [
            (
                "member",
                "We are reviewing our lecture capture service. Beyond viewing figures, what did you measure to "
                "decide whether it helped students?",
                False,
            ),
            (
                "ffion",
                "We asked students when they watched: the week before exams told us more than any total.",
                False,
            ),
            ("moderator", "There is a past webinar on this in the events archive, with its recording.", False),
        ],
    ),
    (
        "practice",
        "quizzes-in-the-vle-that-students-trust",
        "Quizzes in the VLE that students trust",
        "ffion",
        False,
        [
            (
                "ffion",
                "Students say our practice quizzes mark unfairly when answers have spaces or capitals. Which "
                "settings have worked for you?",
                False,
            ),
            ("member", "Accept several forms of each answer and say so in the question.", False),
        ],
    ),
    (
        "accessibility",
        "alt-text-for-maths-diagrams",
        "Alt text for maths diagrams",
        "member",
        False,
        [
            (
                "member",
                "How do you write alt text for a graph in a maths exam without giving away the answer?",
                False,
            ),
            (
                "ffion",
                "Describe what is drawn, not what it means: axes, labels and the points as coordinates.",
                False,
            ),
        ],
    ),
    (
        "accessibility",
        "live-captioning-webinar-questions",
        "Questions after the live captioning webinar",
        "moderator",
        False,
        [
            (
                "moderator",
                "Questions we did not reach in the webinar on live captioning: post them here and the speakers "
                "will answer this week.",
                False,
            ),
            ("member", "Which captioning tool coped best with subject-specific vocabulary?", False),
            ("moderator", "The speakers have answered; this topic is now locked. Thank you all.", False),
        ],
    ),
    (
        "committee",
        "principles-revision-draft",
        "Principles revision: first draft",
        "officer",
        False,
        [
            (
                "officer",
                "The draft wording of the revised principles is ready for comments before we publish it.",
                False,
            )
        ],
    ),
]

PENDING_BODY = "Hello everyone, I am new here. Is there a reading list on evaluation? https://example.org/list"
REPORTED_BODY = "Honestly, people who cannot keep up with new tools should find another job."


def _people():
    people = {}
    for account in DEMO_ACCOUNTS:
        people[account["role"]] = User.objects.get(email=account["email"])
    for extra in EXTRA_MEMBERS:
        user, created = User.objects.get_or_create(email=extra["email"], defaults={"name": extra["name"]})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    people["ffion"] = User.objects.get(email="ffion@demo.sigportal.test")
    people["newcomer"] = User.objects.get(email="newcomer@demo.sigportal.test")
    people["corwin"] = User.objects.get(email="corwin@demo.sigportal.test")
    return people


def _notifications(people):
    """
    The demo member watches their anonymous topic and finds the bell lit: Ffion's reply there is unread, the
    officer's answer in Announcements already read; Ffion has the member's mention of her. Written directly (the
    demo's posts are, too) and once each: a second run finds them and changes nothing.
    """
    topic = Topic.objects.get(slug="microaggressions-in-course-design-meetings")
    TopicWatch.objects.get_or_create(member=people["member"], topic=topic)
    wanted = [
        ("member", "reply", "microaggressions-in-course-design-meetings", "ffion", "replied in", False),
        ("member", "reply", "quarterly-webinar-and-general-meeting", "officer", "replied in", True),
        ("ffion", "mention", "recruitment-and-staff-development-sub-group", "member", "mentioned you in", False),
    ]
    for recipient, kind, slug, author, verb, read in wanted:
        post = Post.objects.filter(topic__slug=slug, author=people[author]).select_related("topic", "author").last()
        Notification.objects.get_or_create(
            user=people[recipient],
            kind=kind,
            url=post.get_absolute_url(),
            defaults={
                "text": f"{author_label(post)} {verb} \u201c{post.topic.title}\u201d",
                "actor": None if post.is_anonymous else post.author,
                "created_at": post.created_at,
                "read_at": post.created_at if read else None,
            },
        )


def seed(stdout=None):
    people = _people()
    forums = {}
    for spec in FORUMS:
        spec = dict(spec)
        forum, _ = Forum.objects.get_or_create(slug=spec.pop("slug"), defaults=spec)
        forums[forum.slug] = forum
    # One topic a day, the last three days ago: every post is in the past, before the moderation steps below.
    start = timezone.now() - timezone.timedelta(days=len(TOPICS) + 3)
    for n, (forum_slug, slug, title, author, anonymous, posts) in enumerate(TOPICS):
        created_at = start + timezone.timedelta(days=n)
        topic, created = Topic.objects.get_or_create(
            slug=slug,
            defaults={
                "forum": forums[forum_slug],
                "title": title,
                "author": people[author],
                "is_anonymous": anonymous,
                "created_at": created_at,
            },
        )
        if created:
            for i, (post_author, body, post_anonymous) in enumerate(posts):
                Post.objects.create(
                    topic=topic,
                    author=people[post_author],
                    body=body,
                    is_anonymous=post_anonymous,
                    created_at=created_at + timezone.timedelta(hours=i * 5),
                )
            topic_refresh_stats(topic)
    practice = Topic.objects.get(slug="recruitment-and-staff-development-sub-group")
    # A newcomer's first post with a link: waiting in the moderation queue.
    Post.objects.get_or_create(
        topic=practice,
        body=PENDING_BODY,
        defaults={
            "author": people["newcomer"],
            "status": Status.PENDING,
            "status_reason": "A new member's first posts are approved by a moderator before others see them.",
        },
    )
    # A post with an open report, for the moderators' queue.
    reported, created = Post.objects.get_or_create(
        topic=practice, body=REPORTED_BODY, defaults={"author": people["ffion"]}
    )
    if created:
        topic_refresh_stats(practice)
    Report.objects.get_or_create(
        post=reported,
        reporter=people["member"],
        defaults={
            "reason": Report.Reason.MICROAGGRESSION,
            "text": "This belittles colleagues who are learning.",
        },
    )
    _seed_moderation(people)
    _notifications(people)
    if stdout:
        stdout.write(
            f"Forums: {len(forums)} forums, {Topic.objects.count()} topics, 1 pending post, 1 open report, and a "
            "moderation history."
        )
    return forums


HIDDEN_BODY = "Anyone still using the old quiz engine is frankly not doing their job. Stop complaining and learn."
HIDDEN_REASON = "Belittles colleagues, against principle 1 (be kind). You are welcome to make your point again kindly."
EDITED_BODY_BEFORE = "Our college is trialling captions on all recordings from January."
EDITED_BODY_AFTER = (
    "Our college is trialling automatic captions, checked by a person, on all recordings from January. I will "
    "share what students say."
)
SUSPENSION_REASON = "Repeated posts belittling colleagues after a warning (principles 1 and 3)."


def _seed_moderation(people):
    """
    A moderation history made through the moderators' own services, so the log, the placeholder and the emails are
    what a real moderator's actions leave: the welcome topic pinned, the webinar questions locked, a reported post
    hidden (its report upheld), a post its author edited, and a member suspended for a fortnight. Each step is
    taken only when its result is missing, so a second run changes nothing.
    """
    moderator = people["moderator"]
    welcome = Topic.objects.get(slug="welcome-to-the-new-portal")
    if not welcome.pinned:
        moderation.topic_set_pinned(topic=welcome, moderator=moderator, pinned=True, reason="Start here.")
    questions = Topic.objects.get(slug="live-captioning-webinar-questions")
    if not questions.locked:
        moderation.topic_set_locked(
            topic=questions, moderator=moderator, locked=True, reason="The speakers have answered every question."
        )

    quizzes = Topic.objects.get(slug="quizzes-in-the-vle-that-students-trust")
    hidden, created = Post.objects.get_or_create(topic=quizzes, body=HIDDEN_BODY, defaults={"author": people["corwin"]})
    if created:
        topic_refresh_stats(quizzes)
        Report.objects.create(
            post=hidden, reporter=people["ffion"], reason=Report.Reason.OTHER, text="This is unkind to colleagues."
        )
        moderation.post_hide(post=hidden, moderator=moderator, reason=HIDDEN_REASON)

    capture = Topic.objects.get(slug="evaluating-lecture-capture")
    if not Post.objects.filter(topic=capture, body=EDITED_BODY_AFTER).exists():
        # Posted a moment ago, so its author is still inside the edit window, then edited: it shows as edited.
        post = Post.objects.create(topic=capture, author=people["member"], body=EDITED_BODY_BEFORE)
        topic_refresh_stats(capture)
        posting.post_edit(post=post, editor=people["member"], body=EDITED_BODY_AFTER)

    if not Suspension.objects.filter(member=people["corwin"]).exists():
        suspensions.member_suspend(
            member=people["corwin"],
            moderator=moderator,
            until=timezone.now() + timezone.timedelta(days=14),
            reason=SUSPENSION_REASON,
        )
