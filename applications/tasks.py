"""Celery tasks of the applications app."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="applications.render_batch")
def render_batch(batch_id: int) -> None:
    """Split a PdfBatch into chunks, one task each (applications.pdf_batches.build_batch)."""
    from applications.pdf_batches import build_batch  # noqa: PLC0415 — the service imports this module

    build_batch(batch_id)


@shared_task(name="applications.render_batch_chunk")
def render_batch_chunk(chunk_id: int) -> None:
    """Render one chunk of a PdfBatch (applications.pdf_batches.render_chunk)."""
    from applications.pdf_batches import render_chunk  # noqa: PLC0415 — the service imports this module

    render_chunk(chunk_id)
