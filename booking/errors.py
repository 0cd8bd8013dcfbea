"""Domain errors. Each carries a stable ``code`` and the HTTP status the API answers with."""


class DomainError(Exception):
    """Base class: a failure the caller can act on."""

    code = "error"
    status = 400

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message or self.code)
        self.message = message or self.code
        self.details = details


class NotFound(DomainError):
    code = "not_found"
    status = 404


class SlotTaken(DomainError):
    code = "slot_taken"
    status = 409


class SlotUnavailable(DomainError):
    """The slot id is well-formed but not (or no longer) offered: outside hours, closed, past."""

    code = "slot_unavailable"
    status = 409


class InvalidSlot(DomainError):
    code = "invalid_slot"
    status = 422


class VerificationFailed(DomainError):
    """Reference and second factor (phone or email) do not belong together."""

    code = "verification_failed"
    status = 404


class BookingNotActive(DomainError):
    code = "booking_not_active"
    status = 409


class ConsentRequired(DomainError):
    code = "consent_required"
    status = 422


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
