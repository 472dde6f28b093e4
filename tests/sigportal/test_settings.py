"""The portal refuses to start on a wrong or missing setting, and names the variable."""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(60)
# The test run's own environment must not leak into the portal being checked.
IGNORED = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CREDENTIALS_SIGNING_KEY",
}
# An Ed25519 seed in base64url, as .env.example shows.
SIGNING_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _check(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in IGNORED}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _check(DEBUG="false", ALLOWED_HOSTS="sig.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = _check(DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="sig.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nonsense://somewhere/db"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("SITE_URL", "not a url"),
        ("EMAIL_URL", "pigeon://coop"),
        ("CREDENTIALS_SIGNING_KEY", "not-a-key"),
        ("CREDENTIALS_SIGNING_KEY", "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----"),
    ],
)
def test_a_malformed_variable_stops_the_portal_with_its_name(name, value):
    env = {"DEBUG": "true", name: value}
    result = _check(**env)
    assert result.returncode != 0
    assert f"Environment variable {name} is not valid" in result.stderr


def test_deploy_check_passes_with_production_like_settings():
    result = _check(
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="sig.example.org",
        SITE_URL="https://sig.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CREDENTIALS_SIGNING_KEY=SIGNING_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_rate_limits_and_tasks_have_no_redis():
    result = _check(
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="sig.example.org",
        SITE_URL="https://sig.example.org",
    )
    assert result.returncode != 0
    assert "sigportal.W001" in result.stderr
    assert "sigportal.W002" in result.stderr
    assert "credentials.W001" in result.stderr  # and no signing key: the portal starts, but issues no credentials


def test_production_sends_a_content_security_policy_without_inline_scripts(client, settings, db):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", ""),
        ("DATABASE_URL", "postgres//127.0.0.1/sigportal"),
        ("DATABASE_URL", "127.0.0.1:5432"),
        ("REDIS_URL", ""),
        ("REDIS_URL", "redis://"),
        ("REDIS_URL", "redis//127.0.0.1:6379/0"),
        ("REDIS_URL", "sentinel://10.0.0.1:26379,10.0.0.2:26379/0"),  # no ?master=
        ("REDIS_URL", "sentinel://10.0.0.1:port/0?master=mymaster"),
        ("SITE_URL", ""),
        ("EMAIL_URL", "smtp//mail.example.org"),
    ],
)
def test_an_empty_or_malformed_url_variable_is_named(name, value):
    result = _check(**{"DEBUG": "true", name: value})
    assert result.returncode != 0
    assert f"Environment variable {name} is not valid" in result.stderr
    assert "KeyError" not in result.stderr


def _variables_settings_read():
    source = (ROOT / "sigportal" / "settings.py").read_text()
    patterns = [
        r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"',
        r'_env_or_fail\(\s*env\.\w+,\s*"([A-Z][A-Z0-9_]+)"',
        r'_env_bool\(\s*"([A-Z][A-Z0-9_]+)"',
    ]
    return {name for pattern in patterns for name in re.findall(pattern, source)}


def test_every_variable_settings_read_is_in_env_example_with_a_comment():
    read = _variables_settings_read()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DIGEST_BATCH_SIZE", "BENCH_MODE"} <= read
    lines = (ROOT / ".env.example").read_text().splitlines()
    documented = {}
    for number, line in enumerate(lines):
        match = re.match(r"#?\s*([A-Z][A-Z0-9_]+)=", line)
        if match:
            documented[match.group(1)] = number
    missing = sorted(read - documented.keys())
    assert missing == [], f"not in .env.example: {missing}"
    # Each is explained: a comment sentence above it (a run of variables may share one).
    for name in read:
        number = documented[name]
        above = [line for line in lines[:number] if line.strip()]
        assert any(not re.match(r"#?\s*[A-Z][A-Z0-9_]+=", line) and line.startswith("# ") for line in above[-6:]), name


def test_a_credentials_key_of_the_wrong_kind_is_refused_without_being_echoed():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    result = _check(DEBUG="true", CREDENTIALS_SIGNING_KEY=pem)
    assert result.returncode != 0
    assert "Environment variable CREDENTIALS_SIGNING_KEY is not valid: it is not an Ed25519 key" in result.stderr
    assert pem.splitlines()[1] not in result.stderr


def test_a_development_credentials_key_is_made_once(tmp_path):
    from members.credentials import signing_key

    path = tmp_path / "var" / "credentials-signing-key.pem"
    first = signing_key.development_key(path)
    assert signing_key.development_key(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
