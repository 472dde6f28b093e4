"""
What fills a portfolio by itself. Each module in settings.CPD_SOURCES has `activities(user)`, returning a list of
RecordedActivity; portfolio_sync stores them as recorded entries, keeping whatever reflection and areas the member
has added to them.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_module

from members.cpd.models import Entry


@dataclasses.dataclass(frozen=True)
class RecordedActivity:
    key: str  # stable and unique per member, e.g. "events.attendance:12"
    source: str  # what recorded it, shown to the member: "Event attendance"
    kind: str  # Entry.Kind
    title: str
    occurred_on: datetime.date
    hours: Decimal = Decimal(0)
    link: str = ""
    areas: tuple = ()  # suggested CMALT areas; the member may change them


FACTS = ("source", "kind", "title", "occurred_on", "hours", "link")


def recorded_activities(user):
    return [activity for path in settings.CPD_SOURCES for activity in import_module(path).activities(user)]


def portfolio_sync(user):
    """
    Bring a member's recorded entries up to date: new records added, changed facts updated, records that are
    gone (an attendance unmarked) removed. Writes nothing when nothing changed, so every page view may call it.
    """
    activities = {a.key: a for a in recorded_activities(user)}
    existing = {e.source_key: e for e in Entry.objects.filter(user=user).exclude(source_key="")}
    new, changed = [], []
    for key, activity in activities.items():
        facts = {name: getattr(activity, name) for name in FACTS}
        facts["hours"] = Decimal(facts["hours"]).quantize(Decimal("0.01"))
        entry = existing.get(key)
        if entry is None:
            new.append(Entry(user=user, source_key=key, areas=list(activity.areas), **facts))
        elif any(getattr(entry, name) != value for name, value in facts.items()):
            for name, value in facts.items():
                setattr(entry, name, value)
            changed.append(entry)
    gone = [entry.pk for key, entry in existing.items() if key not in activities]
    if new or changed or gone:
        with transaction.atomic():
            Entry.objects.bulk_create(new)
            Entry.objects.bulk_update(changed, FACTS)
            Entry.objects.filter(pk__in=gone).delete()
