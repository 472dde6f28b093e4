"""A member gets a credential for an event they attended, downloads it, and checks it on the public pages."""

import datetime
import json
from pathlib import Path

from allauth.account.models import EmailAddress
from django.utils import timezone

from events.models import Attendance
from tests.e2e.helpers import login
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import PASSWORD, UserFactory


def test_member_downloads_a_credential_and_verifies_it_on_the_public_page(page, axe, db, tmp_path):
    me = UserFactory(name="Wren Castellane", email="wren@example.org")
    EmailAddress.objects.create(user=me, email=me.email, verified=True, primary=True)
    event = EventFactory(title="Captioning lectures", sessions__starts=timezone.now() - datetime.timedelta(days=20))
    Attendance.objects.create(registration=RegistrationFactory(event=event, user=me), session=event.sessions.get())

    login(page, me.email, PASSWORD)
    page.goto("/portfolio/")
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Credentials").click()
    page.get_by_role("heading", name="Your credentials").wait_for()
    page.get_by_role("button", name="Get the credential for Attended Captioning lectures").click()
    page.get_by_text("is ready to download").wait_for()
    axe(page, "credentials-shelf")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "credentials-shelf-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download:
        page.get_by_role("link", name="Download (JSON)").click()
    path = Path(tmp_path) / "credential.json"
    download.value.save_as(str(path))
    document = json.loads(path.read_text())
    assert "OpenBadgeCredential" in document["type"]

    # Someone the member sent the file to checks it, without logging in.
    page.context.clear_cookies()
    page.goto("/credentials/verify/")
    page.get_by_label("Or upload the credential file").set_input_files(str(path))
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Genuine and valid").wait_for()
    assert page.get_by_text("Wren Castellane").is_visible()
    axe(page, "credentials-verify-genuine")

    # The credential's own address, as printed in it.
    page.goto(document["id"])
    page.get_by_role("heading", name="Genuine and valid").wait_for()
    assert page.get_by_text("Attended Captioning lectures").first.is_visible()
    axe(page, "credentials-detail")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "credentials-detail-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A copy with one changed field is caught.
    document["credentialSubject"]["achievement"]["name"] = "Keynote speaker at Captioning lectures"
    page.goto("/credentials/verify/")
    page.get_by_label("Credential (JSON)").fill(json.dumps(document))
    page.get_by_role("button", name="Check").click()
    page.get_by_role("heading", name="Not a genuine credential").wait_for()
    axe(page, "credentials-verify-tampered")

    # An address with a changed character.
    response = page.goto(document["id"].rstrip("/")[:-1] + "x/")
    assert response.status == 404
    page.get_by_role("heading", name="No such credential").wait_for()
    axe(page, "credentials-not-found")
