"""
A real OpenID Connect provider for tests, served over HTTP on 127.0.0.1 from a thread: discovery document, JWKS,
an authorization endpoint that consents at once for the chosen person, and a token endpoint that checks the code,
client and redirect URI and issues an RS256-signed id_token. It plays Microsoft Entra ID (tid, amr claims) or
Google Workspace (hd, email_verified) through the claims of its people.

`OidcProviderServer.behaviour` changes the next id_tokens, for the refused cases: "other-audience" (issued to
another client), "wrong-nonce" (a nonce this browser was not given), "expired" (lifetime over an hour ago) and
"other-key" (signed with a key the JWKS does not list), "other-tenant-issuer" (with `multi_tenant`, an issuer naming
another tenant than the token's tid).

`multi_tenant` plays Entra's "organizations" endpoint: the discovery document's issuer is a template with
"{tenantid}", and each id_token's iss names the person's tenant.
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
import urllib.parse
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "portal-client"
CLIENT_SECRET = "portal-secret"  # noqa: S105 - the local test provider's client secret
TENANT = "9f3c2a1e-5b7d-4c8e-a0f1-23456789abcd"
OTHER_TENANT = "11111111-2222-3333-4444-555555555555"

# The people the provider knows: the claims it asserts for each.
PEOPLE = {
    "robin": {
        "sub": "robin-subject",
        "email": "robin@contoso.example",
        "name": "Robin Researcher",
        "tid": TENANT,
        "amr": ["pwd"],
    },
    "kim": {
        "sub": "kim-subject",
        "email": "kim@contoso.example",
        "name": "Kim Keen",
        "tid": TENANT,
        "amr": ["pwd", "mfa"],
    },
}


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _pkce_matches(challenge, verifier):
    """PKCE (RFC 7636, S256): a code asked for with a challenge is only exchanged with its verifier."""
    if challenge is None:
        return True
    digest = hashlib.sha256((verifier or "").encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


def _key():
    return RSAKey.generate_key(2048)


class OidcProviderServer:
    """`people`, `key`, `kid` and `client_secret` default to the tests' own; with `choose`, the authorization
    endpoint shows a page where the person picks who they are (the demo, tests/institutions/demo_oidc.py) instead of
    consenting at once for `person`."""

    def __init__(self, port, *, people=None, key=None, kid=None, client_secret=CLIENT_SECRET, choose=False):
        self.port = port
        self.issuer = f"http://127.0.0.1:{port}"
        self.key = key or _key()
        self.kid = kid or secrets.token_hex(4)
        self.people = people or PEOPLE
        self.client_secret = client_secret
        self.choose = choose
        self.person = "robin"
        self.behaviour = ""
        self.extra_claims = {}
        self.last_authorization = {}
        self.multi_tenant = False
        self._codes = {}
        self._httpd = None

    def start(self):
        self._httpd = make_server("127.0.0.1", self.port, self, server_class=_ThreadingWSGIServer, handler_class=_Quiet)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def discovery_url(self):
        return f"{self.issuer}/.well-known/openid-configuration"

    def _json(self, start_response, body, status="200 OK"):
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/.well-known/openid-configuration":
            return self._json(
                start_response,
                {
                    "issuer": f"{self.issuer}/{{tenantid}}/v2.0" if self.multi_tenant else self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                },
            )
        if path == "/jwks":
            jwk = self.key.as_dict(private=False)
            jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
            return self._json(start_response, {"keys": [jwk]})
        if path == "/authorize":
            return self._authorize(environ, start_response)
        if path == "/token":
            return self._token(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found"]

    def _authorize(self, environ, start_response):
        query = {k: v[0] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"Unknown client"]
        person = self.person
        if self.choose:
            person = query.pop("person", "")
            if person not in self.people:
                return self._chooser(query, start_response)
        code = secrets.token_urlsafe(16)
        self.last_authorization = query
        self._codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce"),
            "person": person,
            "code_challenge": query.get("code_challenge"),
        }
        location = f"{query['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': query.get('state', '')})}"
        start_response("302 Found", [("Location", location)])
        return [b""]

    def _chooser(self, query, start_response):
        """The demo's log-in page: one link per person, back to this endpoint with the same request and their name."""
        links = "".join(
            f'<li><a href="/authorize?{html.escape(urllib.parse.urlencode({**query, "person": name}))}">'
            f"{html.escape(claims['name'])}</a> ({html.escape(name)}, {html.escape(claims['email'])})</li>"
            for name, claims in self.people.items()
        )
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo OpenID provider</title></head>'
            "<body><main><h1>Demo OpenID provider: log in as</h1>"
            f"<ul>{links}</ul><p>A test provider for trying the portal locally. No password.</p></main></body></html>"
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]

    def _token(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in urllib.parse.parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        grant = self._codes.pop(form.get("code", ""), None)
        if (
            grant is None
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != self.client_secret
            or form.get("redirect_uri") != grant["redirect_uri"]
            or not _pkce_matches(grant["code_challenge"], form.get("code_verifier"))
        ):
            return self._json(start_response, {"error": "invalid_grant"}, status="400 Bad Request")
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            **self.people[grant["person"]],
            **self.extra_claims,
        }
        if grant["nonce"] is not None:
            claims["nonce"] = grant["nonce"]
        if self.multi_tenant:
            tenant = OTHER_TENANT if self.behaviour == "other-tenant-issuer" else claims["tid"]
            claims["iss"] = f"{self.issuer}/{tenant}/v2.0"
        key = self.key
        if self.behaviour == "other-audience":
            claims["aud"] = "another-portal"
        elif self.behaviour == "wrong-nonce":
            claims["nonce"] = "a-nonce-from-another-log-in"
        elif self.behaviour == "expired":
            claims.update(iat=now - 7200, exp=now - 3600)
        elif self.behaviour == "other-key":
            key = _key()
        id_token = jwt.encode({"alg": "RS256", "kid": self.kid}, claims, key)
        return self._json(
            start_response,
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            },
        )
