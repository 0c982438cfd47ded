"""A PDF render stopped by its limits is answered with its Chinese message, not a server error."""

from __future__ import annotations

from django.shortcuts import render

from applications.pdf import PdfLimitExceeded


class PdfLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PdfLimitExceeded):
            return render(
                request, "applications/pdf/too_large.html", {"message": str(exception)}, status=503
            )
        return None
