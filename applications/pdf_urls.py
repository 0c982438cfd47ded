from django.urls import path

from applications import pdf_views

app_name = "pdf_batches"

urlpatterns = [
    path("", pdf_views.batches, name="list"),
    path("<int:pk>/", pdf_views.detail, name="detail"),
    path("<int:pk>/progress/", pdf_views.progress, name="progress"),
    path("<int:pk>/download/", pdf_views.download, name="download"),
]
