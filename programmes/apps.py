from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"
    verbose_name = "人才项目"

    def ready(self):
        from portal.models import Role  # noqa: PLC0415 — models need the ready app registry
        from portal.workbench import register_panel  # noqa: PLC0415 — imports portal.models
        from programmes import permissions  # noqa: F401, PLC0415 — registers the scopes on ready
        from programmes.panels import rules_panel  # noqa: PLC0415 — imports programmes.models

        register_panel(Role.DISTRICT_OFFICE, rules_panel)
