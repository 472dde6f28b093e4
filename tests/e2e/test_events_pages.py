"""The events pages with the demo data, as the demo member sees them: accessible; the programme is full."""

from events import demo as events_demo
from members import demo as members_demo
from members.demo import DEMO_PASSWORD
from tests.e2e.helpers import login


def test_demo_events_pages_are_accessible(page, axe, db):
    members_demo.seed()  # the demo member whose events and CPD record the pages show
    events_demo.seed()
    page.goto("/")
    page.get_by_role("heading", name="Upcoming events").wait_for()
    axe(page, "home-with-events")

    page.goto("/events/")
    page.get_by_role("heading", name="Past events and recordings").wait_for()
    recording = page.get_by_role("link", name="Watch the recording of Webinar: live captioning that works")
    assert recording.is_visible()
    page.get_by_label("Type").select_option(label="Programme")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Allyship in practice: a four-part programme").click()
    page.get_by_text("Full: join the waiting list").wait_for()
    page.get_by_role("link", name="Log in to register").wait_for()
    axe(page, "programme-visitor")

    login(page, "member@demo.sigportal.test", DEMO_PASSWORD)
    page.get_by_role("button", name="Robin Ashdown").wait_for()
    page.goto("/events/mine/")
    page.get_by_role("heading", name="CPD record").wait_for()
    axe(page, "my-events-demo")
    page.get_by_role("link", name="Certificate of attendance (printable)").click()
    page.get_by_role("heading", name="Certificate of attendance").wait_for()
    axe(page, "cpd-certificate")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "cpd-certificate-390")
    # It fits a phone: nothing wider than the screen, so no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/events/")
    page.get_by_role("link", name="Workshop: writing good alt text").click()
    page.get_by_text("Only a few places left").wait_for()
    axe(page, "workshop-few-places")
