from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("<slug:code>/rules/", views.rules, name="rules"),
    path("<slug:code>/rules/upload/", views.upload, name="upload"),
    path("<slug:code>/rules/copy/", views.copy, name="copy"),
    path("<slug:code>/rules/<int:number>/", views.version, name="version"),
    path("<slug:code>/rules/<int:number>/round/new/", views.new_round, name="new_round"),
    path("<slug:code>/rules/<int:number>/<str:action>/", views.act, name="act"),
]
