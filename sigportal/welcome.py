"""
The welcome checklist a new member sees after confirming their email: five first steps across the apps, each ticked
by what the member has actually done (not by clicking it). It lives here, above the apps, because it reads the
mailing list and events as well as members.
"""

from dataclasses import dataclass

from django.urls import reverse

from events.models import Registration
from members.mailing.models import Subscriber
from members.models import Profile
from members.principles import accept_url, current_principles, has_accepted_current_principles


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    text: str
    done: bool
    url: str
    action: str


def profile_is_complete(profile):
    """A job title, and where the member works or a few words about them: enough for members to place them."""
    if profile is None:
        return False
    return bool(profile.job_title and (profile.organisation_id or profile.proposed_organisation or profile.bio))


def welcome_checklist(user):
    """The member's first steps, in order, each with whether it is done."""
    profile = Profile.objects.filter(user=user).first()
    principles = current_principles()
    subscribed = Subscriber.objects.filter(
        user=user, status__in=[Subscriber.Status.ACTIVE, Subscriber.Status.PENDING]
    ).exists()
    registered = Registration.objects.filter(user=user).exclude(status=Registration.Status.CANCELLED).exists()
    listed = bool(profile and profile.show_in_directory)
    return [
        Step(
            "principles",
            "Accept the community principles",
            "How we treat each other in the forums and at events. You accept them once; we ask again if they change.",
            principles is None or has_accepted_current_principles(user),
            accept_url(reverse("welcome")) if principles else reverse("principles"),
            "Read the principles",
        ),
        Step(
            "profile",
            "Complete your profile",
            "Your job title and where you work (or a few words about you), so members know who they are talking to.",
            profile_is_complete(profile),
            reverse("members:profile-edit"),
            "Edit your profile",
        ),
        Step(
            "directory",
            "Choose whether to be listed in the directory",
            "The directory of expertise lets logged-in members find you by name, organisation and expertise. "
            "Visitors never see it and your email address is never shown. You can change this at any time.",
            bool(profile and profile.directory_chosen_at),
            reverse("members:directory"),
            "See the directory",
        ),
        Step(
            "mailing",
            "Join the mailing list",
            "A weekly digest of new events, topics and announcements, or announcements only: you choose.",
            subscribed,
            reverse("mailing:subscribe"),
            "Choose what you receive",
        ),
        Step(
            "event",
            "Register for a first event",
            "Webinars and meet-ups, most of them online. Registering takes one click.",
            registered,
            reverse("events:event-list"),
            "Browse events",
        ),
    ], listed
