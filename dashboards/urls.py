"""The pages that read every app: home, the workbench and the statistics (included at the root
by `portal.urls`, by name, so that portal never imports this layer)."""

from django.urls import path

from dashboards import views

urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/", views.workbench, name="workbench"),
    path("statistics/", views.statistics, name="statistics"),
]
