from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import mfa, views
from portal.forms import LoginForm

admin.site.site_header = "人才项目申报管理平台"
admin.site.site_title = "人才项目管理后台"
admin.site.index_title = "管理后台"

urlpatterns = [
    path("", include("dashboards.urls")),
    path("robots.txt", views.robots),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("accounts/mfa/", mfa.verify, name="mfa_verify"),
    path("accounts/mfa/setup/", mfa.setup, name="mfa_setup"),
    path("accounts/mfa/setup/qr.svg", mfa.qr_code, name="mfa_qr"),
    path("accounts/register/done/", views.register_done, name="register_done"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password-change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("messages/", views.message_list, name="messages"),
    path("messages/<int:pk>/", views.message_open, name="message_open"),
    path("messages/read-all/", views.messages_read_all, name="messages_read_all"),
    path("", include("applications.urls")),
    path("reviews/", include("reviews.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("pdf-batches/", include("applications.pdf_urls")),
    path("programmes/", include("programmes.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_BARE_VIEW:
    # The floor the benchmarks measure pages against: the same server and middleware, no work.
    urlpatterns.append(path("bench/ok/", views.bare_ok))
