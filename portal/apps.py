from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "用户与组织"

    def ready(self):
        from portal import scope  # noqa: F401  (registers the scopes and their rules)
