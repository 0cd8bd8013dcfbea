"""POST /telegram/webhook: to be built (issue 5)."""

from fastapi import APIRouter

router = APIRouter()
