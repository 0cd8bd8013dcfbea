"""Custom actions, one module per job; the action server loads this package (``--actions bot.actions``)."""

from bot.actions.answer import ActionAnswer

__all__ = ["ActionAnswer"]
