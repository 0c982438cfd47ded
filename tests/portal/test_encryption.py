"""Issue 16, item 3: ID numbers, phones and bank accounts encrypted at rest (portal/crypto.py).

On the real PostgreSQL: what the tables hold (raw SQL) is ciphertext, the ORM reads it back,
uniqueness and look-ups go through the blind indexes, and `rotate_field_keys` moves everything
to a new encryption key and a new index key.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import date

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal import crypto
from portal.models import User
from tests.portal.test_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

KEY_A, KEY_B = "field-key-a-" + "a" * 30, "field-key-b-" + "b" * 30
INDEX_A, INDEX_B = "index-key-a-" + "a" * 30, "index-key-b-" + "b" * 30
PERSON_ACCOUNT = "6217850000012345678"
UNIT_ACCOUNT = "1001202309000123456"


def raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def personal_values(ruleset, data) -> dict[str, str]:
    """`section.code` -> value of every ID, phone and bank-account field filled in `data`."""
    found = {}
    for section in ruleset.form.sections:
        items = section.columns if section.kind == "table" else section.fields
        for item in items:
            if item.type not in crypto.PERSONAL_TYPES:
                continue
            values = data.get(section.code)
            rows = values if isinstance(values, list) else [values or {}]
            for n, row in enumerate(rows):
                if row.get(item.code):
                    found[f"{section.code}.{n}.{item.code}"] = str(row[item.code])
    return found


@pytest.fixture
def keys(settings):
    settings.SALT_KEY = [KEY_A]
    settings.BLIND_INDEX_KEY = INDEX_A
    settings.BLIND_INDEX_KEY_FALLBACKS = []
    return settings


@pytest.fixture
def stored(keys, demo_people, persona):
    """li_ming's 青浦 declaration (the leader's ID, mobile and own bank account), its frozen
    version and the award that pays the leader."""
    from applications.declaration import prefilled
    from applications.demo_data import demo_form_data
    from applications.models import Application, ApplicationVersion
    from applications.services import known_for
    from programmes.models import ProgrammeVersion, Round
    from subsidies.services import create_award

    call_command("load_programmes", verbosity=0, stdout=io.StringIO())
    version = ProgrammeVersion.objects.get(programme__code="qingpu-chief-technician-subsidy")
    ruleset = version.ruleset
    li_ming = persona("li_ming")
    data = prefilled(
        ruleset,
        demo_form_data(ruleset, on=timezone.localdate()),
        known_for(user=li_ming, channel="", unit=None),
        overwrite=True,
    )
    data["leader"]["bank_account"] = PERSON_ACCOUNT
    round_ = Round.objects.create(
        version=version,
        name="青浦 2025",
        year=2025,
        opens_on=date(2025, 1, 1),
        closes_on=date(2025, 3, 31),
    )
    application = Application.objects.create(
        round=round_,
        applicant=li_ming,
        unit=demo_people["songjiang_machinery"],
        status=Application.Status.APPROVED,
        data=data,
    )
    frozen = ApplicationVersion.objects.create(
        application=application,
        number=1,
        data=data,
        ruleset_version=version,
        submitted_at=timezone.now(),
        submitted_by=li_ming,
    )
    award = create_award(
        application=application,
        document_number="青人社〔2025〕1号",
        named_on=date(2025, 6, 1),
        by=persona("chen_office"),
    )
    award.unit_account = UNIT_ACCOUNT
    award.save()
    values = personal_values(ruleset, data)
    assert {"leader.0.id_number", "leader.0.mobile", "leader.0.bank_account"} <= set(values)
    return {
        "user": li_ming,
        "application": application,
        "frozen": frozen,
        "award": award,
        "data": data,
        "values": values,
    }


def assert_ciphertext(value, *plaintexts):
    assert value, "nothing stored"
    for plain in plaintexts:
        assert plain not in value


def test_the_tables_hold_no_plaintext_and_the_orm_reads_it_back(stored):
    user, award = stored["user"], stored["award"]
    [(id_number, phone, id_index, phone_index)] = raw(
        "SELECT id_number, phone, id_number_index, phone_index FROM portal_user WHERE id = %s",
        [user.pk],
    )
    assert_ciphertext(id_number, user.id_number, user.id_number[6:14])
    assert_ciphertext(phone, user.phone)
    assert re.fullmatch(r"[0-9a-f]{64}", id_index) and re.fullmatch(r"[0-9a-f]{64}", phone_index)

    [(payee_id, person_account, unit_account)] = raw(
        "SELECT person_id_number, person_account, unit_account FROM subsidies_award WHERE id = %s",
        [award.pk],
    )
    leader_id = stored["values"]["leader.0.id_number"]
    assert_ciphertext(payee_id, leader_id)
    assert_ciphertext(person_account, PERSON_ACCOUNT)
    assert_ciphertext(unit_account, UNIT_ACCOUNT)

    for table, pk in (
        ("applications_application", stored["application"].pk),
        ("applications_applicationversion", stored["frozen"].pk),
    ):
        [(text,)] = raw(f"SELECT data::text FROM {table} WHERE id = %s", [pk])
        assert_ciphertext(text, *stored["values"].values())
        assert text.count(crypto.TOKEN_PREFIX) >= len(stored["values"])
        # every other key stays plain JSON, queryable in SQL
        [(name,)] = raw(f"SELECT data->'leader'->>'name' FROM {table} WHERE id = %s", [pk])
        assert name == stored["data"]["leader"]["name"]

    # the ORM reads back what was written
    from applications.models import Application, ApplicationVersion
    from subsidies.models import Award

    fresh = User.objects.get(pk=user.pk)
    assert (fresh.id_number, fresh.phone) == (user.id_number, user.phone)
    assert Application.objects.get(pk=stored["application"].pk).data == stored["data"]
    assert ApplicationVersion.objects.get(pk=stored["frozen"].pk).data == stored["data"]
    award = Award.objects.get(pk=award.pk)
    assert (award.person_id_number, award.person_account, award.unit_account) == (
        leader_id,
        PERSON_ACCOUNT,
        UNIT_ACCOUNT,
    )
    # other keys of the declaration are still queryable through the ORM
    name = stored["data"]["leader"]["name"]
    assert Application.objects.filter(data__leader__name=name).count() == 1


def test_look_ups_go_through_the_blind_index(stored):
    user = stored["user"]
    assert User.objects.get(id_number=user.id_number.lower()) == user  # normalised: upper case
    assert User.objects.get(phone=f"{user.phone[:3]} {user.phone[3:7]} {user.phone[7:]}") == user
    from portal.signin import find_account

    assert find_account(user.phone) == user
    assert find_account("+86 " + user.phone) == user
    # a substring search of ciphertext is refused, not silently empty
    with pytest.raises(FieldError):
        User.objects.filter(phone__icontains=user.phone[:5]).exists()
    from subsidies.models import Award

    with pytest.raises(FieldError):
        Award.objects.filter(person_account=PERSON_ACCOUNT).exists()
    assert Award.objects.filter(person_bank__isnull=False, unit_account="").count() == 0


def test_the_staff_search_finds_by_the_whole_phone_or_id_number(stored, client, persona):
    client.force_login(persona("admin"), backend="portal.auth_backends.PhoneOrEmailBackend")
    user = stored["user"]
    for term in (user.phone, user.id_number):
        page = client.get(reverse("admin:portal_user_changelist"), {"q": term})
        assert page.status_code == 200
        assert list(page.context["cl"].result_list) == [user]
    page = client.get(reverse("admin:portal_user_changelist"), {"q": user.phone[:6]})
    assert user not in page.context["cl"].result_list


def test_id_numbers_stay_unique(stored, client, mailoutbox, django_capture_on_commit_callbacks):
    holder = stored["user"]
    # the model (the admin's forms): the message the unique column gave
    twin = User(username="twin", id_number=holder.id_number)
    with pytest.raises(ValidationError) as refused:
        twin.validate_unique()
    assert refused.value.message_dict["id_number"] == ["具有 身份证号码 的 用户 已存在。"]
    # the database: the unique blind index
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="twin", id_number=holder.id_number.lower())
    # registration: nothing made for a known number (however written), its holder is told
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("register"),
            {
                "account": "13912340000",
                "real_name": "冒名",
                "id_number": holder.id_number.lower(),
                "password1": "Gongjiang#2024",
                "password2": "Gongjiang#2024",
            },
        )
    assert answer.status_code == 302 and answer["Location"] == reverse("register_done")
    assert not User.objects.filter(phone="13912340000").exists()
    assert [m.to for m in mailoutbox] == [[holder.email]]
    # a known phone is still refused as before
    again = client.post(
        reverse("register"),
        {
            "account": holder.phone,
            "real_name": "李明",
            "id_number": "310117198005123459",
            "password1": "Gongjiang#2024",
            "password2": "Gongjiang#2024",
        },
    )
    assert "该手机号已注册" in again.content.decode()


def test_rotation_to_a_new_key_and_a_new_index_key(stored, keys):
    from applications.models import Application, ApplicationVersion
    from subsidies.models import Award

    user = stored["user"]
    # the new keys first, the old ones still there
    keys.SALT_KEY = [KEY_B, KEY_A]
    keys.BLIND_INDEX_KEY = INDEX_B
    keys.BLIND_INDEX_KEY_FALLBACKS = [INDEX_A]
    assert User.objects.get(id_number=user.id_number) == user  # through the fallback index
    out = io.StringIO()
    call_command("rotate_field_keys", "--batch", "2", stdout=out)
    report = out.getvalue()
    assert "portal_user.id_number: 加密 0，重新加密 " in report
    assert "无法解密 0 项" in report
    again = io.StringIO()
    call_command("rotate_field_keys", stdout=again)
    assert "共处理 0 项" in again.getvalue()  # idempotent

    # the old keys gone: everything reads, every look-up works
    keys.SALT_KEY = [KEY_B]
    keys.BLIND_INDEX_KEY_FALLBACKS = []
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.id_number, fresh.phone) == (user.id_number, user.phone)
    assert User.objects.get(id_number=user.id_number) == user
    assert User.objects.get(phone=user.phone) == user
    assert Application.objects.get(pk=stored["application"].pk).data == stored["data"]
    assert ApplicationVersion.objects.get(pk=stored["frozen"].pk).data == stored["data"]
    award = Award.objects.get(pk=stored["award"].pk)
    assert (award.person_account, award.unit_account) == (PERSON_ACCOUNT, UNIT_ACCOUNT)

    # and the old key alone no longer opens what is stored
    keys.SALT_KEY = [KEY_A]
    [(token,)] = raw("SELECT id_number FROM portal_user WHERE id = %s", [user.pk])
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


def test_rotation_encrypts_what_is_still_plaintext_and_says_what_it_cannot_open(stored, keys):
    """The data migration's pass (portal/field_keys.py) over rows written before it."""
    user = stored["user"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE portal_user SET id_number = %s, id_number_index = NULL WHERE id = %s",
            [user.id_number, user.pk],
        )
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "portal_user.id_number: 加密 1，" in out.getvalue()
    [(stored_id,)] = raw("SELECT id_number FROM portal_user WHERE id = %s", [user.pk])
    assert user.id_number not in stored_id
    assert User.objects.get(id_number=user.id_number) == user

    keys.SALT_KEY = [KEY_B]  # key A forgotten: nothing can be opened, nothing is rewritten
    with pytest.raises(SystemExit):
        call_command("rotate_field_keys", stdout=io.StringIO())
    assert raw("SELECT id_number FROM portal_user WHERE id = %s", [user.pk]) == [(stored_id,)]


