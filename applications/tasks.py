"""Celery tasks of the applications app."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="applications.render_batch")
def render_batch(batch_id: int) -> None:
    """Render a PdfBatch's applications into one zip (applications.pdf_batches.build_batch)."""
    from applications.pdf_batches import build_batch

    build_batch(batch_id)
