"""CLAMAV_SOCKET reaches the check from add_attachment, the path every upload takes."""

from __future__ import annotations

import io

import pytest

from applications import services
from applications.models import Attachment
from tests.applications.conftest import pdf_bytes
from tests.applications.test_uploads import EICAR, FakeClamd

pytestmark = pytest.mark.django_db


class Upload(io.BytesIO):
    def __init__(self, data, name):
        super().__init__(data)
        self.name = name
        self.size = len(data)  # as Django's UploadedFile has it


@pytest.fixture
def clamd(tmp_path):
    fake = FakeClamd(tmp_path / "clamd.sock")
    yield fake
    fake.close()


def test_eicar_upload_is_refused_and_a_clean_one_stored(settings, clamd, draft, persona, tmp_path):
    settings.CLAMAV_SOCKET = clamd.path
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT = tmp_path
    li = persona("li_ming")
    item = services.ruleset_of(draft).form.checklist[0].code
    with pytest.raises(services.ApplicationError, match="未通过病毒扫描"):
        services.add_attachment(application=draft, item=item, upload=Upload(EICAR, "a.pdf"), by=li)
    assert not Attachment.objects.filter(application=draft).exists()
    clean = pdf_bytes()
    attachment = services.add_attachment(
        application=draft, item=item, upload=Upload(clean, "b.pdf"), by=li
    )
    assert clamd.scanned == [EICAR, clean]
    assert attachment.content_type == "application/pdf"
