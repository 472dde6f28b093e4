"""A member adds an activity to their CPD portfolio and downloads it as a PDF, whose text is then read back."""

import datetime
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from pypdf import PdfReader

from events.models import Attendance
from members.cpd.pdf import pdf_unavailable_reason
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import login
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.skipif(pdf_unavailable_reason() is not None, reason="weasyprint needs pango: make install-pdf")


def test_member_adds_an_activity_and_exports_the_portfolio_pdf(page, axe, db, tmp_path):
    me = UserFactory(name="Wren Castellane", email="wren@example.org")
    EmailAddress.objects.create(user=me, email=me.email, verified=True, primary=True)
    event = EventFactory(title="Captioning lectures", sessions__starts=timezone.now() - datetime.timedelta(days=20))
    Attendance.objects.create(registration=RegistrationFactory(event=event, user=me), session=event.sessions.get())

    login(page, me.email, PASSWORD)
    page.goto("/portfolio/")
    page.get_by_role("heading", name="Your CPD portfolio").wait_for()
    assert page.get_by_text("Recorded by the portal: Event attendance").is_visible()

    page.get_by_role("link", name="Add an activity").click()
    page.get_by_label("Title").fill("Course on accessible assessment")
    page.get_by_label("Kind").select_option(label="Course or training")
    page.get_by_label("Date").fill((timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Hours").fill("6")
    page.get_by_label("Teaching, learning and assessment").check()
    page.get_by_label("Specialist area (optional)").fill("Digital accessibility")
    page.get_by_label("Reflection").fill("Plain layouts helped every student, not only those with adjustments.")
    axe(page, "cpd-entry-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("is in your portfolio").wait_for()
    axe(page, "cpd-portfolio")
    page.set_viewport_size({"width": 390, "height": 844})
    axe(page, "cpd-portfolio-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    path = Path(tmp_path) / "portfolio.pdf"
    download.value.save_as(str(path))
    text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "CPD portfolio of Wren Castellane" in text
    assert "Course on accessible assessment" in text and "Plain layouts helped every student" in text
    assert "Captioning lectures" in text and "Recorded by the portal (Event attendance)" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "cpd-portfolio.pdf").write_bytes(path.read_bytes())
