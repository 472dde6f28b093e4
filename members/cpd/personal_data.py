"""The portfolio's part of "download my data" and "delete my account" (settings.PERSONAL_DATA_PROVIDERS)."""

from members.cpd.models import Entry, ShareLink
from members.cpd.selectors import portfolio_as_data


def export(user):
    return portfolio_as_data(user)


def erase(user):
    # The account row stays as "Former member", so nothing cascades: entries, files and links go here.
    for entry in Entry.objects.filter(user=user).exclude(evidence=""):
        entry.evidence.delete(save=False)
    Entry.objects.filter(user=user).delete()
    ShareLink.objects.filter(user=user).delete()
