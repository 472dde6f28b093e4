from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.flatpages import views as flatpage_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from members.credentials.views import did_document
from members.views import ConfirmEmailView
from sigportal import views

# The admin login goes through allauth, so it has the same rate limits and verification as every other login.
admin.site.login = secure_admin_login(admin.site.login)

# Both need no database: they are what a visitor sees when it is the database that failed.
handler500 = "sigportal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", flatpage_views.flatpage, {"url": "/about/"}, name="about"),
    path("principles/", views.principles, name="principles"),
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/hide/", views.welcome_hide, name="welcome-hide"),
    path("welcome/directory/", views.welcome_directory, name="welcome-directory"),
    path("health/", views.health, name="health"),
    # Before allauth's own: the same page, with a 404 status for a bad link.
    path("accounts/confirm-email/<str:key>/", ConfirmEmailView.as_view(), name="account_confirm_email"),
    path("events/", include("events.urls")),
    path("forums/", include("forums.urls")),
    path("accounts/", include("allauth.urls")),
    # Institutional sign-in: the chooser, SAML endpoints and linked identities.
    path("institutions/", include("members.institutions.urls")),
    # The mailing list (/mailing-list/...) and the digest archive (/digest/...).
    path("", include("members.mailing.urls")),
    path("committee/", include("members.committee.urls")),
    path("portfolio/", include("members.cpd.urls")),
    path("credentials/", include("members.credentials.urls")),
    # did:web: a verifier of a credential resolves the issuer did:web:<host> to this document to find the key.
    path(".well-known/did.json", did_document, name="did-document"),
    # The committee's and the mailing list's admin pages were under /admin/members/ until they became apps of their
    # own: officers' bookmarks and the links in emails already sent still arrive.
    re_path(
        r"^admin/members/(?P<model>appointment|appointmentchange|ballot|callrole|committeerole|contactmessage|election|"
        r"nomination|nominationanswer|nominationcall|nominationquestion|voterroll)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/committee/%(model)s/%(rest)s", permanent=True, query_string=True),
    ),
    re_path(
        r"^admin/members/(?P<model>announcement|delivery|digestissue|subscriber)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/mailing/%(model)s/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    # Members' pages: /account/..., /members/<id>/, /directory/, /groups/, /principles/accept/
    path("", include("members.urls")),
]

if settings.BENCH_MODE:
    from sigportal.bench import trivial

    urlpatterns.append(path("_bench/trivial/", trivial))

if settings.DEBUG:
    # Public uploads in development; production serves them from the shared store (S3) or the web server.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
