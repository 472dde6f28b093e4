from django.urls import path

from members.mailing import views

app_name = "mailing"

urlpatterns = [
    path("mailing-list/", views.subscribe, name="subscribe"),
    path("mailing-list/check-your-inbox/", views.subscribe_sent, name="subscribe-sent"),
    path("mailing-list/confirm/<str:token>/", views.confirm, name="confirm"),
    path("mailing-list/preferences/", views.member_preferences, name="preferences"),
    path("mailing-list/preferences/<str:token>/", views.manage, name="manage"),
    path("mailing-list/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mailing-list/bounces/", views.bounce_webhook, name="bounce-webhook"),
    path("digest/", views.archive, name="archive"),
    path("digest/<int:number>/", views.issue_detail, name="issue"),
    path("digest/announcements/<int:pk>/", views.announcement_detail, name="announcement-detail"),
]
