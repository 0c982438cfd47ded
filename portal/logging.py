"""Logging filter that keeps ID-card numbers out of every log line."""

from __future__ import annotations

import logging

from portal.identity import mask_id_numbers_in_text


class MaskIdNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
