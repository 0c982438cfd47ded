from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "用户与组织"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal.signin import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="portal-session-clock")
