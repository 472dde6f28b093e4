"""On a phone, an event's Register button is on the first screen, before the long description; "add to calendar"
offers Google, Outlook and webcal."""

from playwright.sync_api import expect

from tests.e2e.helpers import login
from tests.events.factories import EventFactory
from tests.helpers import verified_member
from tests.members.factories import PASSWORD


def test_register_is_on_the_first_phone_screen_and_calendar_links_are_offered(page, axe, db):
    event = EventFactory(
        title="Inclusive assessment clinic",
        summary="Bring a tricky assessment; leave with ideas.",
        description="\n\n".join(f"Paragraph {n} of a long description of the clinic." for n in range(30)),
    )
    member = verified_member("Wren Castellane", email="wren@example.org")
    login(page, member.email, PASSWORD)
    page.get_by_role("button", name="Wren Castellane").wait_for()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(event.get_absolute_url())
    register = page.get_by_role("button", name="Register")
    expect(register).to_be_visible()
    box = register.bounding_box()
    assert box["y"] + box["height"] <= 844 * 1.5, box  # within the first screen and a half, not after 30 paragraphs
    description = page.get_by_text("Paragraph 0 of a long description")
    assert description.bounding_box()["y"] > box["y"]
    axe(page, "event-detail-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("link", name="Google Calendar (opens in a new tab)")).to_be_visible()
    expect(page.get_by_role("link", name="Outlook (opens in a new tab)")).to_be_visible()
    webcal = page.get_by_role("link", name="Apple Calendar and others (webcal)")
    assert webcal.get_attribute("href").startswith("webcal://")
    axe(page, "event-detail-1280")
    register.click()
    expect(page.get_by_text("You are registered.")).to_be_visible()
