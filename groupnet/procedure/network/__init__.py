"""The network's rules: one decision for an incoming entry, and the rule modules.

- `receive.py`: the one decision (SPEC 3.4 reads off it), and `count`, its effect.
- `chain.py`: each author's chain: seq, prev, timestamps (SPEC 3.1, 3.2).
- `state.py`: the network state: heads, forks, waiting entries, and the
  registry of rule modules (`RULES`) it dispatches to by kind.
- `admission.py` (N1–N3), `keys.py` (N4), `witness.py` (N5),
  `group/commitments.py` (N6), `credentials.py` (N7), `shared_motions.py` (SM1–SM8),
  `bodies.py` (B1–B4), `conferences.py` (K1–K10), `floor.py` (F1–F10):
  one module per body of rules, each naming its kinds.
"""

from .admission import Candidate, Member
from .chain import AuthorHead
from .receive import (
    WAITING,
    Accept,
    Duplicate,
    ForkEvidence,
    Held,
    Refuse,
    SignatureCheck,
    Verdict,
    Wait,
    count,
    receive,
    stored,
)
from .state import RULES, Fork, NetworkState, RuleModule

__all__ = [
    "RULES", "WAITING", "Accept", "AuthorHead", "Candidate", "Duplicate", "Fork",
    "ForkEvidence", "Held", "Member", "NetworkState", "Refuse", "RuleModule",
    "SignatureCheck", "Verdict", "Wait", "count", "receive", "stored",
]
