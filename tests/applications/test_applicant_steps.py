"""The applicant's one-step POSTs (portal.flash.run_step): what they do and what they say."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.applications.conftest import upload_all

pytestmark = pytest.mark.django_db


def said(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_removing_a_material_and_withdrawing_say_so(client, login_as, draft):
    from applications.models import Application, ApplicationEvent

    li_ming = login_as("li_ming")
    upload_all(draft, li_ming)
    attachment = draft.attachments.first()
    url = reverse("applications:delete_attachment", args=[draft.pk, attachment.pk])
    response = client.post(url)
    assert response.status_code == 302 and response.url.endswith("#materials")
    assert said(response) == [("success", "已删除该材料。")]
    assert not draft.attachments.filter(pk=attachment.pk).exists()
    assert ApplicationEvent.objects.filter(
        application=draft, action="attachment", note__startswith="删除材料："
    ).exists()

    response = client.post(reverse("applications:withdraw", args=[draft.pk]), {"reason": "另报"})
    assert response.status_code == 302
    assert said(response)[-1] == ("success", "申报已撤回。")  # after the removal's
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN
    assert draft.events.filter(action="withdrawn", note="另报").exists()


def test_a_refused_step_says_why_and_changes_nothing(client, login_as, draft, monkeypatch):
    from applications import services

    login_as("li_ming")

    def refuse(**kwargs):
        raise services.ApplicationError("该申报已办结，不能撤回。")

    monkeypatch.setattr(services, "withdraw_application", refuse)
    response = client.post(reverse("applications:withdraw", args=[draft.pk]))
    assert said(response) == [("error", "该申报已办结，不能撤回。")]
    draft.refresh_from_db()
    assert draft.status == draft.Status.DRAFT
