from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "用户与组织"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_save

        from portal import audit
        from portal.signin import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="portal-session-clock")
        user_logged_in.connect(audit.on_signed_in, dispatch_uid="portal-audit-sign-in")
        user_login_failed.connect(audit.on_sign_in_failed, dispatch_uid="portal-audit-failed")
        user_logged_out.connect(audit.on_signed_out, dispatch_uid="portal-audit-sign-out")
        post_save.connect(audit.on_admin_log, sender=LogEntry, dispatch_uid="portal-audit-admin")

        from portal import scope  # noqa: F401  (registers the scopes and their rules)
