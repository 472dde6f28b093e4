from django.urls import path

from members.credentials import views

app_name = "credentials"

urlpatterns = [
    path("", views.shelf, name="shelf"),
    path("issue/", views.issue, name="issue"),
    path("verify/", views.verify, name="verify"),
    path("issuer.json", views.issuer_json, name="issuer"),
    path("status/revocation", views.revocation_list, name="revocation-list"),
    # <str>, not <uuid>: an address with a changed character gets the clear "no such credential" page.
    path("<str:credential_id>/", views.credential_detail, name="credential-detail"),
    path("<str:credential_id>/credential.json", views.download_json, name="download-json"),
    path("<str:credential_id>/badge.png", views.download_png, name="download-png"),
    path("<str:credential_id>/portfolio/", views.portfolio, name="portfolio"),
    path("<str:credential_id>/revoke/", views.revoke, name="revoke"),
]
