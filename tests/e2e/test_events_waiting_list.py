"""One member takes the last place, another joins the waiting list, the first cancels, the second moves up."""

import re

from django.core import mail

from events.models import Event, Registration
from tests.e2e.helpers import login
from tests.events.factories import EventFactory, RegistrationFactory
from tests.helpers import verified_member
from tests.members.factories import PASSWORD


def test_waiting_list_promotion_journey(page, browser, live_server, axe, db):
    first = verified_member("Nell Ashcombe", email="nell@example.org")
    second = verified_member("Ravi Thornbury", email="ravi@example.org")
    event = EventFactory(
        title="Allyship in practice",
        kind=Event.Kind.PROGRAMME,
        capacity=2,
        sessions=4,
        summary="Four sessions; participants attend all four.",
    )
    RegistrationFactory(event=event)  # one of the two places is already taken
    join_url = event.sessions.first().join_url

    # The first member finds the event in the list and takes the last place.
    login(page, first.email, PASSWORD)
    page.get_by_role("button", name="Nell Ashcombe").wait_for()
    page.goto("/events/")
    axe(page, "events-list")
    page.get_by_role("link", name="Allyship in practice").click()
    page.get_by_text("1 of 2 places left").wait_for()
    assert join_url not in page.content()
    axe(page, "event-page")
    page.get_by_label("I can attend all 4 sessions of this programme.").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered.").wait_for()
    assert page.get_by_text("Full", exact=True).is_visible()
    assert page.get_by_role("link", name="Join session 1 online").get_attribute("href") == join_url
    axe(page, "event-page-registered")

    # The second member finds it full and joins the waiting list.
    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    other.set_default_timeout(10_000)
    page2 = other.new_page()
    login(page2, second.email, PASSWORD)
    page2.get_by_role("button", name="Ravi Thornbury").wait_for()
    page2.goto(event.get_absolute_url())
    page2.get_by_text("Full: join the waiting list").wait_for()
    page2.get_by_label("I can attend all 4 sessions of this programme.").check()
    page2.get_by_role("button", name="Join the waiting list").click()
    page2.get_by_text("You are on the waiting list, in position 1.").wait_for()
    assert join_url not in page2.content()
    axe(page2, "event-page-waiting")

    # The first member cancels, with a confirmation step.
    mail.outbox.clear()
    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("heading", name="Cancel your registration?").wait_for()
    axe(page, "cancel-registration")
    page.get_by_role("button", name="Yes, cancel my registration").click()
    page.get_by_text(re.compile(r"Your registration for Allyship in practice is cancelled")).wait_for()

    # The second member has been promoted: emailed, and it shows on the event page and on My events.
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert "A place is yours" in mail.outbox[0].subject
    page2.reload()
    page2.get_by_text("You are registered.").wait_for()
    assert page2.get_by_role("link", name="Join session 1 online").is_visible()
    page2.goto("/events/mine/")
    page2.get_by_text("Promoted from the waiting list").wait_for()
    axe(page2, "my-events")
    assert Registration.objects.get(user=second, event=event).is_confirmed
    other.close()
