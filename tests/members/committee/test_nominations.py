import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members.committee import errors
from members.committee.models import Appointment, Nomination, NominationAnswer, NominationQuestion
from members.committee.services import nominations
from members.models import AssociationMembership
from members.roles import is_officer
from tests.members.committee.factories import (
    CommitteeRoleFactory,
    NominationCallFactory,
    NominationFactory,
    association_member,
    open_role,
    statement,
)
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
PDF = b"%PDF-1.4\n%test\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def call():
    call = NominationCallFactory(title="Committee nominations 2027", slug="nominations-2027")
    open_role(call, CommitteeRoleFactory(title="Chair", slug="chair", order=1))
    open_role(call, CommitteeRoleFactory(title="Co-Chair", slug="co-chair", order=2, seats=2), seats=2)
    NominationQuestion.objects.create(call=call, text="Can you attend quarterly meetings?", required=True)
    return call


@pytest.fixture
def nominee(member):
    return association_member(member)


def chair(call):
    return call.roles.get(slug="chair")


def form_data(call, words=50, **extra):
    question = call.questions.get()
    return {
        "statement": statement(words),
        "proof_kind": "verified",
        f"question_{question.pk}": "Yes",
        **extra,
    }


def submit(client, call, role_slug="chair", capture=None, **data):
    url = f"/committee/calls/{call.slug}/nominate/{role_slug}/"
    payload = form_data(call, **data)
    if capture:
        with capture(execute=True):
            return client.post(url, payload)
    return client.post(url, payload)


# --- The call page ------------------------------------------------------------------------------------------


def test_call_page_shows_the_deadline_with_its_zone_and_a_countdown(client):
    call = NominationCallFactory(
        opens_at=datetime.datetime(2024, 1, 8, 9, 0, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2024, 2, 19, 12, 0, tzinfo=datetime.UTC),
    )
    html = client.get(call.get_absolute_url()).content.decode()
    assert "12:00 GMT, Monday 19 February 2024" in html
    assert 'src="/static/js/committee.js"' in html
    assert "<script>" not in html


def test_open_call_renders_a_server_side_countdown(client, call):
    html = client.get(call.get_absolute_url()).content.decode()
    assert 'id="countdown"' in html and "6 days" in html
    assert "Nominate yourself" not in html  # visitors are asked to log in
    assert "Log in to nominate yourself" in html


def test_bst_deadline_names_the_zone(client):
    call = NominationCallFactory(closes_at=datetime.datetime(2030, 6, 3, 11, 0, tzinfo=datetime.UTC))
    assert "12:00 BST, Monday 3 June 2030" in client.get(call.get_absolute_url()).content.decode()


# --- Submitting ---------------------------------------------------------------------------------------------


def test_member_submits_a_nomination_and_gets_a_confirmation(client, call, nominee, django_capture_on_commit_callbacks):
    log_in(client, nominee)
    response = submit(client, call, capture=django_capture_on_commit_callbacks, words=200)
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.word_count == 200 and nomination.status == "submitted"
    assert NominationAnswer.objects.get().answer == "Yes"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [nominee.email]
    assert "Chair" in mail.outbox[0].subject
    # Back on the call page the member sees it and can edit or withdraw.
    html = client.get(call.get_absolute_url()).content.decode()
    assert "Your nomination: <strong>Submitted</strong>" in html
    assert "Edit your Chair nomination" in html


def test_separate_nominations_for_separate_roles(client, call, nominee):
    log_in(client, nominee)
    assert submit(client, call, "chair").status_code == 302
    assert submit(client, call, "co-chair").status_code == 302
    assert Nomination.objects.count() == 2


def test_statement_of_201_words_is_refused_with_the_count(client, call, nominee):
    log_in(client, nominee)
    response = submit(client, call, words=201)
    assert response.status_code == 400
    assert "Your statement has 201 words; the limit is 200. Please remove 1." in response.content.decode()
    assert Nomination.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        (statement(199) + " well-known", True),  # 200 with a hyphenated word
        (statement(200) + " — !!", True),  # punctuation-only tokens do not count
        (statement(200).replace(" ", "\n"), True),  # line breaks separate words, 200 still
        (statement(200) + "\n\nextra", False),
    ],
)
def test_statement_edge_cases(client, call, nominee, text, ok):
    log_in(client, nominee)
    response = submit(client, call, statement=text)
    assert (response.status_code == 302) is ok
    assert Nomination.objects.exists() is ok


