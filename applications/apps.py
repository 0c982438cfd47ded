from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "applications"
    verbose_name = "申报"

    def ready(self):
        from applications import workbench

        workbench.register()

    def load_demo(self, stdout):
        from applications.demo import load_demo_applications

        load_demo_applications(stdout)
