from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("batch/", views.queue_batch, name="queue_batch"),
    path("export.xlsx", views.export_queue, name="queue_export"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("expert/", views.expert_queue, name="expert_queue"),
    path("expert/<int:pk>/", views.score, name="score"),
    path("expert/<int:pk>/recuse/", views.recuse, name="recuse"),
    path("rounds/", views.office_rounds, name="office_rounds"),
    path("rounds/<int:pk>/", views.office_round, name="office_round"),
    path("rounds/<int:pk>/assign/", views.assign, name="assign"),
    path("rounds/<int:pk>/assign-balanced/", views.assign_balanced, name="assign_balanced"),
    path("rounds/<int:pk>/ranking/<slug:stage>.xlsx", views.ranking_export, name="ranking_export"),
    path(
        "rounds/<int:pk>/close-expert-stage/", views.close_expert_stage, name="close_expert_stage"
    ),
    path("rounds/<int:pk>/sheets/<int:sheet_pk>/reopen/", views.reopen_sheet, name="reopen_sheet"),
    path("rounds/<int:pk>/credit-check/", views.credit_check, name="credit_check"),
    path("rounds/<int:pk>/publicity/", views.start_publicity, name="start_publicity"),
    path(
        "rounds/<int:pk>/publicity/<int:publicity_pk>/close/",
        views.close_publicity,
        name="close_publicity",
    ),
    path(
        "rounds/<int:pk>/objections/<int:objection_pk>/resolve/",
        views.resolve_objection,
        name="resolve_objection",
    ),
    path("rounds/<int:pk>/naming/", views.naming, name="naming"),
    path("publicity/", views.publicity_list, name="publicity_list"),
    path("publicity/<int:pk>/", views.publicity_detail, name="publicity_detail"),
]
