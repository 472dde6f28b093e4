from django.urls import path

from .views import moderation, personal, posting, reading

app_name = "forums"

urlpatterns = [
    path("", reading.index, name="index"),
    path("search/", reading.search, name="search"),
    path("moderation/", moderation.moderation_queue, name="moderation"),
    path("moderation/log/", moderation.moderation_log, name="moderation-log"),
    path("muted/", personal.muted_list, name="muted"),
    path("post/<int:post_id>/", reading.post_permalink, name="post"),
    path("post/<int:post_id>/edit/", posting.post_edit, name="post-edit"),
    path("post/<int:post_id>/report/", posting.post_report, name="post-report"),
    path("post/<int:post_id>/moderate/", moderation.post_moderate, name="post-moderate"),
    path("post/<int:post_id>/history/", moderation.post_history, name="post-history"),
    path("post/<int:post_id>/reveal/", moderation.post_reveal, name="post-reveal"),
    path("member/<int:user_id>/mute/", personal.member_mute, name="member-mute"),
    path("member/<int:user_id>/suspend/", moderation.member_suspend, name="member-suspend"),
    path("suspension/<int:suspension_id>/lift/", moderation.suspension_lift, name="suspension-lift"),
    path("<slug:forum_slug>/", reading.forum_detail, name="forum"),
    path("<slug:forum_slug>/new/", posting.topic_create, name="topic-create"),
    path("<slug:forum_slug>/watch/", personal.forum_watch, name="forum-watch"),
    path("<slug:forum_slug>/<slug:topic_slug>/", reading.topic_detail, name="topic"),
    path("<slug:forum_slug>/<slug:topic_slug>/reply/", posting.topic_reply, name="topic-reply"),
    path("<slug:forum_slug>/<slug:topic_slug>/watch/", personal.topic_watch, name="topic-watch"),
    path("<slug:forum_slug>/<slug:topic_slug>/moderate/", moderation.topic_moderate, name="topic-moderate"),
]
