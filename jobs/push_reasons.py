"""Why a push runs: every change that asked for it, kept until its run names them."""

from __future__ import annotations

from redis import Redis

WHY_KEY = "joorsync:push-why:{}"  # the reasons a debounced push was asked for, by job id
WHY_KEPT = 100


def note_why(conn: Redis, job_id: str, reason: str) -> None:
    """Keep each change a push was asked for, so its run names them all, not the first."""
    key = WHY_KEY.format(job_id)
    pipe = conn.pipeline()
    pipe.rpush(key, reason)
    pipe.ltrim(key, 0, WHY_KEPT - 1)
    pipe.expire(key, 86_400)
    pipe.execute()


def why_of(conn: Redis, job_id: str, trigger: str) -> str:
    """The reasons noted for a job, in words: "3 changes: API updated A; API updated B"."""
    key = WHY_KEY.format(job_id)
    noted = [raw.decode() for raw in conn.lrange(key, 0, -1)]
    conn.delete(key)
    reasons = list(dict.fromkeys(noted)) or [trigger]
    if len(reasons) == 1:
        return reasons[0]
    more = f" and {len(reasons) - 2} more" if len(reasons) > 2 else ""
    count = f"{len(noted)}{'+' if len(noted) == WHY_KEPT else ''}"
    return f"{count} changes: {reasons[0]}; {reasons[1]}{more}"
