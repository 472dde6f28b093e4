"""
The demo federation for `make run`: `prepare` writes keys, the portal's SAML key and the signed federation metadata
under var/demo-idp/ (keys are kept between runs); `serve` serves the test identity provider (tests/institutions/idp.py)
on 127.0.0.1:8001 until stopped. In DEBUG, settings read var/demo-idp/ when no SAML_* variable is set.

    python -m tests.institutions.demo_idp prepare|serve
"""

import os
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "var" / "demo-idp"
PORT = 8001


def _federation():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigportal.settings")
    os.environ.setdefault("DEBUG", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    from members.institutions import saml
    from tests.institutions.idp import TestFederation, make_keypair

    settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE = make_keypair(FOLDER, "sp", keep=True)
    return TestFederation(FOLDER, base_url=f"http://127.0.0.1:{PORT}", sp_config=saml.sp_config(), keep_keys=True)


def main(argv):
    command = argv[1] if len(argv) > 1 else "serve"
    if not shutil.which("xmlsec1"):
        print("Institutional sign-in demo skipped: Debian's xmlsec1 is not installed (make install-saml).")
        return
    federation = _federation()
    if command == "prepare":
        print(f"Demo federation metadata written to {federation.metadata_path}")
        return
    from tests.institutions.idp import IdentityProviderServer

    server = IdentityProviderServer(federation, PORT).start()
    print(f"Test identity provider at http://127.0.0.1:{PORT}/ (Example University, Sample College)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main(sys.argv)
