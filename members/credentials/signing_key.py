"""
The group's credential-signing key, read once at start by settings (no Django import here).

CREDENTIALS_SIGNING_KEY holds an Ed25519 private key: a PKCS#8 PEM block (newlines may be written as \\n) or the
32-byte seed in base64url. eddsa-rdfc-2022, the Data Integrity cryptosuite Open Badges 3.0 names, takes no other
key type. With DEBUG and no key, one is generated into var/ once, so `make run` issues credentials that stay
verifiable across restarts.
"""

import base64
import binascii
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

HELP = (
    "give an Ed25519 private key as PEM (-----BEGIN PRIVATE KEY-----...) or as its 32-byte seed in base64url; "
    'make one with: python -c "import secrets,base64;print(base64.urlsafe_b64encode(secrets.token_bytes(32))'
    ".decode().rstrip('='))\""
)


def parse(value):
    """The private key `value` holds, as PKCS#8 PEM bytes. Raises ValueError with a message that never quotes it."""
    text = value.strip().replace("\\n", "\n")
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        except (ValueError, TypeError):
            raise ValueError(f"it is not a readable PEM private key: {HELP}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"it is not an Ed25519 key: {HELP}")
    else:
        try:
            seed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raise ValueError(f"it is neither PEM nor base64url: {HELP}") from None
        if len(seed) != 32:
            raise ValueError(f"a base64url seed must decode to 32 bytes: {HELP}")
        key = Ed25519PrivateKey.from_private_bytes(seed)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def development_key(path):
    """The development key at `path`, made once (readable by its owner only) if it is missing."""
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process (runserver's reloader) made it first
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
    return parse(path.read_text())
