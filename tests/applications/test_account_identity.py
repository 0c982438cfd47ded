"""The declaration starts from what the account knows, and a person's form must be their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications import services
from applications.declaration import Known, identity_mismatches, prefilled
from applications.models import Application
from portal.models import Unit
from tests.applications.conftest import as_post, upload_all

pytestmark = pytest.mark.django_db


def test_a_new_draft_is_prefilled_from_the_account_channel_and_unit(draft, persona):
    user = persona("li_ming")
    data = draft.data
    assert data["cover"]["name"] == "李明"
    assert data["cover"]["nomination_channel"] == "unit"  # the cover's 推荐方式
    person = data["person"]
    assert person["name"] == "李明"
    assert person["id_number"] == user.id_number
    assert person["birth_date"] == "1975-03-15"  # read from the ID number
    assert person["gender"] == "male"
    assert person["mobile"] == "13800000001"
    assert person["email"] == "li_ming@example.cn"
    unit = Unit.objects.get(name__contains="松江精密")
    assert data["unit"]["unit_name"] == unit.name
    assert data["unit"]["credit_code"] == unit.credit_code


def test_the_edit_page_shows_the_prefilled_values(draft, client, login_as):
    user = login_as("li_ming")
    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert f'value="{user.id_number}"' in page
    assert 'name="person-name"' in page and 'value="李明"' in page


def test_prefill_never_overwrites_what_was_typed(songjiang_round):
    ruleset = songjiang_round.version.ruleset
    known = Known(real_name="李明", id_number="310117198005123459", phone="13800000001")
    data = prefilled(ruleset, {"person": {"mobile": "13900000000"}}, known)
    assert data["person"]["mobile"] == "13900000000"
    assert data["person"]["name"] == "李明"
    assert data["person"]["birth_date"] == "1980-05-12"
    assert prefilled(ruleset, data, known, overwrite=True)["person"]["mobile"] == "13800000001"


def test_someone_elses_name_or_id_on_a_persons_form_is_refused(songjiang_round):
    ruleset = songjiang_round.version.ruleset
    known = Known(real_name="李明", id_number="31010419750315101X")
    data = {"person": {"name": "张伟", "id_number": "310117198005123459"}}
    found = identity_mismatches(ruleset, data, known)
    assert "与账号实名“李明”不一致" in found["person-name"][0]
    assert "310***********101X" in found["person-id_number"][0]
    assert identity_mismatches(ruleset, {"person": {"name": "李 明"}}, known) == {}


def test_an_organisations_form_names_its_contact_not_the_account(rounds):
    ruleset = rounds["songjiang-training-base"].version.ruleset
    known = Known(real_name="顾敏", phone="13800000021")
    data = prefilled(ruleset, {}, known)
    assert data["organisation"]["department_contact"] == "顾敏"
    data["organisation"]["department_contact"] = "另一位联系人"
    assert identity_mismatches(ruleset, data, known) == {}


def test_submission_with_another_persons_data_names_the_reason_beside_the_field(
    draft, client, login_as, demo_data
):
    user = login_as("li_ming")
    upload_all(draft, user)
    ruleset = draft.round.version.ruleset
    data = demo_data(draft.round)
    data["person"]["name"] = "张伟"
    data["person"]["id_number"] = "310117198005123459"
    post = as_post(ruleset, data, action="submit")
    response = client.post(reverse("applications:edit", args=[draft.pk]), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "姓名“张伟”与账号实名“李明”不一致" in page
    assert f"与账号登记的身份证号码（{user.masked_id_number}）不一致" in page
    assert user.id_number not in page.split('name="person-id_number"')[0]  # never in full
    # beside the field, not only in the list at the top
    assert page.index('id="err-person-name"') < page.index(
        "姓名“张伟”与账号实名", page.index('id="err-person-name"')
    )
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert draft.data["person"]["name"] == "张伟"  # what was typed is kept
    with pytest.raises(services.ApplicationError):
        services.submit_application(application=draft, by=user)
    data["person"]["name"] = "李明"
    data["person"]["id_number"] = user.id_number
    services.save_draft(application=draft, post=as_post(ruleset, data), by=user)
    services.submit_application(application=draft, by=user)
    draft.refresh_from_db()
    assert draft.status == Application.Status.IN_REVIEW


def test_every_demo_form_names_its_own_applicant(db):
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    people = Application.objects.filter(
        round__version__data__identity__applicant_kind="person"
    ).select_related("applicant", "round__version")
    assert people.count() >= 4
    names = set()
    for application in people:
        ruleset = application.round.version.ruleset
        known = services.known_of(application)
        assert identity_mismatches(ruleset, application.data, known) == {}, application
        person = application.data["person"]
        assert person["name"] == application.applicant.real_name
        names.add((person["name"], person["id_number"]))
    assert len({id_number for _name, id_number in names}) == len(names)  # nobody shares an ID
