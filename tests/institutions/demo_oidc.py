"""
The demo OpenID Connect provider for `make run`: the tests' provider (tests/institutions/oidc_provider.py) playing
"Example College"'s Microsoft Entra tenant on 127.0.0.1:8002, with a log-in page where you pick who you are.

`prepare` writes var/demo-idp/oidc-provider.json (the portal's settings for it, with a random client secret) and
oidc-key.json (its signing key); both are kept between runs. `serve` serves it until stopped. In DEBUG, with no
OIDC_*_CLIENT_ID set, settings add the "demo" provider from oidc-provider.json (README, "Institutional sign-in").

    python -m tests.institutions.demo_oidc prepare|serve
"""

import json
import secrets
import sys
import threading
from pathlib import Path

from joserfc.jwk import RSAKey

from tests.institutions.oidc_provider import CLIENT_ID, OidcProviderServer

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "var" / "demo-idp"
PORT = 8002
# Example College's tenant: the same id is listed by the demo organisation (members/institutions/demo.py).
TENANT = "0c011e9e-0000-4000-8000-000000000de0"

PEOPLE = {
    "jo": {
        "sub": "jo-tutor-subject",
        "email": "jo.tutor@example-college.ac.uk",
        "name": "Jo Tutor",
        "tid": TENANT,
        "amr": ["pwd"],
    },
    "kai": {
        "sub": "kai-dean-subject",
        "email": "kai.dean@example-college.ac.uk",
        "name": "Kai Dean",
        "tid": TENANT,
        "amr": ["pwd", "mfa"],
    },
}


def prepare(folder=FOLDER, port=PORT):
    """Writes the provider's key and the portal's settings for it, unless they exist; returns those settings."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key_path, settings_path = folder / "oidc-key.json", folder / "oidc-provider.json"
    if not key_path.exists():
        key = RSAKey.generate_key(2048).as_dict(private=True)
        key_path.write_text(json.dumps({"kid": secrets.token_hex(4), "key": key}))
        key_path.chmod(0o600)
    if not settings_path.exists():
        settings_path.write_text(
            json.dumps(
                {
                    "kind": "microsoft",
                    "name": "Example College",
                    "discovery_url": f"http://127.0.0.1:{port}/.well-known/openid-configuration",
                    "client_id": CLIENT_ID,
                    "client_secret": secrets.token_urlsafe(24),
                    "tenants": [TENANT],
                },
                indent=2,
            )
        )
        settings_path.chmod(0o600)
    return json.loads(settings_path.read_text())


def server(folder=FOLDER, port=PORT):
    conf = prepare(folder, port)
    stored = json.loads((Path(folder) / "oidc-key.json").read_text())
    return OidcProviderServer(
        port,
        people=PEOPLE,
        key=RSAKey.import_key(stored["key"]),
        kid=stored["kid"],
        client_secret=conf["client_secret"],
        choose=True,
    )


def main(argv):
    command = argv[1] if len(argv) > 1 else "serve"
    if command == "prepare":
        prepare()
        print(f"Demo OpenID provider settings written to {FOLDER / 'oidc-provider.json'}")
        return
    running = server().start()
    print(f"Demo OpenID provider at http://127.0.0.1:{PORT}/ (Example College: jo, kai)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        running.stop()


if __name__ == "__main__":
    main(sys.argv)
