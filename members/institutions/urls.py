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
    path("link/email/", views.link_email, name="link-email"),
    # In the email "Email me a link instead" sends (members.institutions.emails).
    path("link/<str:token>/", views.link_follow, name="link-follow"),
    path("oidc/<slug:key>/login/", views.oidc_login, name="oidc-login"),
    # Registered with Entra and Google as the redirect URI: keep it stable.
    path("oidc/<slug:key>/callback/", views.oidc_callback, name="oidc-callback"),
    # Stable: the federation's registry and every identity provider know the portal by this URL.
    path("saml/metadata/", views.saml_metadata, name="saml-metadata"),
]
