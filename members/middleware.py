import zoneinfo

from django.utils import timezone


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
