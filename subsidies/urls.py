from django.urls import path

from subsidies import views

app_name = "subsidies"

urlpatterns = [
    path("", views.awards, name="awards"),
    path("awards/<int:pk>/", views.award_detail, name="award"),
    path("awards/<int:pk>/statement.pdf", views.award_pdf, name="award_pdf"),
    path("awards/<int:pk>/<slug:action>/", views.award_action, name="award_action"),
    path("recoveries/", views.recoveries, name="recoveries"),
    path("recoveries/<int:pk>/confirm/", views.claim_confirm, name="claim_confirm"),
    path("recoveries/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("assessments/", views.assessments, name="assessments"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/approve/", views.batch_approve, name="batch_approve"),
    path("batches/<int:pk>/paid/", views.batch_paid, name="batch_paid"),
    path("batches/<int:pk>/payroll.xlsx", views.batch_export, name="batch_export"),
]
