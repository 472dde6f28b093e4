"""
A real SAML 2.0 identity provider for tests and for trying the portal locally (`make idp`): pysaml2's IdP, served
over HTTP on 127.0.0.1, hosting two institutions of a test federation and one impostor that the federation does not
list. The federation's metadata (both institutions and the service providers) is signed with a test federation key,
exactly as a real federation signs its metadata; every key is made fresh in a folder given by the caller.

Its login page asks for a username (no password: it is a test IdP) and offers the people in USERS.
`IdentityProviderServer.behaviour` changes how the next answers are made, for the refused cases: "expired"
(an assertion whose lifetime is over), "other-audience" (an answer for another service provider) and "impostor"
(signed by an identity provider outside the federation).
"""

import datetime
import html
import re
import threading
import urllib.parse
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, class_name
from saml2.config import Config, IdPConfig, SPConfig
from saml2.metadata import entities_descriptor, entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT
from saml2.server import Server
from saml2.sigver import pre_signature_part, security_context, signed_instance_factory
from saml2.time_util import a_while_ago

REFEDS_MFA = "https://refeds.org/profile/mfa"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
OTHER_SP = "https://other-portal.example.org/shibboleth"

# The two institutions the federation lists (key: path on the server), and one it does not.
INSTITUTIONS = {
    "example-university": {"name": "Example University", "scope": "example.ac.uk"},
    "sample-college": {"name": "Sample College", "scope": "sample-college.ac.uk"},
}
IMPOSTOR = {"key": "impostor", "name": "Impostor University", "scope": "example.ac.uk"}

# The people each institution knows: attributes as their IdP asserts them.
USERS = {
    "example-university": {
        "alex": {
            "eduPersonPrincipalName": ["alex@example.ac.uk"],
            "mail": ["alex.lecturer@example.ac.uk"],
            "displayName": ["Alex Lecturer"],
            "eduPersonScopedAffiliation": ["staff@example.ac.uk", "member@example.ac.uk"],
        },
        "sam": {
            "eduPersonPrincipalName": ["sam@example.ac.uk"],
            "mail": ["sam.student@example.ac.uk"],
            "displayName": ["Sam Student"],
            "eduPersonScopedAffiliation": ["student@example.ac.uk"],
        },
    },
    "sample-college": {
        "jo": {
            "eduPersonPrincipalName": ["jo@sample-college.ac.uk"],
            "mail": ["jo@sample-college.ac.uk"],
            "displayName": ["Jo Tutor"],
            "eduPersonScopedAffiliation": ["faculty@sample-college.ac.uk"],
        },
    },
    "impostor": {
        "alex": {
            "eduPersonPrincipalName": ["alex@example.ac.uk"],
            "mail": ["alex.lecturer@example.ac.uk"],
            "displayName": ["Alex Lecturer"],
            "eduPersonScopedAffiliation": ["staff@example.ac.uk"],
        },
    },
}


