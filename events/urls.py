from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("feed.ics", views.public_feed, name="feed"),
    path("mine/", views.my_events, name="mine"),
    path("mine/certificate/", views.cpd_certificate, name="cpd-certificate"),
    path("mine/calendar/regenerate/", views.feed_regenerate, name="feed-regenerate"),
    path("calendar/<str:token>.ics", views.personal_feed, name="personal-feed"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration-cancel"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/register/", views.event_register, name="event-register"),
    path("<int:pk>/recording/", views.recording, name="recording"),
    path("<int:pk>/event.ics", views.event_ics, name="event-ics"),
    path("<slug:slug>/", views.event_by_slug, name="event-by-slug"),
]
