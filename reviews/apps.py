from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "评审"

    def ready(self):
        from portal.models import Role
        from portal.workbench import register_panel
        from reviews import (  # noqa: F401  (registers the rules)
            application_hooks,
            panels,
            permissions,
            requirements,
            workbench_flags,
        )

        requirements.register()
        application_hooks.register()  # the review's side of the declaration (applications.hooks)

        for role in (
            Role.STREET_REVIEWER,
            Role.DEPARTMENT_REVIEWER,
            Role.UNION_REVIEWER,
            Role.DISTRICT_OFFICE,
        ):
            register_panel(role, panels.queue_panel)
            register_panel(role, workbench_flags.queue_flags)
        register_panel(Role.DISTRICT_OFFICE, panels.office_panel)
        register_panel(Role.UNION_REVIEWER, panels.office_panel)
        register_panel(Role.DISTRICT_OFFICE, workbench_flags.objection_flags)
        register_panel(Role.UNION_REVIEWER, workbench_flags.objection_flags)
        register_panel(Role.EXPERT, panels.expert_panel)

    def load_demo(self, stdout):
        """Expert profiles for the demo experts (idempotent)."""
        from portal.demo import EXPERT_POOLS
        from portal.models import Authority, Unit, User
        from reviews.models import ExpertProfile

        profiles = {
            "expert_a": ("机械制造、数控加工", "正高级工程师", None),
            "expert_b": ("电气自动化、职业培训", "高级技师", "上海松江精密机械有限公司"),
            "qingpu_expert": ("智能制造、工业机器人", "正高级工程师", None),
            "shizhong_expert": ("机械加工、焊接", "高级技师", None),
            "union_expert": ("机电一体化、技能竞赛", "正高级工程师", None),
        }
        for username, (fields, title, unit_name) in profiles.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            unit = Unit.objects.filter(name=unit_name).first() if unit_name else None
            authority = Authority.objects.filter(code=EXPERT_POOLS[username]).first()
            ExpertProfile.objects.update_or_create(
                user=user,
                defaults={
                    "fields_of_expertise": fields,
                    "title": title,
                    "unit": unit,
                    "authority": authority,
                },
            )
        stdout.write("评审：专家库（每个主管机构各自的专家）")