def test_the_development_key_is_logged(settings, caplog):
    settings.FIELD_ENCRYPTION_DEVELOPMENT_KEYS = True
    settings.SALT_KEY = ["a-key-of-this-test-only"]
    with caplog.at_level(logging.WARNING, logger="portal.crypto"):
        crypto.encrypt("x")
    assert "fixed development key" in caplog.text


@pytest.mark.parametrize("missing", ["FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"])
def test_production_refuses_to_start_without_the_keys(missing):
    env = dict(PRODUCTION_ENV)
    env[missing] = None
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG=0" in result.stderr


def test_production_keys_come_from_the_environment_newest_first():
    env = {**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEYS": "new-key, old-key"}
    result = run_manage(
        env, "shell", "-c", "from django.conf import settings; print(settings.SALT_KEY)"
    )
    assert "['new-key', 'old-key']" in result.stdout, result.stderr


def test_what_the_blind_index_normalises(keys):
    assert crypto.normalise("id_number", " 31010419750315101x ") == "31010419750315101X"
    assert crypto.normalise("phone", "+86 138-0000-0001") == "13800000001"
    assert crypto.normalise("phone", "021-5760 0001") == "02157600001"
    assert crypto.blind_index("phone", "138 0000 0001") == crypto.blind_index(
        "phone", "13800000001"
    )
    assert crypto.blind_index("phone", "13800000001") != crypto.blind_index(
        "id_number", "13800000001"
    )
    assert crypto.blind_index("phone", "") is None


def test_the_migrations_way_back_decrypts_in_place_and_the_way_forward_encrypts_again(stored):
    """portal/field_keys.py's decrypt passes (the encrypting migrations run backwards), then
    the encrypt passes over what they left."""
    from applications.models import Application
    from portal import field_keys

    user, application = stored["user"], stored["application"]
    id_number = "SELECT id_number FROM portal_user WHERE id = %s"
    data = "SELECT data::text FROM applications_application WHERE id = %s"
    assert user.id_number not in raw(id_number, [user.pk])[0][0]
    assert PERSON_ACCOUNT not in raw(data, [application.pk])[0][0]

    [(with_id,)] = raw("SELECT count(*) FROM portal_user WHERE id_number <> ''")
    back = field_keys.decrypt_column(User, "id_number", batch=1)
    assert (back.encrypted, back.failed) == (with_id, 0)
    assert raw(id_number, [user.pk]) == [(user.id_number,)]
    assert field_keys.decrypt_declarations(Application, "data").encrypted == 1
    assert PERSON_ACCOUNT in raw(data, [application.pk])[0][0]
    assert field_keys.decrypt_column(User, "id_number").encrypted == 0  # nothing left

    forward = field_keys.encrypt_column(User, "id_number", batch=1)
    assert (forward.encrypted, forward.current) == (with_id, User.objects.count() - with_id)
    assert user.id_number not in raw(id_number, [user.pk])[0][0]
    assert User.objects.get(id_number=user.id_number) == user
    assert field_keys.encrypt_declarations(Application, "data").encrypted > 0
    assert PERSON_ACCOUNT not in raw(data, [application.pk])[0][0]
    assert Application.objects.get(pk=application.pk).data == stored["data"]
    again = field_keys.encrypt_declarations(Application, "data")
    assert (again.encrypted, again.current) == (0, 1)
