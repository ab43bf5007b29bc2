"""The web service: a thin FastAPI layer over ``erdq.api`` (``create_app``)."""

from __future__ import annotations

from erdq.web.app import create_app

__all__ = ["create_app"]
