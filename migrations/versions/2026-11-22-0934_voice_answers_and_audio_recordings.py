"""Voice answers: how each spoken answer was heard, opt-in audio recordings, speech usage on model calls.

Revision ID: e9cabb0681e7
Revises: da7ced285568
Create Date: 2026-11-22 09:34:46.245539+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import candor.core.db

revision: str = "e9cabb0681e7"
down_revision: str | None = "da7ced285568"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audio_recordings",
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("client_msg_id", sa.String(length=100), nullable=True),
        sa.Column("blob_key", sa.String(length=100), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("created_at", candor.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_audio_recordings_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audio_recordings")),
    )
    with op.batch_alter_table("audio_recordings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audio_recordings_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audio_recordings_interview_id"), ["interview_id"], unique=False)

    with op.batch_alter_table("interview_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speech", sa.JSON(), nullable=True))

    with op.batch_alter_table("model_calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audio_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("characters", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_calls", schema=None) as batch_op:
        batch_op.drop_column("characters")
        batch_op.drop_column("audio_seconds")

    with op.batch_alter_table("interview_messages", schema=None) as batch_op:
        batch_op.drop_column("speech")

    with op.batch_alter_table("audio_recordings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audio_recordings_interview_id"))
        batch_op.drop_index(batch_op.f("ix_audio_recordings_created_at"))

    op.drop_table("audio_recordings")
