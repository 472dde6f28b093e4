"""Members' own part of "your data": account, profile, association membership, sub-groups, principles, notifications.

Listed first in settings.PERSONAL_DATA_PROVIDERS; members.your_data runs its erase last."""

from allauth.account.models import EmailAddress
from django.db import transaction

from members.models import (
    AssociationMembership,
    AssociationMembershipAudit,
    Notification,
    NotificationPreference,
    PrinciplesAcceptance,
    Profile,
    SubGroup,
    SubGroupMembership,
    UserAudit,
)

ERASED_AUDIT_EMAIL = "erased@erased.invalid"


def export(user):
    profile = Profile.objects.filter(user=user).select_related("organisation").first()
    membership = AssociationMembership.objects.filter(user=user).select_related("organisation").first()
    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "time_zone": user.time_zone,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user)
            ],
        },
        "profile": _profile(profile) if profile else None,
        "association_membership": _membership(membership) if membership else None,
        "sub_groups": [
            {"group": m.group.name, "listed": m.listed, "joined_at": m.joined_at.isoformat()}
            for m in SubGroupMembership.objects.filter(user=user).select_related("group")
        ],
        "principles_accepted": [
            {"version": a.version.number, "accepted_at": a.accepted_at.isoformat()}
            for a in PrinciplesAcceptance.objects.filter(user=user).select_related("version")
        ],
        "notifications": [
            {
                "kind": n.get_kind_display(),
                "text": n.text,
                "link": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(user=user).order_by("-created_at", "-id")
        ],
        "notification_settings": {
            p.get_kind_display(): "site and email" if p.by_email else "site only"
            for p in NotificationPreference.objects.filter(user=user)
        },
    }


def _profile(profile):
    return {
        "pronouns": profile.pronouns,
        "job_title": profile.job_title,
        "organisation": profile.organisation.name if profile.organisation else None,
        "region": profile.get_region_display() if profile.region else "",
        "bio": profile.bio,
        "expertise": sorted(tag.name for tag in profile.expertise.all()),
        "website": profile.website,
        "linkedin": profile.linkedin,
        "mastodon": profile.mastodon,
        "bluesky": profile.bluesky,
        "photo": profile.photo.name if profile.photo else None,
        "show_in_directory": profile.show_in_directory,
        "share_organisation": profile.share_organisation,
        "share_region": profile.share_region,
        "share_bio": profile.share_bio,
        "share_links": profile.share_links,
        "share_photo": profile.share_photo,
    }


def _membership(membership):
    return {
        "kind": membership.get_kind_display(),
        "membership_number": membership.membership_number,
        "organisation": membership.organisation.name if membership.organisation else None,
        "status": membership.get_status_display(),
        "verified_at": membership.verified_at.isoformat() if membership.verified_at else None,
        "rejection_reason": membership.rejection_reason,
        "expires_on": membership.expires_on.isoformat() if membership.expires_on else None,
    }


def erase(user):
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        if profile.photo:
            storage, name = profile.photo.storage, profile.photo.name
            transaction.on_commit(lambda: storage.delete(name))
        profile.delete()
    AssociationMembership.objects.filter(user=user).delete()
    SubGroupMembership.objects.filter(user=user).delete()
    PrinciplesAcceptance.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    # Others' notifications about what the member did name them in their text: they go too.
    Notification.objects.filter(actor=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    SubGroup.objects.filter(convenor=user).update(convenor=None)
    # The audit trail keeps that changes happened (and who made them), not the erased person's details.
    UserAudit.objects.filter(pgh_obj=user).update(email=ERASED_AUDIT_EMAIL, name="Former member")
    AssociationMembershipAudit.objects.filter(user=user).update(rejection_reason="")
    # Sessions on other devices end by themselves: erase_account sets an unusable password, and Django drops
    # any session whose stored password hash no longer matches.
