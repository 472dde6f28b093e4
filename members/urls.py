"""Members' pages, at the site root (paths under /account/, /members/, /directory/, /groups/, /notifications/)."""

from django.urls import path

from members import notification_views, views

app_name = "members"

urlpatterns = [
    path("account/profile/", views.profile_edit, name="profile-edit"),
    path("account/membership/", views.membership, name="membership"),
    path("account/data/", views.your_data, name="your-data"),
    path("account/data/export/", views.data_export, name="data-export"),
    path("account/data/delete/", views.account_delete, name="account-delete"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:notification_id>/", notification_views.notification_go, name="notification-go"),
    path("notifications/read-all/", notification_views.notifications_read_all, name="notifications-read-all"),
    path("notifications/settings/", notification_views.notification_settings, name="notification-settings"),
    path("members/<int:user_id>/", views.profile_detail, name="profile-detail"),
    path("directory/", views.directory, name="directory"),
    path("directory/suggest/", views.expertise_suggest, name="expertise-suggestions"),
    path("directory/expertise/<slug:tag_slug>/", views.directory, name="expertise-detail"),
    path("groups/", views.group_list, name="group-list"),
    path("groups/<slug:slug>/", views.group_detail, name="group-detail"),
    path("groups/<slug:slug>/join/", views.group_join, name="group-join"),
    path("groups/<slug:slug>/leave/", views.group_leave, name="group-leave"),
    path("principles/accept/", views.principles_accept_view, name="principles-accept"),
]
