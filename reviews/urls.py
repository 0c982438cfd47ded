from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
]
