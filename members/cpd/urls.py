from django.urls import path

from members.cpd import views

app_name = "cpd"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("entries/add/", views.entry_add, name="entry-add"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry-edit"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry-delete"),
    path("entries/<int:pk>/evidence/", views.entry_evidence, name="entry-evidence"),
    path("export.json", views.export_json, name="export-json"),
    path("export.pdf", views.export_pdf, name="export-pdf"),
    path("share/", views.share_create, name="share-create"),
    path("share/<int:pk>/revoke/", views.share_revoke, name="share-revoke"),
    path("shared/<str:token>/", views.shared, name="shared"),
]
