from django.urls import path

from applications import nomination_views, views

app_name = "applications"

urlpatterns = [
    path("rounds/<int:round_id>/apply/", views.start, name="start"),
    path("applications/", views.mine, name="mine"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/edit/", views.edit, name="edit"),
    path("applications/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("applications/<int:pk>/attachments/", views.upload, name="upload"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/delete/",
        views.delete_attachment,
        name="delete_attachment",
    ),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("applications/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("unit/nominations/", nomination_views.unit_nominations, name="unit_nominations"),
    path("unit/nominations/<int:pk>/", nomination_views.unit_nomination, name="unit_nomination"),
]
