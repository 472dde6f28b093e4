from django import template
from django.utils import dateformat, timezone

register = template.Library()


@register.filter
def when(value, fmt="H:i T, l j F Y"):
    """
    A time in the viewer's zone with the zone named: "14:00 BST, Monday 29 March 2027".

    Django's own "T" prints nothing for a time that happens twice (01:30 on the last Sunday of October happens
    once in BST and again in GMT); here the zone name always comes from the converted time itself.
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    zone = "".join("\\" + c for c in (local.tzname() or ""))
    return dateformat.format(local, fmt.replace("T", zone))
