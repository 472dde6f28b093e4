"""
Uploads on S3-compatible storage, as several web servers share them: a local S3 server (moto in server mode, a
process of its own on a free port) stands in for the bucket.

The storage settings are the ones sigportal/settings.py builds when AWS_STORAGE_BUCKET_NAME is set, read from a
fresh process given that environment (not written out again here). The bucket is set up as docs/OPERATIONS.md tells
an operator to: a policy lets anyone read media/* and nothing else. A profile photo uploaded through the profile form
lands in the bucket and is linked by its bucket address, which an anonymous client can read; a proof of membership
lands under private/, an anonymous read of its object address is refused, and the officers' view still streams it.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.committee.models import Nomination, NominationQuestion
from members.models import Profile
from tests.members.committee.factories import CommitteeRoleFactory, NominationCallFactory, association_member, open_role
from tests.members.committee.factories import statement as nomination_statement
from tests.processes import ROOT, Process, free_port, wait_for_port
from tests.second_factor import log_in

BUCKET = "sigportal-uploads"
PDF = b"%PDF-1.4\n%proof of membership\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
# Dummy credentials: boto3 reads them from the environment, as it would a real deployment's.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
PUBLIC_MEDIA_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "VisitorsReadPublicUploads",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/media/*",
        }
    ],
}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """A moto S3 server on a free port, with the portal's bucket and its public-media policy."""
    pytest.importorskip("moto.server", reason="needs moto[server] (the dev extras)")
    import boto3

    log_dir = tmp_path_factory.mktemp("s3")
    port = free_port()
    server = Process(
        "moto",
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, **AWS_ENV},
        log_dir=log_dir,
    )
    try:
        wait_for_port(port, timeout=30, proc=server.proc)
        endpoint = f"http://127.0.0.1:{port}"
        s3 = boto3.client("s3", endpoint_url=endpoint, **_boto_credentials())
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_MEDIA_POLICY))
        yield endpoint
    finally:
        server.stop()
        shutil.rmtree(log_dir, ignore_errors=True)


def _boto_credentials():
    return {
        "aws_access_key_id": AWS_ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        "region_name": AWS_ENV["AWS_DEFAULT_REGION"],
    }


def _storage_settings_from_the_environment(endpoint):
    """STORAGES and every AWS_* setting as sigportal/settings.py makes them from these variables."""
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'STORAGES': {k: settings.STORAGES[k] for k in ('default', 'private')}, "
        "**{name: getattr(settings, name) for name in dir(settings) if name.startswith('AWS_')}}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sigportal.settings",
            "DEBUG": "true",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            **AWS_ENV,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def s3_storage(s3_endpoint, settings, monkeypatch):
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    configured = _storage_settings_from_the_environment(s3_endpoint)
    assert configured["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert configured["STORAGES"]["private"]["BACKEND"] == "storages.backends.s3.S3Storage"
    # Buckets with ACLs disabled (AWS's default) refuse uploads that set one; moto does not, so it is checked here.
    assert configured["AWS_DEFAULT_ACL"] is None
    assert "default_acl" not in configured["STORAGES"]["private"].get("OPTIONS", {})
    for name, value in configured.items():
        setattr(settings, name, value if name != "STORAGES" else {**settings.STORAGES, **value})
    import boto3

    return boto3.client("s3", endpoint_url=s3_endpoint, **_boto_credentials())


def _anonymous_get(url):
    """(status, body) of a GET with no credentials at all, as a visitor's browser would send it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local test server
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_a_profile_photo_lands_in_the_bucket_and_is_served_from_its_address(
    client, member, settings, s3_storage, s3_endpoint
):
    log_in(client, member)
    response = client.post(
        "/account/profile/",
        {
            "name": "Robin Testmember",
            "region": "wales",
            "time_zone": "",
            "expertise": "accessibility",
            "show_in_directory": "on",
            "share_photo": "on",
            "photo": _photo(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = Profile.objects.get(user=member)
    key = f"media/{profile.photo.name}"
    stored = s3_storage.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"  # the service's resized copy, not the raw upload

    url = profile.photo.url
    assert url == f"{s3_endpoint}/{BUCKET}/{key}", "a plain bucket address: a signed one would expire in a cached page"
    page = client.get(f"/members/{member.pk}/")
    assert url in page.content.decode()
    assert _anonymous_get(url) == (200, stored)
    assert not os.path.exists(settings.MEDIA_ROOT), "nothing is written to the web server's own disk"


@pytest.mark.django_db
def test_a_proof_of_membership_stays_private_in_the_bucket_yet_officers_download_it(
    client, member, officer, s3_storage
):
    call = NominationCallFactory(title="Committee nominations 2027", slug="nominations-2027")
    open_role(call, CommitteeRoleFactory(title="Chair", slug="chair", order=1))
    question = NominationQuestion.objects.create(call=call, text="Can you attend?", required=True)
    association_member(member)
    log_in(client, member)
    response = client.post(
        f"/committee/calls/{call.slug}/nominate/chair/",
        {
            "statement": nomination_statement(50),
            "proof_kind": "upload",
            "proof_file": SimpleUploadedFile("membership.pdf", PDF, content_type="application/pdf"),
            f"question_{question.pk}": "Yes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    nomination = Nomination.objects.get()
    key = f"private/{nomination.proof_file.name}"
    assert s3_storage.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
    assert not s3_storage.list_objects_v2(Bucket=BUCKET, Prefix=f"media/{nomination.proof_file.name}").get("Contents")

    # The object's own address, unsigned, as anyone who learnt the name would try it.
    status, body = _anonymous_get(f"{s3_storage.meta.endpoint_url}/{BUCKET}/{key}")
    assert status == 403
    assert PDF not in body

    proof_url = f"/committee/nominations/{nomination.pk}/proof/"
    assert client.get(proof_url).status_code == 403  # the nominee: officers only
    log_in(client, officer)
    response = client.get(proof_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
