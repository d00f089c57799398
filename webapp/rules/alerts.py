"""Alert episodes: when one opens, when it clears, and when neither is news (pure).

The merchant hears once when trouble starts and once when it is over. The same trouble seen
again at every check is no news; new words for it (a count that grew) are kept quietly.
Trouble of another kind replaces the episode: the old one is over, the new one starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from webapp.rules.health import Verdict


class Step(Enum):
    """What to do with a topic's episode after a check."""

    NOTHING = "nothing"
    OPEN = "open"
    RESOLVE = "resolve"
    REPLACE = "replace"  # resolve the open one, then open one for the new trouble
    REWORD = "reword"  # the same trouble in new words: keep them, tell nobody


@dataclass(frozen=True)
class OpenEpisode:
    """The parts of an open episode that decide whether a finding is the same trouble."""

    verdict: str
    cause: str
    reason: str
    fix: str


def plan_episode(open_episode: OpenEpisode | None, finding: Verdict | None) -> Step:
    """Decide the step for one topic from its open episode and what the check found."""
    trouble = finding if finding is not None and finding.alerting else None
    if open_episode is None:
        return Step.OPEN if trouble else Step.NOTHING
    if trouble is None:
        return Step.RESOLVE
    if (trouble.state, trouble.cause) != (open_episode.verdict, open_episode.cause):
        return Step.REPLACE
    if (trouble.reason, trouble.fix) != (open_episode.reason, open_episode.fix):
        return Step.REWORD
    return Step.NOTHING
