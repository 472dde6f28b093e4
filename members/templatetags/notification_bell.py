"""{% notification_bell %}: the bell in the site header, with the member's unread count (one indexed query)."""

from django import template

from members.notifications import UNREAD_SHOWN_MAX, unread_count

register = template.Library()


@register.inclusion_tag("members/includes/_notification_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    count = unread_count(user)
    shown = f"{UNREAD_SHOWN_MAX}+" if count > UNREAD_SHOWN_MAX else str(count)
    return {"show": True, "count": count, "shown": shown, "active": request.path.startswith("/notifications/")}
