"""Reads of a portfolio: its entries, and the summaries per year, per area and over the last three years."""

from decimal import Decimal

from django.utils import timezone

from members.cpd.models import Area, Entry, ShareLink

# CMALT asks for a CPD record every three years.
RENEWAL_YEARS = 3
SPECIALIST = "specialist"


def three_years_before(day):
    try:
        return day.replace(year=day.year - RENEWAL_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year - RENEWAL_YEARS, day=28)


def _area_columns():
    return [(code, label) for code, label in Area.choices] + [(SPECIALIST, "Specialist area")]


def _tally(entries):
    """Hours and entries per area. An entry tagged to two areas counts in both (as CMALT evidence may)."""
    areas = {code: {"code": code, "label": label, "hours": Decimal(0), "count": 0} for code, label in _area_columns()}
    for entry in entries:
        codes = [c for c in entry.areas if c in areas]
        if entry.specialist_area:
            codes.append(SPECIALIST)
        for code in codes:
            areas[code]["hours"] += entry.hours
            areas[code]["count"] += 1
    return list(areas.values())


def portfolio(user, today=None):
    """Everything the portfolio page, its exports and its share page show. Two queries, whatever the size."""
    today = today or timezone.localdate()
    entries = list(Entry.objects.for_portfolio(user))
    years = {}
    for entry in entries:
        years.setdefault(entry.occurred_on.year, []).append(entry)
    by_year = [
        {
            "year": year,
            "entries": items,
            "hours": sum((e.hours for e in items), Decimal(0)),
            "areas": _tally(items),
        }
        for year, items in sorted(years.items(), reverse=True)
    ]
    since = three_years_before(today)
    recent = [e for e in entries if e.occurred_on > since]
    recent_areas = _tally(recent)
    return {
        "owner": user,
        "today": today,
        "entries": entries,
        "by_year": by_year,
        "by_area": _tally(entries),
        "area_columns": _area_columns(),
        "three_years": {
            "since": since,
            "hours": sum((e.hours for e in recent), Decimal(0)),
            "count": len(recent),
            "recorded": sum(1 for e in recent if e.is_recorded),
            "reflected": sum(1 for e in recent if e.reflection.strip()),
            "areas": recent_areas,
            "missing": [a["label"] for a in recent_areas if not a["count"] and a["code"] != SPECIALIST],
        },
        "share_links": list(ShareLink.objects.filter(user=user, revoked_at__isnull=True)),
    }


def portfolio_as_data(user, today=None):
    """The JSON export: plain values a member can keep, or import elsewhere."""
    data = portfolio(user, today)
    return {
        "member": user.name,
        "exported_on": data["today"].isoformat(),
        "entries": [
            {
                "title": e.title,
                "date": e.occurred_on.isoformat(),
                "hours": str(e.hours),
                "kind": e.get_kind_display(),
                "recorded_by_portal": e.source or None,
                "link": e.link or None,
                "evidence_file": e.evidence.name.rsplit("/", 1)[-1] if e.evidence else None,
                "cmalt_areas": e.area_labels(),
                "specialist_area": e.specialist_area or None,
                "reflection": e.reflection,
            }
            for e in data["entries"]
        ],
        "summary_by_year": [
            {"year": y["year"], "hours": str(y["hours"]), "entries": len(y["entries"])} for y in data["by_year"]
        ],
        "summary_by_area": [
            {"area": a["label"], "hours": str(a["hours"]), "entries": a["count"]} for a in data["by_area"]
        ],
        "last_three_years": {
            "since": data["three_years"]["since"].isoformat(),
            "hours": str(data["three_years"]["hours"]),
            "entries": data["three_years"]["count"],
            "areas_without_entries": data["three_years"]["missing"],
        },
    }


def shared_portfolio_owner(token):
    """The member whose portfolio a share link shows; None if the link is unknown or revoked."""
    link = ShareLink.objects.filter(token=token, revoked_at__isnull=True).select_related("user").first()
    return link.user if link else None
