"""State changes of the declaration: start, save a draft, attach, submit, withdraw, nominate
(the unit's nomination: applications.nomination).

Each service locks the application it changes, writes the audit row in the same transaction and
sends mail after commit (STYLE.md). Errors are `ApplicationError` with a Chinese message, and
`field` naming the input it concerns when there is one.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from applications import declaration, gate, hooks
from applications.errors import ApplicationError
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationVersion,
    Attachment,
    Channel,
)
from applications.nomination import (
    awaits_unit,
    can_nominate_for,
    is_unit_hr,
    nominated_count,
    publicity_long_enough,
    record_discussion,
    record_internal_publicity,
    unit_stages,
)
from applications.selectors import findings_about, locked, ruleset_of
from applications.uploads import UploadRejected, check_upload
from portal.models import Role
from portal.notifications import notify
from portal.roles import scopes
from programmes import eligibility

# Re-exported: the nomination's services, the shared reads and the error keep this import path.
__all__ = [
    "EDITABLE",
    "ApplicationError",
    "add_attachment",
    "applicant_units",
    "autosave_draft",
    "awaits_unit",
    "can_nominate_for",
    "eligibility_for",
    "findings_about",
    "is_unit_hr",
    "known_for",
    "known_of",
    "nominated_count",
    "precheck",
    "publicity_long_enough",
    "record_discussion",
    "record_internal_publicity",
    "remove_attachment",
    "ruleset_of",
    "save_draft",
    "start_application",
    "submission_problems",
    "submit_application",
    "unit_stages",
    "withdraw_application",
]

EDITABLE = (Application.Status.DRAFT, Application.Status.RETURNED)
WARN_REASON_MAX = 500  # characters of a written reason for a "需说明" check


def eligibility_for(round):
    """The rule set's eligibility with the round's own dates where the text's are of another year.

    A channel window or application window in a text is dated for the round of the text's year
    (上海工匠 2024 通知 二(三): 6月12日至7月15日); a round of another year pins its own window
    (Round.opens_on .. closes_on), so the same rule set serves the next year's round.
    """
    rules = round.version.ruleset.eligibility
    window = {"opens": round.opens_on, "closes": round.closes_on}
    channels = [
        c.model_copy(update={"window": c.window.model_copy(update=window)})
        if c.window is not None and c.window.opens.year != round.year
        else c
        for c in rules.channels
    ]
    general = rules.application_window
    if general is not None and general.opens and general.opens.year != round.year:
        general = general.model_copy(update=window)
    return rules.model_copy(update={"channels": channels, "application_window": general})


def applicant_units(user) -> list:
    """The units an organisation account applies for (its applicant_org assignments)."""
    return scopes(user, Role.APPLICANT_ORG, "unit")


def known_of(application: Application) -> declaration.Known:
    """What the portal knows of an application's applicant, channel and unit (for prefill)."""
    return known_for(user=application.applicant, channel=application.channel, unit=application.unit)


def known_for(*, user, channel: str, unit) -> declaration.Known:
    return declaration.Known(
        real_name=user.real_name or "",
        id_number=user.id_number or "",
        phone=user.phone or "",
        email=user.email or "",
        channel=channel,
        unit_name=unit.name if unit else "",
        unit_credit_code=unit.credit_code if unit else "",
    )


def start_application(
    *, round, by, channel: str, unit=None, street=None, today: date | None = None
):
    """Open a draft for `by` in `round` (one live application per round and applicant),
    prefilled with what the portal knows of the applicant, the channel and the unit.

    `street`: for an applicant without a unit, the street or town of their residence, whose
    reviewer acts on the application (市中 第八条); a unit's street otherwise."""
    today = today or timezone.localdate()
    ruleset = round.version.ruleset
    if not round.is_open_on(today):
        raise ApplicationError(
            f"“{round.name}”的申报时间为 {round.opens_on} 至 {round.closes_on}，现在不能申报。"
        )
    channels = {c.code: c for c in eligibility_for(round).channels}
    if channel not in channels:
        raise ApplicationError("请选择推荐方式。", field="channel")
    window = channels[channel].window
    if window and not (window.opens <= today <= window.closes):
        raise ApplicationError(
            f"“{channels[channel].label}”的申报时间为 {window.opens} 至 {window.closes}。",
            field="channel",
        )
    kind = ruleset.identity.applicant_kind
    if kind in ("organisation", "project"):
        if unit is None or unit not in applicant_units(by):
            raise ApplicationError("请以申报单位的账号申报本项目，并选择本单位。", field="unit")
    elif channel == Channel.UNIT and unit is None:
        raise ApplicationError("单位推荐须选择所在单位。", field="unit")
    if channel == "union":
        union = unit.union if unit else None
        if union is None:
            raise ApplicationError("所在单位没有登记所属工会，不能通过工会推荐。", field="unit")
        if channels[channel].requires_unit_selection_held and not union.held_own_selection:
            raise ApplicationError(
                f"“{union.name}”未开展本地区（系统、行业）工匠培养选树，不能以工会推荐形式申报。",
                field="channel",
            )
    try:
        with transaction.atomic():
            application = gate.create_draft(
                ruleset=ruleset,
                round=round,
                applicant=by,
                unit=unit,
                channel=channel,
                street=getattr(unit, "street", None) or street,
                department=getattr(unit, "department", None),
                union=getattr(unit, "union", None),
                data=declaration.prefilled(
                    ruleset, {}, known_for(user=by, channel=channel, unit=unit)
                ),
            )
            ApplicationEvent.record(
                application,
                by=by,
                action="created",
                note="创建申报草稿",
                from_status="",
                from_stage="",
            )
    except IntegrityError:
        raise ApplicationError("您在本批次已有一份申报，请在“我的申报”中继续填写。") from None
    return application


