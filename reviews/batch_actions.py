"""Batch actions of the staff queue: pass, return or assign many selected applications at once.

Each selected application goes through the very service a decision on its own page calls
(reviews.services.decide, assign_expert, draw_experts), so the gate, the permissions, the
return's field reasons, the history, the notices and the stale-decision check are the same.

**Per row, not all or nothing.** Each application is decided in its own transaction: one the
gate refuses (another person decided first, the expert scores are not in, the office may not
decide at that stage, the expert is of the applicant's unit) is reported with its reason, in
Chinese, and the others are still done. An office working through thirty applications should
not lose twenty-nine decisions to one that moved on; the result page names every refusal.

**Outside the scope, nothing at all.** Before anything is done, every selected application is
checked against the permission of its review file (reviews.view_application, the page a
decision is made from); a selection that names one the user may not open is refused as a whole
(the view answers 404), so a batch can never reveal whether an application of another
authority exists, nor act on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application
from applications.pdf import application_number
from reviews import services

MAX_SELECTION = 200
OUTCOMES = ("pass", "return")


class OutsideScope(Exception):
    """A selected application is not one the user may open (the view answers 404)."""


class BadSelection(Exception):
    """The selection cannot be read (nothing chosen, too many, malformed); a Chinese message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Selected:
    application: Application
    seen_stage: str  # the stage the user saw the application at (a decision is for it)


@dataclass(frozen=True)
class RowResult:
    application_id: int
    name: str
    ok: bool
    message: str = ""
    number: str = ""  # the application number printed on its form (2026-000012)


@dataclass
class BatchResult:
    action: str
    rows: list[RowResult] = field(default_factory=list)

    @property
    def done(self) -> list[RowResult]:
        return [r for r in self.rows if r.ok]

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    def summary(self) -> str:
        """One sentence: how many were done and how many refused."""
        text = _("批量%(action)s：已办理 %(done)d 件") % {
            "action": ACTION_LABELS.get(self.action, self.action),
            "done": len(self.done),
        }
        if self.refused:
            text += _("，未办理 %(n)d 件（原因见下）") % {"n": len(self.refused)}
        return text + "。"


ACTION_LABELS = {
    "pass": gettext_lazy("通过"),
    "return": gettext_lazy("退回修改"),
    "assign": gettext_lazy("指定专家"),
    "draw": gettext_lazy("随机抽取专家"),
}


def parse_tokens(tokens: Iterable[str]) -> list[tuple[int, str]]:
    """The checkboxes' values, "<id>:<stage>", as (id, stage); repeated ids kept once."""
    parsed: dict[int, str] = {}
    for token in tokens:
        raw_id, _sep, stage = str(token).partition(":")
        if not raw_id.isdigit():
            raise BadSelection(_("所选申报无法识别，请刷新页面后重新选择。"))
        parsed.setdefault(int(raw_id), stage.strip())
    if not parsed:
        raise BadSelection(_("请先勾选要批量办理的申报。"))
    if len(parsed) > MAX_SELECTION:
        raise BadSelection(_("一次最多批量办理 %(n)d 件，请分批办理。") % {"n": MAX_SELECTION})
    return list(parsed.items())


def resolve(user, tokens: Iterable[str]) -> list[Selected]:
    """The selected applications, each with the stage the user saw; OutsideScope when any of
    them is not one the user may open (the review file's permission, reviews.view_application:
    an application that moved on since the page was shown stays openable to those who had it,
    so its refusal is reported, not hidden)."""
    wanted = parse_tokens(tokens)
    ids = [pk for pk, _stage in wanted]
    found = {
        a.pk: a
        for a in Application.objects.filter(pk__in=ids)
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .select_related("round__version__programme", "applicant", "unit")
    }
    if set(ids) - set(found) or not all(
        user.has_perm("reviews.view_application", app) for app in found.values()
    ):
        raise OutsideScope
    return [Selected(found[pk], stage or found[pk].stage) for pk, stage in wanted]


def _each(action: str, selection: list[Selected], do: Callable[[Selected], None]) -> BatchResult:
    result = BatchResult(action=action)
    for item in selection:
        app = item.application
        name, number = app.applicant.display_name, application_number(app)
        try:
            with transaction.atomic():
                do(item)
        except services.ReviewError as exc:
            result.rows.append(RowResult(app.pk, name, False, exc.message, number))
        except PermissionDenied as exc:
            message = str(exc) or _("您无权办理该申报的当前阶段。")
            result.rows.append(RowResult(app.pk, name, False, message, number))
        else:
            result.rows.append(RowResult(app.pk, name, True, number=number))
    return result


def decide_many(
    *,
    user,
    selection: list[Selected],
    outcome: str,
    note: str = "",
    field_reasons: dict[str, str] | None = None,
    internal_note: str = "",
    meeting: str = "",
) -> BatchResult:
    """Pass or return each selected application at the stage the user saw it at, through
    reviews.services.decide (a return names its fields or materials with their reasons, as on
    the application's own page)."""
    if outcome not in OUTCOMES:
        raise BadSelection(_("批量办理只能“通过”或“退回修改”；不通过请逐件办理并写明理由。"))

    def do(item: Selected) -> None:
        services.decide(
            application=item.application,
            stage=item.seen_stage,
            outcome=outcome,
            by=user,
            note=note,
            field_reasons=field_reasons or {},
            internal_note=internal_note,
            meeting=meeting,
        )

    return _each(outcome, selection, do)


def assign_many(*, user, selection: list[Selected], expert) -> BatchResult:
    """Assign one expert to each selected application (reviews.services.assign_expert: the
    pool, the conflict of unit and a recusal are checked for each)."""

    def do(item: Selected) -> None:
        services.assign_expert(application=item.application, expert=expert, by=user)

    return _each("assign", selection, do)


def draw_many(*, user, selection: list[Selected], count: int, seed: str = "") -> BatchResult:
    """Draw `count` experts for each selected application (reviews.services.draw_experts: the
    seed and the pool are recorded on the panel, so each draw can be repeated)."""

    def do(item: Selected) -> None:
        services.draw_experts(application=item.application, count=count, by=user, seed=seed or None)

    return _each("draw", selection, do)
