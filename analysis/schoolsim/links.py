"""Partnership membership per term, rebuilt from the partnership event table.

Run files hold partnership *events* (formed, joined, ended; ``docs/output_format.md``), not a
membership table per term. A partnership is active at term ``t`` when it formed at or before
``t`` and has not ended at or before ``t``; its members are the schools named when it formed
plus those that joined it at or before ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Link categories of the view, in legend order. A programme-funded network is a
#: "family" (the London/Greater Manchester Challenge practice, docs/MODEL.md 7.5).
LINK_CATEGORIES = ("support pair", "network", "federation", "MAT", "programme family")

_TYPE_CATEGORY = {"pair": 0, "network": 1, "federation": 2, "mat": 3}


@dataclass(frozen=True)
class Partnership:
    """One active partnership at a term."""

    id: int
    category: int  # index into LINK_CATEGORIES
    members: tuple


def link_category(type_name, programme):
    """Returns the index in LINK_CATEGORIES of a partnership of a type and programme index."""
    if type_name == "network" and programme >= 0:
        return LINK_CATEGORIES.index("programme family")
    return _TYPE_CATEGORY[type_name]


def memberships_by_term(events, terms):
    """Returns the active partnerships and their members at each of ``terms``.

    Args:
        events: A DataFrame from :func:`schoolsim.partnerships` (one run).
        terms: Increasing term values.

    Returns:
        A list, one entry per term, of lists of :class:`Partnership` in partnership id order.
    """
    active = {}
    rows = events.sort_values("term", kind="stable")
    term_values = rows["term"].to_numpy()
    kinds = rows["kind"].astype(str).to_numpy()
    ids = rows["partnership"].to_numpy()
    types = rows["type"].astype(str).to_numpy()
    programmes = rows["programme"].to_numpy()
    members = rows["members"].to_list()
    out, k = [], 0
    for term in terms:
        while k < len(rows) and term_values[k] <= term:
            pid = int(ids[k])
            if kinds[k] == "formed":
                active[pid] = (link_category(types[k], int(programmes[k])), list(members[k]))
            elif kinds[k] == "joined" and pid in active:
                active[pid][1].extend(m for m in members[k] if m not in active[pid][1])
            elif kinds[k] == "ended":
                active.pop(pid, None)
            k += 1
        out.append([Partnership(pid, cat, tuple(mem)) for pid, (cat, mem) in sorted(active.items())])
    return out