def save_draft(*, application: Application, post, by) -> tuple[Application, dict]:
    """Store what the form holds now (autosave or 保存草稿); returns the messages by input."""
    application, errors, _checks_changed = autosave_draft(application=application, post=post, by=by)
    return application, errors


def autosave_draft(*, application: Application, post, by) -> tuple[Application, dict, bool]:
    """`save_draft`, also saying whether the eligibility pre-check may read differently now.

    The pre-check reads the facts the form states (`declaration.facts_from_data`) and the
    written reasons: when a keystroke changed neither (most of them: a long text being typed),
    the page keeps the checks it shows and the rules are not evaluated again.
    """
    given = application
    with transaction.atomic():
        application = locked(application)
        if application.status not in EDITABLE:
            raise ApplicationError("申报已提交，不能再修改；如需修改请等待退回。")
        if application.unit_id == given.unit_id and "unit" in given._state.fields_cache:
            application.unit = given.unit  # loaded with the page's request already
        bound = declaration.Declaration.from_post(
            ruleset_of(application), post, today=timezone.localdate()
        )
        data = bound.data()
        reasons = {
            key.removeprefix("warn_reason-"): value.replace("\r\n", "\n").strip()
            for key, value in post.items()
            if key.startswith("warn_reason-") and value.strip()
        }
        if not reasons and not any(k.startswith("warn_reason-") for k in post):
            reasons = application.warn_reasons
        ruleset = ruleset_of(application)
        checks_changed = reasons != application.warn_reasons or declaration.facts_from_data(
            ruleset, data, unit=application.unit
        ) != declaration.facts_from_data(ruleset, application.data, unit=application.unit)
        # An autosave of what is stored already (a focus change, a repeated keystroke) writes
        # nothing: no new revision, no row rewritten.
        if data != application.data or reasons != application.warn_reasons:
            application.data = data
            application.warn_reasons = reasons
            application.revision += 1
            application.save(update_fields=["data", "warn_reasons", "revision", "updated_at"])
    return application, bound.errors(), checks_changed


def precheck(application: Application, *, on: date | None = None) -> list:
    """The eligibility checks on what the form holds now (the same rules as `simulate`)."""
    ruleset = ruleset_of(application)
    facts = declaration.facts_from_data(ruleset, application.data, unit=application.unit)
    try:
        return eligibility.assess(
            ruleset,
            facts,
            on=on or timezone.localdate(),
            channel=application.channel,
            eligibility=eligibility_for(application.round),
            findings=findings_about(application),
        )
    except ValueError as exc:  # a stored value the facts model refuses
        return [eligibility.CheckResult("facts", "fail", str(exc), "", ())]


