"""Custom actions, one module per job; the action server loads this package (``--actions bot.actions``)."""

from bot.actions.answer import ActionAnswer, ActionFallback
from bot.actions.booking import (
    ActionAskAppointmentSlot,
    ActionAskBookingConfirmed,
    ActionAskConsentGiven,
    ActionAskContactName,
    ActionAskContactPhone,
    ActionAskMunicipality,
    ActionAskTopics,
    ActionStartBooking,
    ActionSubmitBooking,
    ValidateBookingForm,
)
from bot.actions.language import ActionGreet, ActionSetLanguage
from bot.actions.location import ActionSessionStart, ActionShowOffice
from bot.actions.manage import (
    ActionAskBookingReference,
    ActionAskDeleteConfirmed,
    ActionAskManageConfirmed,
    ActionAskSecondFactor,
    ActionStartDelete,
    ActionStartManage,
    ActionSubmitDelete,
    ActionSubmitManage,
    ValidateDeleteForm,
    ValidateManageForm,
)
from bot.topics import synonyms

synonyms()  # read the topic phrases of nlu_data/ now, not while the first person waits

__all__ = [
    "ActionAnswer",
    "ActionAskAppointmentSlot",
    "ActionAskBookingConfirmed",
    "ActionAskBookingReference",
    "ActionAskConsentGiven",
    "ActionAskContactName",
    "ActionAskContactPhone",
    "ActionAskDeleteConfirmed",
    "ActionAskManageConfirmed",
    "ActionAskMunicipality",
    "ActionAskSecondFactor",
    "ActionAskTopics",
    "ActionFallback",
    "ActionGreet",
    "ActionSessionStart",
    "ActionSetLanguage",
    "ActionShowOffice",
    "ActionStartBooking",
    "ActionStartDelete",
    "ActionStartManage",
    "ActionSubmitBooking",
    "ActionSubmitDelete",
    "ActionSubmitManage",
    "ValidateBookingForm",
    "ValidateDeleteForm",
    "ValidateManageForm",
]
