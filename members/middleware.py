import zoneinfo

from django.db import connection
from django.utils import timezone
from pghistory.middleware import HistoryMiddleware


class MemberTimezoneMiddleware:
    """Show every time in the member's own zone when they chose one (the site's zone otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class AuditContextMiddleware(HistoryMiddleware):
    """
    Attaches who is logged in and the URL to every change the audit trail records during a request
    (members/models/audit.py). Only on PostgreSQL: the context travels as a SQL set_config() that SQLite (the
    embedded default) does not have, and there are no audit triggers there anyway.
    """

    def __call__(self, request):
        if connection.vendor != "postgresql":
            return self.get_response(request)
        return super().__call__(request)
