"""Why a push runs: every change that asked for it, and the items it named, kept for its run."""

from __future__ import annotations

from collections.abc import Collection

from redis import Redis

WHY_KEY = "joorsync:push-why:{}"  # the reasons a debounced push was asked for, by job id
ITEMS_KEY = "joorsync:push-items:{}"  # the item codes those changes named, by job id
ANY_ITEM = "*"  # a change that named no items (a setting, a reconnect): any item may matter
WHY_KEPT = 100
ITEMS_KEPT = 1000
KEPT_SECONDS = 86_400


def note_why(conn: Redis, job_id: str, reason: str, items: Collection[str] | None = None) -> None:
    """Keep each change a push was asked for, and the items it touched (None: any item)."""
    key, items_key = WHY_KEY.format(job_id), ITEMS_KEY.format(job_id)
    named = list(items) if items is not None and 0 < len(items) <= ITEMS_KEPT else [ANY_ITEM]
    pipe = conn.pipeline()
    pipe.rpush(key, reason)
    pipe.ltrim(key, 0, WHY_KEPT - 1)
    pipe.expire(key, KEPT_SECONDS)
    pipe.sadd(items_key, *named)
    pipe.expire(items_key, KEPT_SECONDS)
    pipe.execute()


def items_of(conn: Redis, job_id: str) -> list[str] | None:
    """The item codes the job's changes named, or None when one of them named none."""
    key = ITEMS_KEY.format(job_id)
    named = {raw.decode() for raw in conn.smembers(key)}
    conn.delete(key)
    if not named or ANY_ITEM in named or len(named) > ITEMS_KEPT:
        return None
    return sorted(named)


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
