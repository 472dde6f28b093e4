"""Institutional sign-in, under /institutions/."""

from django.urls import path

from members.institutions import views

app_name = "institutions"

urlpatterns = [
    path("", views.chooser, name="chooser"),
    path("identities/", views.identities, name="identities"),
    path("saml/login/", views.saml_login, name="saml-login"),
    path("saml/acs/", views.saml_acs, name="saml-acs"),
    path("saml/complete/", views.saml_complete, name="saml-complete"),
    # Stable: the federation's registry and every identity provider know the portal by this URL.
    path("saml/metadata/", views.saml_metadata, name="saml-metadata"),
]
