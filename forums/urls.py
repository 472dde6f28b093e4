from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/log/", views.moderation_log, name="moderation-log"),
    path("muted/", views.muted_list, name="muted"),
    path("post/<int:post_id>/", views.post_permalink, name="post"),
    path("post/<int:post_id>/edit/", views.post_edit, name="post-edit"),
    path("post/<int:post_id>/report/", views.post_report, name="post-report"),
    path("post/<int:post_id>/moderate/", views.post_moderate, name="post-moderate"),
    path("post/<int:post_id>/history/", views.post_history, name="post-history"),
    path("post/<int:post_id>/reveal/", views.post_reveal, name="post-reveal"),
    path("member/<int:user_id>/mute/", views.member_mute, name="member-mute"),
    path("member/<int:user_id>/suspend/", views.member_suspend, name="member-suspend"),
    path("suspension/<int:suspension_id>/lift/", views.suspension_lift, name="suspension-lift"),
    path("<slug:forum_slug>/", views.forum_detail, name="forum"),
    path("<slug:forum_slug>/new/", views.topic_create, name="topic-create"),
    path("<slug:forum_slug>/watch/", views.forum_watch, name="forum-watch"),
    path("<slug:forum_slug>/<slug:topic_slug>/", views.topic_detail, name="topic"),
    path("<slug:forum_slug>/<slug:topic_slug>/reply/", views.topic_reply, name="topic-reply"),
    path("<slug:forum_slug>/<slug:topic_slug>/watch/", views.topic_watch, name="topic-watch"),
    path("<slug:forum_slug>/<slug:topic_slug>/moderate/", views.topic_moderate, name="topic-moderate"),
]
