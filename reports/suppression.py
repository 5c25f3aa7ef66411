"""Secondary suppression: no small count of people can be worked out from the published ones.

Hiding each small count ("<5") is not enough: when a total is published with all its parts
but one, the hidden part is the total minus the others. The published figures are therefore
modelled as cells tied by sums (a total is the sum of its parts) and checked the way an
onlooker would attack them: every published cell is known, a hidden one only within its bounds
(0 to 4, or 1 to 4 for a listed row such as a country, which would not be listed at 0; a
count withheld to protect another is 5 or more), and each sum narrows the bounds of its cells
until nothing moves. Any count of people from 1 to 4 pinned to one value this way is a leak;
one more published cell of a sum that gives it away is then hidden too (the least costly,
see `protect`), and the check runs again until no count is pinned. This covers every
difference and sum of the published cells, and bounds as well: 13 people of whom VN 5 and
JP "<5", DE "<5" pins JP and DE at 4.
"""

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

INFINITY = float("inf")
MAX_ROUNDS_PER_SUM = 50  # bounds only narrow, but a cap keeps a pathological table finite


@dataclass(frozen=True)
class Cell:
    value: int
    floor: int = 0  # the least value the cell can have when hidden: 1 for a listed row
    shown: bool = True  # False: never published, such as the people who gave no country
    known: bool = False  # assumed known to anyone anyway (never protected, never hidden)
    cost: int = 1  # which to withhold first to protect another: the least costly


Sum = tuple[Hashable, list[Hashable]]  # a total and its parts


def protect(cells: dict[Hashable, Cell], sums: list[Sum], threshold: int) -> dict:
    """The hidden cells: key -> "primary" (a small count) or "secondary" (hidden so that a
    small one cannot be worked out)."""
    hidden = {
        key: "primary" for key, cell in cells.items() if cell.value < threshold and not cell.known
    }
    by_cell: dict[Hashable, list[int]] = defaultdict(list)
    for index, (total, parts) in enumerate(sums):
        for key in (total, *parts):
            by_cell[key].append(index)
    # What no withholding can save is left alone rather than hiding everything around it:
    # what is known whatever is published, and what the listing of rows alone pins (two
    # countries listed, each someone, under an international total "<3" make it 2).
    exempt = _pinned(cells, sums, by_cell, threshold, None)
    everything = {
        key: "primary" if cell.value < threshold else "secondary"
        for key, cell in cells.items()
        if cell.shown and not cell.known
    }
    exempt |= _pinned(cells, sums, by_cell, threshold, {**everything, **hidden})
    while True:
        pinned = _pinned(cells, sums, by_cell, threshold, hidden)
        # A withheld count that can be told exactly: small ones are leaks, and a count
        # withheld to protect another protects nothing once it is pinned.
        breaches = sorted(
            (
                key
                for key in pinned
                if key in hidden
                and key not in exempt
                and (hidden[key] == "secondary" or cells[key].value > 0)
            ),
            key=lambda key: (hidden[key] != "secondary", repr(key)),
        )
        touched: set[int] = set()
        added = False
        for key in breaches:
            if touched & set(by_cell[key]):
                continue  # something hidden this round in one of its sums may already do
            candidates = _nearest(key, cells, sums, by_cell, hidden, pinned) or _candidates(
                cells, sums, by_cell[key], hidden
            )
            if candidates:
                # The least costly figure; then the one in the fewest sums (hiding it
                # exposes the fewest others); then the smallest.
                chosen = min(
                    candidates,
                    key=lambda k: (cells[k].cost, len(by_cell[k]), cells[k].value, repr(k)),
                )
                hidden[chosen] = "secondary"
                touched.update(by_cell[key])
                added = True
        if not added:
            return hidden


def _candidates(cells, sums, indexes, hidden) -> set:
    """The published cells of these sums that could be withheld."""
    return {
        other
        for index in indexes
        for other in (sums[index][0], *sums[index][1])
        if other not in hidden and cells[other].shown and not cells[other].known
    }


def _nearest(key, cells, sums, by_cell, hidden, pinned) -> set:
    """The published cells that give `key` away: those of the sums that pin it, or, when
    these hold only unpublished cells, of the sums that pin those (and so on)."""
    frontier, seen = [key], {key}
    while frontier:
        found, further = set(), []
        for cell in frontier:
            for index in by_cell[cell]:
                if not _derives(sums[index], cell, pinned):
                    continue
                for other in (sums[index][0], *sums[index][1]):
                    if other in seen or cells[other].known:
                        continue
                    seen.add(other)
                    if other not in hidden and cells[other].shown:
                        found.add(other)
                    else:
                        further.append(other)
        if found:
            return found
        frontier = further
    return set()


def _derives(entry: Sum, key: Hashable, pinned: set) -> bool:
    """Whether a sum gives `key` away: every other cell of it is known."""
    total, parts = entry
    return all(other in pinned for other in (total, *parts) if other != key)


def _bounds(cell: Cell, state: str | None, threshold: int) -> tuple[float, float]:
    """What an onlooker knows of a cell: exactly (state None) or within bounds."""
    if state is None:
        return cell.value, cell.value
    if state == "primary":
        return cell.floor, threshold - 1
    if state == "secondary":
        return threshold, INFINITY
    return cell.floor, INFINITY  # not published at all


def _state(key, cell: Cell, hidden: dict | None) -> str | None:
    if cell.known:
        return None
    if hidden is None:
        return "unpublished"
    if not cell.shown:
        return "unpublished"  # known only through the sums it is in
    return hidden.get(key)


def _pinned(cells, sums, by_cell, threshold: int, hidden: dict | None) -> set:
    """The cells an onlooker can tell exactly. `hidden` None: nothing is published but the
    known cells (what is pinned then is no leak of ours)."""
    low, high = {}, {}
    for key, cell in cells.items():
        low[key], high[key] = _bounds(cell, _state(key, cell, hidden), threshold)
    queue = list(range(len(sums)))
    queued = set(queue)
    budget = MAX_ROUNDS_PER_SUM * max(len(sums), 1)
    while queue and budget:
        budget -= 1
        index = queue.pop()
        queued.discard(index)
        total, parts = sums[index]
        for key in _narrow(total, parts, low, high):
            for other in by_cell[key]:
                if other not in queued:
                    queued.add(other)
                    queue.append(other)
    return {key for key in cells if low[key] == high[key]}


def _narrow(total, parts: list, low: dict, high: dict) -> list:
    """total = sum(parts): tighten every bound from the others'."""
    changed = []
    sum_low = sum(low[p] for p in parts)
    unbounded = sum(1 for p in parts if high[p] == INFINITY)
    finite_high = sum(high[p] for p in parts if high[p] != INFINITY)
    new = (max(low[total], sum_low), min(high[total], INFINITY if unbounded else finite_high))
    if new != (low[total], high[total]):
        low[total], high[total] = new
        changed.append(total)
    for part in parts:
        infinite = high[part] == INFINITY
        others_low = sum_low - low[part]
        others_high = (
            INFINITY if unbounded - infinite else finite_high - (0 if infinite else high[part])
        )
        new = (
            max(low[part], low[total] - others_high),
            min(high[part], high[total] - others_low),
        )
        if new != (low[part], high[part]):
            sum_low += new[0] - low[part]
            if infinite:
                unbounded -= 1
            else:
                finite_high -= high[part]
            if new[1] == INFINITY:
                unbounded += 1
            else:
                finite_high += new[1]
            low[part], high[part] = new
            changed.append(part)
    return changed
