"""Rounds of the five programmes and applications in them, for the declaration's tests."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image


@pytest.fixture
def rounds(demo_people):
    """One open round per programme (as `make demo` has them), by programme code."""
    from programmes.models import Round

    call_command("load_programmes", stdout=io.StringIO())
    call_command("open_demo_rounds", stdout=io.StringIO())
    return {r.version.programme.code: r for r in Round.objects.select_related("version__programme")}


@pytest.fixture
def songjiang_round(rounds):
    return rounds["songjiang-chief-technician"]


@pytest.fixture
def demo_data():
    from applications.demo_data import demo_form_data

    def make(round):
        return demo_form_data(round.version.ruleset, on=timezone.localdate())

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
    from applications import services

    ruleset = application.round.version.ruleset
    data = demo_data(application.round)
    application, errors = services.save_draft(
        application=application, post=as_post(ruleset, data, **extra), by=user
    )
    assert errors == {}
    return application
