"""
The committee's part of "Your data" (export) and account deletion (erase); listed in
settings.PERSONAL_DATA_PROVIDERS as "members.committee.personal_data".

Kept on erase, on purpose: who held which committee role and when (the appointment's holder_name) is the
group's public record, and the voter roll only says a (now anonymous) member voted. What a member chose was
never linked to them, so there is nothing to export or erase about it.
"""

from django.db import transaction
from django.db.models import Q

from members.committee.models import Appointment, ContactMessage, Nomination, NominationAnswer, VoterRoll


def export(user):
    return {
        "appointments": [
            {
                "role": a.role.title,
                "starts_on": a.starts_on.isoformat(),
                "ends_on": a.effective_end.isoformat(),
            }
            for a in Appointment.objects.filter(user=user).select_related("role")
        ],
        "nominations": [
            {
                "call": n.call.title,
                "role": n.role.title,
                "status": n.get_status_display(),
                "statement": n.statement,
                "proof_uploaded": bool(n.proof_file),
                "answers": {a.question.text: a.answer for a in n.answers.all()},
                "submitted_at": n.created_at.isoformat(),
            }
            for n in Nomination.objects.filter(nominee=user)
            .select_related("call", "role")
            .prefetch_related("answers__question")
        ],
        "messages_to_the_committee": [
            {
                "to": m.role_title,
                "subject": m.subject,
                "message": m.message,
                "sent_at": m.created_at.isoformat(),
            }
            for m in ContactMessage.objects.filter(Q(sender=user) | Q(email__iexact=user.email))
        ],
        "elections_voted_in": [
            str(entry.election)
            for entry in VoterRoll.objects.filter(user=user, voted_at__isnull=False).select_related(
                "election__role", "election__call"
            )
        ],
    }


def erase(user):
    with transaction.atomic():
        for nomination in Nomination.objects.filter(nominee=user).select_related("call"):
            if nomination.proof_file:
                nomination.proof_file.delete(save=False)
            nomination.statement = ""
            nomination.proof_file = ""
            if not nomination.call.is_closed():
                nomination.status = Nomination.Status.WITHDRAWN
            nomination.save()
        NominationAnswer.objects.filter(nomination__nominee=user).delete()
        ContactMessage.objects.filter(Q(sender=user) | Q(email__iexact=user.email)).update(
            sender=None, name="Former member", email="erased@erased.invalid", subject="(erased)", message=""
        )
        # The history of the committee keeps the holder's name; the link to the account goes.
        Appointment.objects.filter(user=user).update(user=None)