def make_keypair(folder, name, *, keep=False):
    """A fresh RSA key and a self-signed certificate (PEM files), as federations and IdPs use for signing; with
    `keep`, the pair already in the folder is used again (the demo federation keeps its keys between runs)."""
    folder = Path(folder)
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    if keep and key_path.exists() and cert_path.exists():
        return str(key_path), str(cert_path)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class TestFederation:
    """The keys, the identity providers' configurations and the signed federation metadata, in `folder`."""

    def __init__(self, folder, *, base_url, sp_config, keep_keys=False):
        self.folder = Path(folder)
        self.base_url = base_url.rstrip("/")
        self.federation_key, self.federation_cert = make_keypair(self.folder, "federation", keep=keep_keys)
        self.metadata_path = self.folder / "federation-metadata.xml"
        self.sp_config = sp_config
        self.idp_configs = {}
        for key, info in {**INSTITUTIONS, IMPOSTOR["key"]: IMPOSTOR}.items():
            key_file, cert_file = make_keypair(self.folder, f"idp-{key}", keep=keep_keys)
            self.idp_configs[key] = self._idp_config_dict(key, info, key_file, cert_file)
        self.write_metadata()

    def entity_id(self, key):
        return f"{self.base_url}/{key}/metadata"

    def _idp_config_dict(self, key, info, key_file, cert_file):
        return {
            "entityid": self.entity_id(key),
            "xmlsec_binary": self.sp_config.xmlsec_binary,
            "key_file": key_file,
            "cert_file": cert_file,
            "organization": {
                "name": [(info["name"], "en")],
                "display_name": [(info["name"], "en")],
                "url": [(f"https://www.{info['scope']}/", "en")],
            },
            "service": {
                "idp": {
                    "name": info["name"],
                    "scope": [info["scope"]],
                    "endpoints": {
                        "single_sign_on_service": [(f"{self.base_url}/{key}/sso/redirect", BINDING_HTTP_REDIRECT)]
                    },
                    "name_id_format": [NAMEID_FORMAT_TRANSIENT, NAMEID_FORMAT_PERSISTENT],
                    "policy": {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_URI}},
                    "sign_assertion": True,
                    "sign_response": False,
                }
            },
        }

    def write_metadata(self, *, valid_hours=24 * 7):
        """Signs an EntitiesDescriptor with both institutions (not the impostor) and the service providers."""
        eds = []
        for key in INSTITUTIONS:
            conf = IdPConfig()
            conf.load(dict(self.idp_configs[key]))
            eds.append(entity_descriptor(conf))
        eds.append(entity_descriptor(self.sp_config))
        other = SPConfig()
        other.load(
            {
                "entityid": OTHER_SP,
                "xmlsec_binary": self.sp_config.xmlsec_binary,
                "service": {
                    "sp": {
                        "endpoints": {
                            "assertion_consumer_service": [
                                ("https://other-portal.example.org/Shibboleth.sso/SAML2/POST", BINDING_HTTP_POST)
                            ]
                        }
                    }
                },
            }
        )
        eds.append(entity_descriptor(other))
        signer = Config()
        signer.key_file, signer.cert_file = self.federation_key, self.federation_cert
        signer.xmlsec_binary = self.sp_config.xmlsec_binary
        _, xml = entities_descriptor(
            eds, valid_hours, "urn:mace:test-federation", "fed-metadata", True, security_context(signer)
        )
        self.metadata_path.write_text(xml)
        return self.metadata_path

    def idp_server(self, key):
        conf = IdPConfig()
        conf.load({**self.idp_configs[key], "metadata": {"local": [str(self.metadata_path)]}})
        return Server(config=conf)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class IdentityProviderServer:
    """The WSGI application serving every identity provider of a TestFederation, on a thread."""

    def __init__(self, federation, port):
        self.federation = federation
        self.port = port
        self.behaviour = ""  # "", "expired", "other-audience", "impostor", "mfa"
        self._servers = {}
        self._httpd = None
        self._thread = None

    def server_for(self, key):
        if key not in self._servers:
            self._servers[key] = self.federation.idp_server(key)
        return self._servers[key]

    def start(self):
        self._httpd = make_server("127.0.0.1", self.port, self, server_class=_ThreadingWSGIServer, handler_class=_Quiet)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        match = re.fullmatch(r"/([a-z-]+)/sso/(redirect|login)", path)
        if not match or match.group(1) not in INSTITUTIONS:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"No such identity provider"]
        key, step = match.groups()
        if step == "redirect":
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            return self._login_page(
                start_response, key, query.get("SAMLRequest", [""])[0], query.get("RelayState", [""])[0]
            )
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = urllib.parse.parse_qs(environ["wsgi.input"].read(length).decode())
        return self._answer(
            start_response,
            key,
            form.get("SAMLRequest", [""])[0],
            form.get("RelayState", [""])[0],
            form.get("username", [""])[0],
            bool(form.get("mfa")),
        )

    def _login_page(self, start_response, key, saml_request, relay_state):
        name = INSTITUTIONS[key]["name"]
        options = "".join(f'<option value="{u}">{u}</option>' for u in USERS[key])
        body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{name} login</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<h1>{name}: sign in</h1><p>This is a test identity provider: choose who you are.</p>
<form method="post" action="/{key}/sso/login">
<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">
<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">
<label for="username">Username</label> <select id="username" name="username">{options}</select>
<p><input type="checkbox" id="mfa" name="mfa" value="1"> <label for="mfa">I also used my second factor</label></p>
<button type="submit">Sign in</button></form></main></body></html>"""
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]

    def _answer(self, start_response, key, saml_request, relay_state, username, mfa):
        idp = self.server_for(key)
        request = idp.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        args = idp.response_args(request.message, [BINDING_HTTP_POST])
        destination = args["destination"]
        issuer_key = key
        if self.behaviour == "impostor":
            issuer_key = IMPOSTOR["key"]
            idp = self.server_for(issuer_key)
        if self.behaviour == "other-audience":
            args["sp_entity_id"] = OTHER_SP
        identity = USERS[issuer_key].get(username) or USERS[key][username]
        authn = {
            "class_ref": REFEDS_MFA if mfa or self.behaviour == "mfa" else PASSWORD_CONTEXT,
            "authn_auth": self.federation.entity_id(key),
        }
        expired = self.behaviour == "expired"
        response = idp.create_authn_response(
            identity, userid=f"{username}@{key}", authn=authn, sign_assertion=not expired, sign_response=False, **args
        )
        if expired:
            response = _backdate_and_sign(idp, response)
        http = idp.apply_binding(BINDING_HTTP_POST, str(response), destination, relay_state, response=True)
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [http["data"].encode() if isinstance(http["data"], str) else http["data"]]


def _backdate_and_sign(idp, response):
    """An assertion issued 40 minutes ago and valid for 5: what arrives after a long delay (or a replay from a
    captured log). Signed by the identity provider like any other, so only its lifetime is wrong."""
    assertion = response.assertion
    issued, until = a_while_ago(minutes=40), a_while_ago(minutes=35)
    response.issue_instant = assertion.issue_instant = issued
    assertion.conditions.not_before = issued
    assertion.conditions.not_on_or_after = until
    for confirmation in assertion.subject.subject_confirmation:
        confirmation.subject_confirmation_data.not_on_or_after = until
    for statement in assertion.authn_statement:
        statement.authn_instant = issued
    assertion.signature = pre_signature_part(assertion.id, idp.sec.my_cert, 2)
    return signed_instance_factory(response, idp.sec, [(class_name(assertion), assertion.id)])
