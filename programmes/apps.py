from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"
    verbose_name = "人才项目"

    def ready(self):
        from portal.models import Role
        from portal.workbench import register_panel
        from programmes import permissions  # noqa: F401 — registers the scopes on ready
        from programmes.panels import rules_panel

        register_panel(Role.DISTRICT_OFFICE, rules_panel)