def test_word_limit_is_also_enforced_by_the_service(call, nominee):
    with pytest.raises(Exception, match="201 words"):
        nominations.nomination_submit(
            call=call,
            role=chair(call),
            nominee=nominee,
            statement=statement(201),
            answers={call.questions.get().pk: "Yes"},
        )


def test_second_nomination_for_the_same_role_is_refused(client, call, nominee):
    log_in(client, nominee)
    submit(client, call)
    first = Nomination.objects.get()
    response = submit(client, call, words=20)
    assert response.status_code == 400
    assert "already submitted a nomination for Chair" in response.content.decode()
    assert Nomination.objects.count() == 1
    first.refresh_from_db()
    assert first.word_count == 50


def test_required_question_must_be_answered(client, call, nominee):
    log_in(client, nominee)
    question = call.questions.get()
    response = submit(client, call, **{f"question_{question.pk}": ""})
    assert response.status_code == 400
    assert Nomination.objects.count() == 0


def test_non_member_gets_the_form_with_the_membership_claim_not_a_dead_end(client, call, member):
    log_in(client, member)
    response = client.get(f"/committee/calls/{call.slug}/nominate/chair/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your association membership number" in html
    assert "e.g. ALTP-20417" in html
    assert "/account/membership/" not in html.replace('href="/account/membership/"', "")  # no raw path in the text
    # Without a number and proof nothing is saved, and the member is told what is missing.
    response = submit(client, call)
    assert response.status_code == 400
    assert "Give your association membership number" in response.content.decode()
    assert Nomination.objects.count() == 0


def test_expired_or_unverified_membership_is_not_enough(call, member):
    association_member(member, status=AssociationMembership.Status.UNVERIFIED)
    assert nominations.membership_problem(member)
    association_member(member, expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert nominations.membership_problem(member)


def test_visitor_is_sent_to_log_in(client, call):
    response = client.get(f"/committee/calls/{call.slug}/nominate/chair/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    "deadline",
    [
        datetime.datetime(2024, 2, 19, 12, 0, tzinfo=LONDON),  # GMT
        datetime.datetime(2024, 6, 19, 12, 0, tzinfo=LONDON),  # BST
    ],
    ids=["gmt", "bst"],
)
def test_one_second_after_the_deadline_is_refused(call, nominee, deadline):
    call.opens_at = deadline - datetime.timedelta(days=30)
    call.closes_at = deadline
    call.save()
    answers = {call.questions.get().pk: "Yes"}
    with pytest.raises(errors.NominationError, match="deadline .* has passed"):
        nominations.nomination_submit(
            call=call,
            role=chair(call),
            nominee=nominee,
            statement="Hello there",
            answers=answers,
            now=deadline + datetime.timedelta(seconds=1),
        )
    assert Nomination.objects.count() == 0
    # One second before is fine.
    nominations.nomination_submit(
        call=call,
        role=chair(call),
        nominee=nominee,
        statement="Hello there",
        answers=answers,
        now=deadline - datetime.timedelta(seconds=1),
    )
    nomination = Nomination.objects.get()
    with pytest.raises(errors.NominationError):
        nominations.nomination_update(
            nomination=nomination,
            statement="Changed",
            answers=answers,
            now=deadline + datetime.timedelta(seconds=1),
        )
    with pytest.raises(errors.NominationError):
        nominations.nomination_withdraw(nomination=nomination, now=deadline)
    nomination.refresh_from_db()
    assert nomination.statement == "Hello there" and nomination.status == "submitted"


def test_after_the_deadline_the_form_is_closed(client, call, nominee):
    call.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    call.save()
    log_in(client, nominee)
    response = submit(client, call)
    assert response.status_code == 403
    assert "deadline" in response.content.decode()
    assert Nomination.objects.count() == 0


# --- Proof of membership ------------------------------------------------------------------------------------


def test_uploaded_pdf_is_stored_privately_and_only_officers_can_read_it(
    client, call, nominee, officer, moderator, settings
):
    log_in(client, nominee)
    upload = SimpleUploadedFile("membership.pdf", PDF, content_type="application/pdf")
    assert submit(client, call, proof_kind="upload", proof_file=upload).status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.proof_kind == "upload"
    stored_at = nomination.proof_file.path
    assert stored_at.startswith(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert not stored_at.startswith(settings.MEDIA_ROOT)
    url = f"/committee/nominations/{nomination.pk}/proof/"
    assert client.get(url).status_code == 403  # the nominee themselves: officers only
    client.logout()
    assert client.get(url).status_code == 302  # visitor: log in
    log_in(client, moderator)
    assert client.get(url).status_code == 403
    log_in(client, officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_png_is_accepted(client, call, nominee):
    log_in(client, nominee)
    upload = SimpleUploadedFile("card.png", PNG, content_type="image/png")
    assert submit(client, call, proof_kind="upload", proof_file=upload).status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "the limit is 5 MB"),
        ("notes.txt", b"hello", "must be a PDF, PNG or JPEG"),
        ("fake.pdf", b"MZ\x90\x00 not really a pdf", "must be a PDF, PNG or JPEG"),
        ("script.png", b"%PDF-1.4 but named png", "must be a PDF, PNG or JPEG"),
    ],
)
def test_bad_proof_files_are_refused(client, call, nominee, name, content, message):
    log_in(client, nominee)
    upload = SimpleUploadedFile(name, content)
    response = submit(client, call, proof_kind="upload", proof_file=upload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Nomination.objects.count() == 0


def test_upload_chosen_without_a_file(client, call, nominee):
    log_in(client, nominee)
    response = submit(client, call, proof_kind="upload")
    assert response.status_code == 400
    assert "Upload your proof of membership" in response.content.decode()


# --- Edit and withdraw --------------------------------------------------------------------------------------


def test_edit_then_withdraw_before_the_deadline(client, call, nominee, django_capture_on_commit_callbacks):
    log_in(client, nominee)
    submit(client, call)
    nomination = Nomination.objects.get()
    edit_url = f"/committee/nominations/{nomination.pk}/edit/"
    assert client.get(f"/committee/calls/{call.slug}/nominate/chair/").url == edit_url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, form_data(call, words=120))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.word_count == 120
    assert "updated" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/committee/nominations/{nomination.pk}/withdraw/")
    nomination.refresh_from_db()
    assert nomination.status == "withdrawn"
    assert "withdrawn" in mail.outbox[-1].subject
    # After withdrawing, the member may nominate themselves again for the same role.
    assert submit(client, call).status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


def test_someone_elses_nomination_cannot_be_edited_or_withdrawn(client, call, nominee):
    other = association_member(UserFactory())
    theirs = NominationFactory(call=call, role=chair(call), nominee=other)
    log_in(client, nominee)
    assert client.get(f"/committee/nominations/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/committee/nominations/{theirs.pk}/withdraw/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "submitted"


def test_after_the_deadline_the_nomination_is_read_only(client, call, nominee):
    nomination = NominationFactory(call=call, role=chair(call), nominee=nominee)
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save()
    log_in(client, nominee)
    response = client.get(f"/committee/nominations/{nomination.pk}/edit/")
    assert "has passed" in response.content.decode()
    response = client.post(f"/committee/nominations/{nomination.pk}/edit/", form_data(call, words=3))
    assert response.status_code == 403
    client.post(f"/committee/nominations/{nomination.pk}/withdraw/")
    nomination.refresh_from_db()
    assert nomination.status == "submitted" and nomination.statement == "I would like to serve."


# --- Officers' review ---------------------------------------------------------------------------------------


def action(client, name, nominations_, **extra):
    return client.post(
        "/admin/committee/nomination/",
        {"action": name, "_selected_action": [n.pk for n in nominations_], **extra},
    )


def test_officer_accepts_and_the_nominee_is_emailed(client, call, officer, django_capture_on_commit_callbacks):
    nomination = NominationFactory(call=call, role=chair(call))
    log_in(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client, "accept", [nomination])
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "accepted" and nomination.reviewed_by == officer
    assert mail.outbox[-1].to == [nomination.nominee.email] and "candidate" in mail.outbox[-1].subject


def test_decline_asks_for_a_reason_then_emails_it(client, call, officer, django_capture_on_commit_callbacks):
    nomination = NominationFactory(call=call, role=chair(call))
    log_in(client, officer)
    response = action(client, "decline", [nomination])
    assert response.status_code == 200 and "Reason (the nominee is told this)" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client, "decline", [nomination], reason="Membership could not be confirmed.")
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "declined"
    assert "Membership could not be confirmed." in mail.outbox[-1].body


def test_admin_lists_by_call_and_role_and_is_read_only(client, call, officer):
    nomination = NominationFactory(call=call, role=chair(call))
    log_in(client, officer)
    response = client.get(f"/admin/committee/nomination/?call__id__exact={call.pk}&role__id__exact={chair(call).pk}")
    assert response.status_code == 200 and str(nomination.nominee) in response.content.decode()
    client.post(f"/admin/committee/nomination/{nomination.pk}/change/", {"statement": "Edited by an officer"})
    nomination.refresh_from_db()
    assert nomination.statement == "I would like to serve."


def test_appoint_uncontested_candidates_after_the_deadline(client, call, officer):
    co_chair = call.roles.get(slug="co-chair")
    first = NominationFactory(call=call, role=co_chair, status="accepted", nominee=UserFactory(name="Uncontested One"))
    second = NominationFactory(call=call, role=co_chair, status="accepted")
    log_in(client, officer)
    action(client, "appoint", [first, second])
    assert Appointment.objects.count() == 0  # still open: not yet
    call.closes_at = timezone.now() - datetime.timedelta(hours=1)
    call.save()
    response = action(client, "appoint", [first, second])
    assert response.status_code == 302
    assert Appointment.objects.filter(role=co_chair).count() == 2
    first.refresh_from_db()
    assert first.status == "appointed" and first.appointment.ends_on.year == timezone.localdate().year + 3
    assert is_officer(type(first.nominee).objects.get(pk=first.nominee_id))


def test_appoint_refuses_a_contested_role(client, call, officer):
    role = chair(call)
    a = NominationFactory(call=call, role=role, status="accepted")
    NominationFactory(call=call, role=role, status="accepted")
    call.closes_at = timezone.now() - datetime.timedelta(hours=1)
    call.save()
    log_in(client, officer)
    response = action(client, "appoint", [a])
    assert response.status_code == 302
    assert Appointment.objects.count() == 0
    a.refresh_from_db()
    assert a.status == "accepted"


@pytest.mark.parametrize("who", ["visitor", "member", "moderator"])
def test_non_officers_cannot_review(client, call, who, member, moderator):
    nomination = NominationFactory(call=call, role=chair(call))
    if who != "visitor":
        log_in(client, member if who == "member" else moderator)
    response = action(client, "accept", [nomination])
    assert response.status_code == 302 and "/login/" in response.url
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


def test_proof_helper_rejects_oversize_without_reading_it_all():
    upload = SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * 10)
    upload.size = 6 * 1024 * 1024
    with pytest.raises(Exception, match="limit is 5 MB"):
        nominations.check_proof_file(upload)
    assert nominations.check_proof_file(SimpleUploadedFile("ok.JPG", b"\xff\xd8\xff\xe0" + b"0" * 8)) == "jpeg"


def test_call_page_query_count_does_not_grow_with_candidates(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def closed_call(slug, candidates):
        call = NominationCallFactory(slug=slug, closes_at=timezone.now() - datetime.timedelta(days=1))
        role = CommitteeRoleFactory(title=f"Role for {slug}", slug=f"role-{slug}")
        open_role(call, role)
        NominationQuestion.objects.create(call=call, text="Question?")
        for _ in range(candidates):
            NominationFactory(call=call, role=role, status="accepted")
        return call

    small, large = closed_call("small", 2), closed_call("large", 30)
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        response = client.get(large.get_absolute_url())
    assert response.content.decode().count("Test Person") >= 30
    assert len(few) == len(many)


def test_a_declined_nomination_cannot_be_edited(client, call, nominee):
    nomination = NominationFactory(call=call, role=chair(call), nominee=nominee, status="declined")
    log_in(client, nominee)
    response = client.get(f"/committee/nominations/{nomination.pk}/edit/")
    assert "Officers have already decided" in response.content.decode()
    response = client.post(f"/committee/nominations/{nomination.pk}/edit/", form_data(call, words=3))
    assert response.status_code == 403
    nomination.refresh_from_db()
    assert nomination.statement == "I would like to serve."
