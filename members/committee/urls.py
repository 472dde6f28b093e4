from django.urls import path

from members.committee import views

app_name = "committee"

urlpatterns = [
    path("", views.index, name="index"),
    path("contact/", views.contact, name="contact"),
    path("calls/<slug:slug>/", views.call_detail, name="call-detail"),
    path("calls/<slug:slug>/nominate/<slug:role_slug>/", views.nomination_create, name="nomination-create"),
    path("nominations/<int:pk>/edit/", views.nomination_edit, name="nomination-edit"),
    path("nominations/<int:pk>/withdraw/", views.nomination_withdraw, name="nomination-withdraw"),
    path("nominations/<int:pk>/proof/", views.nomination_proof, name="nomination-proof"),
    path("elections/<int:pk>/vote/", views.ballot, name="ballot"),
    path("elections/<int:pk>/ballots.json", views.ballots_download, name="ballots-download"),
    path("elections/<int:pk>/receipt/", views.receipt_check, name="receipt-check"),
]
