"""One way to know a client's address: X-Forwarded-For counts only through the proxies the operator declared."""

from django.test import RequestFactory, override_settings

from members.adapter import client_ip


def _request(forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.7", **headers)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_forwarded_header_is_ignored():
    assert client_ip(_request("203.0.113.9")) == "10.0.0.7"


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote():
    # The client wrote the first hop itself; the proxy appended the address it really saw.
    assert client_ip(_request("198.51.100.1, 203.0.113.9")) == "203.0.113.9"
