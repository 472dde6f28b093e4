"""CPD portfolios: recorded entries from every source, own entries, summaries, exports and share links."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from events.models import Attendance, SessionRole
from forums.models import ModerationLogEntry
from members.committee.models import Appointment
from members.cpd import selectors, services
from members.cpd.errors import PortfolioError
from members.cpd.models import Area, Entry
from members.cpd.pdf import pdf_unavailable_reason
from members.cpd.sources import portfolio_sync
from members.models import SubGroup
from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.committee.factories import CommitteeRoleFactory
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def recorded(member):
    """A member who attended a two-hour session, chaired another, served on the committee, moderated, convened."""
    start = timezone.now() - datetime.timedelta(days=40)
    event = EventFactory(title="Captioning lectures", sessions=2, sessions__starts=start)
    first, second = event.sessions.order_by("starts_at")
    first.ends_at = first.starts_at + datetime.timedelta(hours=2)
    first.save()
    registration = RegistrationFactory(event=event, user=member)
    Attendance.objects.create(registration=registration, session=first)
    SessionRole.objects.create(session=second, user=member, role=SessionRole.Role.CHAIR)
    Appointment.objects.create(
        role=CommitteeRoleFactory(title="Treasurer"),
        user=member,
        starts_on=datetime.date(2023, 4, 1),
        ends_on=datetime.date(2026, 4, 1),
    )
    ModerationLogEntry.objects.create(actor=member, action="hide", target="a post")
    SubGroup.objects.create(name="Staff development", slug="staff-development", convenor=member)
    return member


def test_portfolio_fills_itself_from_every_source(member_client, recorded):
    html = member_client.get("/portfolio/").content.decode()
    entries = {e.kind: e for e in Entry.objects.filter(user=recorded)}
    assert set(entries) == {"attended", "presented", "committee", "moderation", "leadership"}
    assert entries["attended"].hours == Decimal("2.00") and entries["attended"].title == "Captioning lectures: Part 1"
    assert entries["presented"].title == "Chair: Captioning lectures: Part 2"
    assert "Committee Treasurer" in entries["committee"].title
    assert "Recorded by the portal: Event attendance" in html and "Recorded by the portal: Sub-group convenor" in html
    portfolio_sync(recorded)  # a second sync changes nothing
    assert Entry.objects.filter(user=recorded).count() == 5


def test_an_unmarked_attendance_leaves_the_portfolio(recorded):
    portfolio_sync(recorded)
    Attendance.objects.all().delete()
    portfolio_sync(recorded)
    assert not Entry.objects.filter(user=recorded, kind="attended").exists()


def test_recorded_entries_cannot_be_edited_but_can_be_reflected_on(member_client, recorded):
    portfolio_sync(recorded)
    entry = Entry.objects.get(user=recorded, kind="attended")
    response = member_client.post(
        f"/portfolio/entries/{entry.pk}/edit/",
        {"title": "Renamed", "hours": "20", "reflection": "Captions help everyone.", "areas": ["teaching"]},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Captioning lectures: Part 1" and entry.hours == Decimal("2.00")  # facts unchanged
    assert entry.reflection == "Captions help everyone." and entry.areas == ["teaching"]
    with pytest.raises(PortfolioError, match="recorded by the portal"):
        services.entry_update(entry=entry, title="Renamed")
    with pytest.raises(PortfolioError, match="cannot be deleted"):
        services.entry_delete(entry=entry)
    portfolio_sync(recorded)  # the reflection survives the next sync
    entry.refresh_from_db()
    assert entry.reflection == "Captions help everyone."


def _own(**overrides):
    data = {
        "title": "Read 'Universal design for learning'",
        "kind": "reading",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "hours": "3.5",
        "link": "https://example.org/udl",
        "areas": ["teaching", "wider"],
        "specialist_area": "Digital accessibility",
        "reflection": "I will add alternatives to every video.",
    }
    data.update(overrides)
    return data


def test_a_member_adds_edits_and_deletes_their_own_entry_with_evidence(member_client, member):
    upload = SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf")
    response = member_client.post("/portfolio/entries/add/", {**_own(), "evidence": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = Entry.objects.get(user=member)
    assert not entry.is_recorded and entry.areas == ["teaching", "wider"] and entry.evidence
    assert member_client.get(f"/portfolio/entries/{entry.pk}/evidence/").status_code == 200
    response = member_client.post(f"/portfolio/entries/{entry.pk}/edit/", _own(title="Read UDL again", hours="4"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Read UDL again" and entry.hours == Decimal("4.00")
    member_client.post(f"/portfolio/entries/{entry.pk}/delete/")
    assert not Entry.objects.filter(user=member).exists()


def test_an_entry_dated_in_the_future_is_refused(member_client, member):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = member_client.post("/portfolio/entries/add/", _own(occurred_on=tomorrow.isoformat()))
    assert response.status_code == 400
    assert "is in the future: add an activity once it has happened" in response.content.decode()
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.pdf", b"MZ\x90\x00 not a pdf at all"), ("slides.exe", PDF), ("photo.png", PDF), ("page.html", b"<html>")],
)
def test_evidence_that_is_not_a_document_is_refused(member_client, member, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = member_client.post("/portfolio/entries/add/", {**_own(), "evidence": upload})
    assert response.status_code == 400
    assert "Evidence must be a document: a PDF, PNG or JPEG file" in response.content.decode()
    assert not Entry.objects.exists()


def test_png_evidence_is_a_document(member):
    entry = services.entry_create(
        user=member,
        evidence=SimpleUploadedFile("poster.png", PNG, content_type="image/png"),
        kind="project",
        title="Poster",
        occurred_on=timezone.localdate(),
        hours=Decimal(1),
        areas=[Area.COMMUNICATION],
    )
    assert entry.evidence.name.endswith("poster.png")


def test_another_members_entry_is_not_found(client, member):
    entry = services.entry_create(user=member, kind="other", title="Mine", occurred_on=timezone.localdate())
    log_in(client, UserFactory())
    assert client.get(f"/portfolio/entries/{entry.pk}/edit/").status_code == 404
    assert client.get(f"/portfolio/entries/{entry.pk}/evidence/").status_code == 404


def test_summary_per_year_per_area_and_the_three_year_view(member):
    today = datetime.date(2026, 6, 1)
    for day, hours, areas, specialist in [
        (datetime.date(2026, 2, 1), "2", ["teaching"], ""),
        (datetime.date(2025, 5, 1), "3", ["teaching", "operational"], "Accessibility"),
        (datetime.date(2022, 5, 1), "10", ["wider"], ""),  # more than three years ago
    ]:
        Entry.objects.create(
            user=member,
            kind="other",
            title="x",
            occurred_on=day,
            hours=Decimal(hours),
            areas=areas,
            specialist_area=specialist,
        )
    data = selectors.portfolio(member, today=today)
    assert [y["year"] for y in data["by_year"]] == [2026, 2025, 2022]
    by_area = {a["code"]: a["hours"] for a in data["by_area"]}
    assert by_area == {"operational": 3, "teaching": 5, "wider": 10, "communication": 0, "specialist": 3}
    three = data["three_years"]
    assert three["since"] == datetime.date(2023, 6, 1) and three["hours"] == 5 and three["count"] == 2
    assert three["missing"] == ["The wider context", "Communication and working with others"]


def test_json_export(member_client, recorded):
    response = member_client.get("/portfolio/export.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["member"] == recorded.name
    assert {e["recorded_by_portal"] for e in data["entries"]} >= {"Event attendance", "Committee appointment"}
    assert data["last_three_years"]["hours"] == "3.00"  # two hours attended, one chaired


@pytest.mark.skipif(pdf_unavailable_reason() is not None, reason="weasyprint needs pango: make install-pdf")
def test_pdf_export_reads_as_the_portfolio(member_client, recorded):
    services.entry_create(
        user=recorded,
        kind="course",
        title="Accessibility in Moodle course",
        occurred_on=timezone.localdate(),
        hours=Decimal(6),
        areas=["operational"],
        reflection="Headings first, then colour.",
    )
    response = member_client.get("/portfolio/export.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"CPD portfolio of {recorded.name}" in text
    assert "Accessibility in Moodle course" in text and "Headings first, then colour." in text
    assert "Recorded by the portal (Event attendance)" in text
    assert "The last three years" in text


def test_pdf_export_says_when_it_is_unavailable(member_client, member, monkeypatch):
    monkeypatch.setattr("members.cpd.views.pdf_unavailable_reason", lambda: "PDF export is unavailable on this server.")
    assert "PDF export is unavailable" in member_client.get("/portfolio/").content.decode()
    response = member_client.get("/portfolio/export.pdf")
    assert response.status_code == 503 and "Download your portfolio as JSON" in response.content.decode()


def test_a_share_link_shows_the_portfolio_until_revoked(member_client, recorded):
    member_client.post("/portfolio/share/", {"label": "CMALT assessor"})
    link = recorded.cpd_share_links.get()
    assert link.label == "CMALT assessor"
    client = Client()  # a visitor with the link, not signed in
    response = client.get(f"/portfolio/shared/{link.token}/")
    assert response.status_code == 200 and "Captioning lectures" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Reflect and tag" not in response.content.decode()
    member_client.post(f"/portfolio/share/{link.pk}/revoke/")
    assert client.get(f"/portfolio/shared/{link.token}/").status_code == 404
    assert client.get(f"/portfolio/shared/{link.token[:-1]}x/").status_code == 404


def test_portfolio_needs_a_login(client):
    assert client.get("/portfolio/").status_code == 302


def test_demo_portfolio_has_every_area_and_seeds_once(client):
    from members import demo
    from members.cpd import demo as demo_cpd

    demo.seed()
    demo_cpd.seed()
    demo_cpd.seed()
    member = Entry.objects.filter(title__startswith="Mentored").get().user
    assert Entry.objects.filter(user=member).count() == len(demo_cpd.ENTRIES)
    covered = {code for e in Entry.objects.filter(user=member) for code in e.areas}
    assert covered == set(Area.values)
