"""Worker tasks of ratings: the public board, overdue escalation, unconfirmed answers, invitations.
Every task is safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from tongban.utils import schedule


@task()
def recompute_board() -> int:
    from tongban.ratings.services import board

    return board.recompute()


@task()
def escalate_rectifications() -> int:
    """Escalate overdue rectifications and close answers the rater left unconfirmed."""
    from tongban.ratings.services import rectification

    return rectification.escalate_overdue() + rectification.expire_unconfirmed()


@task()
def send_invitations() -> int:
    from tongban.ratings.services import invitations

    return invitations.send_due()


schedule.register("ratings.board", timedelta(minutes=10), recompute_board)
schedule.register("ratings.escalate", timedelta(hours=1), escalate_rectifications)
schedule.register("ratings.invitations", timedelta(minutes=10), send_invitations)
