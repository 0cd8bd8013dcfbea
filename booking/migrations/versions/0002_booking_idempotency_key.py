"""booking idempotency key

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 12:31:13.311928

Plain ADD COLUMN and a unique index, no batch mode: on SQLite batch mode rebuilds the table,
which would drop the triggers that guard against double booking.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("idempotency_key", sa.String(length=64), nullable=True))
    op.create_index("ix_bookings_idempotency_key", "bookings", ["idempotency_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_bookings_idempotency_key", table_name="bookings")
    op.drop_column("bookings", "idempotency_key")
