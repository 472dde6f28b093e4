"""
An event's page, shared between the members who see it alike: the event as loaded for its page (sessions,
questions, organisations, places) and the HTML that is the same for every viewer of one kind (title, summary,
sessions in the viewer's zone, place, audience, description, recording and calendar links) are made once per change
of content and kept in the cache. What is the person's own is added on every request by the view: their
registration card (registered, place on the waiting list, the register form with its CSRF token, why they cannot
register) and the places badge (it reads "Full" or "Full: join the waiting list" depending on them). The
registration itself is kept per person under the same generation, so a member looking again costs no query.

Keys follow members.generation.shared_version: the global generation (moved by every write to a
table pages show, so a new session, an edited event or any registration retires them at once) and the viewer's class
(role and time zone). The shared HTML also varies on the two things in it that differ between members of one class:
whether their own time zone is named (a member who chose none sees the site's zone unnamed) and whether the sessions
carry join links (only for confirmed participants; the links are the same for all of them). Nothing in it depends on
the clock: what does (registration open or closed, the event ended) is decided per request from the event.

With the caches off (PAGE_CACHE_SECONDS=0) or Redis down, everything is loaded and rendered for the request, as
before. Who relies on it: events.views.event_detail and event_register's error page; bench/pages measures it.
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from events import calendars, selectors
from events.eligibility import audience_description
from members.generation import shared_version

# Part of every key: a deploy that changes what is kept (the event's fields, the fragments) must not read entries an
# older release pickled.
LAYOUT = 1
# Kept in place of a registration, so that "none" is a cache hit too.
NO_REGISTRATION = "none"


def _render_shared(event, *, member, time_zone_label, join_links):
    sessions = list(event.sessions.all())
    context = {
        "event": event,
        "sessions": sessions,
        "member": member,
        "time_zone_label": time_zone_label,
        "show_join_links": join_links,
        "audience": audience_description(event),
        "calendar_links": calendars.add_to_calendar_links(event, sessions),
    }
    return {
        "head": render_to_string("events/includes/_event_head.html", context),
        "about": render_to_string("events/includes/_event_about.html", context),
    }


def _shared(html):
    return {name: mark_safe(part) for name, part in html.items()}  # noqa: S308 (our own templates' output)


def event_page_parts(request, pk):
    """
    For the event page: (the event this person may see, their active registration with `position` or None, the
    shared HTML {"head": ..., "about": ...}). Event.DoesNotExist when they may not see it. From the cache when this
    generation has them, else loaded, rendered and kept. The registration is this person's alone and is kept under
    their id: any registration's change moves the generation, so it is never staler than the event.
    """
    user = request.user
    member = user.is_authenticated
    time_zone_label = (user.time_zone if member else "") or ""
    version = shared_version(request)
    if version is None:
        registration = selectors.registration_for_page(event_id=pk, user=user)
        event = selectors.event_for_page(pk=pk, user=user)
        join_links = bool(registration and registration.is_confirmed)
        html = _render_shared(event, member=member, time_zone_label=time_zone_label, join_links=join_links)
        return event, registration, _shared(html)

    generation, viewer_class = version
    # Drafts are the officers' alone, so the event as loaded is kept once for officers and once for everyone else.
    scope = "officer" if viewer_class.startswith("officer:") else "other"
    event_key = f"events:event-page:{LAYOUT}:{generation}:{scope}:{pk}"
    registration_key = f"events:event-page-registration:{LAYOUT}:{generation}:{user.pk}:{pk}" if member else None
    # Both variants of the shared HTML are asked for in the same round trip: which one is needed depends on the
    # registration, which may come in it.
    html_keys = {
        join_links: (
            f"events:event-page-html:{LAYOUT}:{generation}:{viewer_class}:{time_zone_label}:{int(join_links)}:{pk}"
        )
        for join_links in (False, True)
    }
    found = cache.get_many([event_key, *html_keys.values(), *([registration_key] if member else [])])
    keep = {}

    registration = found.get(registration_key) if member else None
    if member and registration is None:
        registration = selectors.registration_for_page(event_id=pk, user=user)
        keep[registration_key] = NO_REGISTRATION if registration is None else registration
    if isinstance(registration, str):  # NO_REGISTRATION
        registration = None

    event = found.get(event_key)
    if event is None:
        event = selectors.event_for_shared_page(pk=pk, user=user)  # a 404 is not kept: it costs one query
        keep[event_key] = event

    join_links = bool(registration and registration.is_confirmed)
    html = found.get(html_keys[join_links])
    if html is None:
        html = _render_shared(event, member=member, time_zone_label=time_zone_label, join_links=join_links)
        keep[html_keys[join_links]] = html
    if keep:
        cache.set_many(keep, settings.PAGE_CACHE_SECONDS)
    return event, registration, _shared(html)
