from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "subsidies"
    verbose_name = "待遇与考核"

    def ready(self):
        from portal.models import Role
        from portal.workbench import register_panel
        from reviews.hooks import on_named
        from subsidies import panels, permissions, services  # noqa: F401  (registers the rules)

        on_named(services.create_award)  # naming (reviews) creates the award in its transaction

        register_panel(Role.DISTRICT_OFFICE, panels.office_panel)
        register_panel(Role.UNION_REVIEWER, panels.union_office_panel)
        register_panel(Role.FINANCE, panels.finance_panel)
        register_panel(Role.APPLICANT, panels.awardee_panel)

    def load_demo(self, stdout):
        """A few demo awards of different programmes with their ledger (idempotent)."""
        from subsidies.demo import load_demo_awards

        load_demo_awards(stdout)
