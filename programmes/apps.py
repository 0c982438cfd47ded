from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"
    verbose_name = "人才项目"

    def ready(self):
        from programmes import permissions  # noqa: F401  (registers the scopes)
