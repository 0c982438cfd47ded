"""Render a programme's application form as PDF: the demo application, or a real one by id;
or its expert evaluation sheet (--sheet). In reviews, which owns the sheet and sits above the
declaration (applications.pdf)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from applications.demo_data import demo_form_data
from applications.models import Application
from applications.pdf import render_application_pdf, render_form_data_pdf
from programmes.loader import RULESET_DIR
from programmes.models import Programme
from programmes.ruleset import RuleSetError, load_ruleset
from reviews.score_sheet_pdf import (
    NoScoreSheet,
    demo_scores,
    header_values_of,
    render_score_sheet_pdf,
)


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = (
        "生成申报表PDF：render_form PROGRAMME_CODE --demo -o FILE.pdf（演示申报，按最新导入的规则版本，"
        "未导入时按规则文件），或 render_form --application ID -o FILE.pdf；"
        "加 --sheet 生成专家评审表（空白，或配合 --demo 为填好的演示表）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "programme", nargs="?", help="人才项目代码，如 songjiang-chief-technician"
        )
        parser.add_argument("--demo", action="store_true", help="填入演示数据")
        parser.add_argument("--blank", action="store_true", help="空白申报表（供手工填写）")
        parser.add_argument("--application", type=int, help="申报编号（数据库 id）")
        parser.add_argument("-o", "--output", required=True, help="输出的PDF文件")
        parser.add_argument("--mask-id", action="store_true", help="隐去身份证号中间位")
        parser.add_argument(
            "--sheet",
            action="store_true",
            help="生成专家评审表（配合 --demo 为填好的演示评审表，否则为空白表）",
        )

    def handle(self, *args, **options):
        if options["sheet"]:
            if not options["programme"]:
                raise _fail("请给出人才项目代码。")
            content = self._sheet_pdf(options["programme"], filled=options["demo"])
        elif options["application"] is not None:
            content = self._application_pdf(options["application"], options["mask_id"])
        elif options["programme"] and options["demo"]:
            content = self._demo_pdf(options["programme"], options["mask_id"])
        elif options["programme"] and options["blank"]:
            ruleset = self._ruleset(options["programme"])
            content = render_form_data_pdf(ruleset, {}, year=timezone.localdate().year)
        else:
            raise _fail("请给出人才项目代码和 --demo（或 --blank），或者 --application 申报编号。")
        output = Path(options["output"])
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise _fail(f"无法写入文件 {output}：{exc.strerror}") from exc
        self.stdout.write(f"已生成 {output}（{len(content) // 1024} KB）")

    def _demo_pdf(self, code: str, mask_id: bool) -> bytes:
        ruleset = self._ruleset(code)
        today = timezone.localdate()
        data = demo_form_data(ruleset, on=today)
        return render_form_data_pdf(
            ruleset, data, year=today.year, number=f"{today.year}-演示", mask_id=mask_id
        )

    def _sheet_pdf(self, code: str, *, filled: bool) -> bytes:
        ruleset = self._ruleset(code)
        if not filled:
            try:
                return render_score_sheet_pdf(ruleset)
            except NoScoreSheet as exc:
                raise _fail(str(exc)) from exc
        today = timezone.localdate()
        data = demo_form_data(ruleset, on=today)
        criteria = ruleset.scoring.criteria if ruleset.scoring else []
        try:
            return render_score_sheet_pdf(
                ruleset,
                number=f"{today.year}-演示",
                header_values=header_values_of(ruleset, data),
                scores=demo_scores(ruleset),
                notes={c.code: "符合" for c in criteria},
                opinion="申报材料齐全，业绩突出，符合申报条件，同意推荐。",
                expert_name="吴海峰",
                signed_on=today,
            )
        except NoScoreSheet as exc:
            raise _fail(str(exc)) from exc

    def _ruleset(self, code: str):
        """The newest loaded version of the programme, else its rule-set file."""
        try:
            programme = Programme.objects.filter(code=code).first()
            version = programme.latest_version if programme else None
        except DatabaseError:
            version = None  # a database not migrated yet: the file still works
        if version is not None:
            return version.ruleset
        path = RULESET_DIR / f"{code}.yaml"
        if not path.is_file() or path.stem != code:
            known = "、".join(sorted(p.stem for p in RULESET_DIR.glob("*.yaml")))
            raise _fail(f"未知的人才项目代码“{code}”（可用：{known}）")
        try:
            return load_ruleset(path)
        except RuleSetError as exc:
            raise _fail(f"规则文件无效：{exc}") from exc

    def _application_pdf(self, pk: int, mask_id: bool) -> bytes:
        try:
            application = Application.objects.select_related("round__version").get(pk=pk)
        except (Application.DoesNotExist, DatabaseError):
            raise _fail(f"找不到编号为 {pk} 的申报。") from None
        return render_application_pdf(application, mask_id=mask_id)
