"""Rounds of the five programmes and applications in them, for the declaration's tests."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image


def open_every_round():
    """The demo rounds, each open today: the declaration's tests fill in every programme's form,
    also those whose text is no longer in force (the demo gives them a past round only)."""
    from datetime import timedelta

    from programmes.models import Round

    call_command("load_programmes", stdout=io.StringIO())
    call_command("open_demo_rounds", stdout=io.StringIO())
    today = timezone.localdate()
    Round.objects.exclude(status=Round.Status.OPEN).update(
        status=Round.Status.OPEN,
        year=today.year,
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=60),
    )
    return {r.version.programme.code: r for r in Round.objects.select_related("version__programme")}


@pytest.fixture
def rounds(demo_people):
    """One open round per programme, by programme code."""
    return open_every_round()


@pytest.fixture
def songjiang_round(rounds):
    return rounds["songjiang-chief-technician"]


@pytest.fixture
def demo_data(persona):
    """The demo form as the account holder (li_ming unless told) fills it: his own name and ID."""
    from applications.declaration import prefilled
    from applications.demo_data import demo_form_data
    from applications.services import known_for

    def make(round, username="li_ming"):
        ruleset = round.version.ruleset
        data = demo_form_data(ruleset, on=timezone.localdate())
        known = known_for(user=persona(username), channel="", unit=None)
        return prefilled(ruleset, data, known, overwrite=True)

    return make


@pytest.fixture
def draft(songjiang_round, persona, demo_people):
    """li_ming's Songjiang draft, nominated by his unit (上海松江精密机械)."""
    from applications import services
    from portal.models import Unit

    unit = Unit.objects.get(name__contains="松江精密")
    return services.start_application(
        round=songjiang_round, by=persona("li_ming"), channel="unit", unit=unit
    )


def as_post(ruleset, data, **extra):
    from applications.declaration import as_post as to_post

    post = to_post(ruleset, data)
    for key, value in extra.items():
        post[key] = value
    return post


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF (uploads are parsed whole, issue 16)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload_all(application, user):
    from applications import services

    ruleset = application.round.version.ruleset
    for item in ruleset.form.checklist:
        if item.required:
            services.add_attachment(
                application=application,
                item=item.code,
                upload=SimpleUploadedFile("scan.pdf", pdf_bytes()),
                by=user,
            )


def complete(application, demo_data, user, **extra):
    """The demo form, with the account holder's own name, ID number and contact."""
    from applications import services
    from applications.declaration import prefilled

    ruleset = application.round.version.ruleset
    data = prefilled(
        ruleset, demo_data(application.round), services.known_of(application), overwrite=True
    )
    application, errors = services.save_draft(
        application=application, post=as_post(ruleset, data, **extra), by=user
    )
    assert errors == {}
    return application
