"""
A second, independent check of eddsa-rdfc-2022 (W3C Data Integrity EdDSA Cryptosuites, section 3.3), written from
the specification with pyld (RDF canonicalization) and cryptography (Ed25519), sharing no code with openbadgeslib's
verifier. Only the JSON-LD context files are taken from the copies openbadgeslib ships (the published W3C and
1EdTech contexts, so nothing is fetched from the network).
"""

import hashlib
import json
from importlib import resources

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
}
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _loader(url, options=None):
    name = CONTEXT_FILES[url]  # anything else is not a context these credentials use: KeyError
    text = resources.files("openbadgeslib.ob3.contexts").joinpath(name).read_text()
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(text)}


def base58btc_decode(text):
    number = 0
    for char in text:
        number = number * 58 + ALPHABET.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def _canonical_hash(document):
    nquads = jsonld.normalize(
        document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _loader}
    )
    return hashlib.sha256(nquads.encode()).digest()


def public_key_from_multikey(multibase):
    """An Ed25519 Multikey: 'z' + base58btc(0xed 0x01 + 32 bytes)."""
    assert multibase.startswith("z")
    raw = base58btc_decode(multibase[1:])
    assert raw[:2] == b"\xed\x01", "not an Ed25519 multikey"
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def verify(document, public_key):
    """Raises cryptography's InvalidSignature unless the proof signs exactly this document."""
    document = json.loads(json.dumps(document))
    proof = document.pop("proof")
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    signature = base58btc_decode(proof.pop("proofValue")[1:])
    proof_config = {"@context": document["@context"], **proof}
    public_key.verify(signature, _canonical_hash(proof_config) + _canonical_hash(document))