def add_attachment(*, application: Application, item: str, upload, by) -> Attachment:
    ruleset = ruleset_of(application)
    items = {c.code: c for c in ruleset.form.checklist}
    if item not in items:
        raise ApplicationError("请选择材料项目。", field="item")
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:  # its real size, before reading (never "10.0MB" for 11 MB)
        raise ApplicationError(
            f"“{upload.name}”：文件大小为{upload.size / 1024 / 1024:.1f}MB，"
            f"超过了{limit / 1024 / 1024:g}MB的上限，请压缩或分页后上传。",
            field="file",
        )
    data = upload.read(limit + 1)
    try:
        checked = check_upload(
            data, max_bytes=settings.MAX_UPLOAD_BYTES, clamav_socket=settings.CLAMAV_SOCKET
        )
    except UploadRejected as exc:
        raise ApplicationError(f"“{upload.name}”：{exc}", field="file") from exc
    with transaction.atomic():
        application = locked(application)
        if application.status not in EDITABLE:
            raise ApplicationError("申报已提交，不能再上传材料。")
        attachment = Attachment(
            application=application,
            item=item,
            original_name=upload.name[:200],
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        attachment.file.save("upload", ContentFile(checked.data), save=False)
        attachment.save()
        _attachment_event(application, by, f"上传材料：{items[item].title}")
    return attachment


def _attachment_event(application, by, note: str) -> None:
    """An upload or removal in the application's record; its status and stage stay."""
    ApplicationEvent.record(
        application, by=by, action="attachment", note=note, from_status="", from_stage=""
    )


def remove_attachment(*, attachment: Attachment, by) -> None:
    with transaction.atomic():
        application = locked(attachment.application)
        if application.status not in EDITABLE:
            raise ApplicationError("申报已提交，不能再删除材料。")
        items = {c.code: c.title for c in ruleset_of(application).form.checklist}
        title = items.get(attachment.item, attachment.item)
        attachment.file.delete(save=False)
        attachment.delete()
        _attachment_event(application, by, f"删除材料：{title}")


def submission_problems(application: Application, *, on: date) -> dict[str, list[str]]:
    """Everything that stops a submission, by input name ("" for the whole form)."""
    ruleset = ruleset_of(application)
    strict = declaration.Declaration.from_data(ruleset, application.data, strict=True, today=on)
    problems = strict.errors()
    for key, messages in declaration.identity_mismatches(
        ruleset, application.data, known_of(application)
    ).items():
        problems.setdefault(key, []).extend(messages)
    checks = precheck(application, on=on)
    failed = [c for c in checks if c.result == "fail"]
    if failed:
        problems.setdefault("", []).extend(
            f"不符合申报条件：{c.message}（{c.source}）" for c in failed
        )
    for check in checks:
        reason = application.warn_reasons.get(check.code, "")
        if check.result == "warn" and not reason:
            problems.setdefault(f"warn_reason-{check.code}", []).append(
                "请写明情况说明（经办人员审核时会看到）"
            )
        elif check.result == "warn" and len(reason) > WARN_REASON_MAX:
            problems.setdefault(f"warn_reason-{check.code}", []).append(
                f"情况说明最多{WARN_REASON_MAX}字，现在有{len(reason)}字，请删减"
            )
    uploaded = set(application.attachments.values_list("item", flat=True))
    for item in declaration.missing_materials(ruleset, uploaded):
        problems.setdefault(f"material-{item.code}", []).append(f"请上传：{item.title}")
    return problems


def submit_application(*, application: Application, by, on: date | None = None):
    """Freeze a version (data, checks, reasons, rule-set version) and hand it to review."""
    on = on or timezone.localdate()
    with transaction.atomic():
        application = locked(application)
        if application.status not in EDITABLE:
            raise ApplicationError("此申报已经提交，不能重复提交。")
        first = application.status == Application.Status.DRAFT
        if first and not application.round.is_open_on(on):
            raise ApplicationError(f"申报已于 {application.round.closes_on} 截止，不能再提交。")
        problems = submission_problems(application, on=on)
        if problems:
            raise ApplicationError("申报还有需要补充或更正的内容，请按提示修改。", errors=problems)
        checks = precheck(application, on=on)
        number = application.versions.count() + 1
        ApplicationVersion.objects.create(
            application=application,
            number=number,
            data=application.data,
            checks=[
                {"code": c.code, "result": c.result, "message": c.message, "source": c.source}
                for c in checks
            ],
            warn_reasons=application.warn_reasons,
            ruleset_version=application.round.version,
            submitted_at=timezone.now(),
            submitted_by=by,
        )
        application.submitted_at = timezone.now()
        application.save(update_fields=["submitted_at", "updated_at"])
        gate.move(
            application,
            status=Application.Status.IN_REVIEW,
            by=by,
            action="submitted",
            note=f"提交第{number}版",
            stage_entered=False,
        )
        # The review starts (or resumes after a return) in this transaction: both or neither.
        hooks.submitted(application=application, by=by, first=first)
        notify(
            recipients=[application.applicant],
            link=reverse("applications:detail", args=[application.pk]),
            subject=f"申报已提交：{application.round.name}",
            body=f"您的申报（第{number}版）已提交，请在平台上查看办理进度。",
        )
    return application


def withdraw_application(*, application: Application, by, reason: str = "") -> Application:
    with transaction.atomic():
        application = locked(application)
        if application.status in (
            Application.Status.NAMED,
            Application.Status.REJECTED,
            Application.Status.WITHDRAWN,
        ):
            raise ApplicationError("该申报已办结，不能撤回。")
        gate.move(
            application,
            status=Application.Status.WITHDRAWN,
            by=by,
            action="withdrawn",
            note=reason,
            stage_entered=False,
        )
    return application
