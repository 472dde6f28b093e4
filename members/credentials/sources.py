"""
What earns a credential. Each module in settings.CREDENTIAL_SOURCES has `achievements(user)`, returning a list of
EarnedAchievement: only what is complete (an event that has ended, a committee term that is over), so a credential,
once issued, never has to change.
"""

import dataclasses
import datetime

from django.conf import settings
from django.utils.module_loading import import_module


@dataclasses.dataclass(frozen=True)
class EarnedAchievement:
    key: str  # stable and unique per member, e.g. "events.attended:12"
    kind: str  # Credential.Kind
    name: str  # "Attended Captioning lectures"
    description: str  # what the achievement is, for anyone who reads the credential
    criteria: str  # how it was earned, in words (OB 3.0 criteria.narrative)
    earned_on: datetime.date
    link: str = ""  # a page about it on the portal (site-relative), if any


def earned_achievements(user):
    """Everything `user` has earned a credential for, newest first."""
    found = [a for path in settings.CREDENTIAL_SOURCES for a in import_module(path).achievements(user)]
    return sorted(found, key=lambda a: (a.earned_on, a.key), reverse=True)
