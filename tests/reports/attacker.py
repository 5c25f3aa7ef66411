"""An onlooker who tries to work out hidden counts of people from published figures.

Written apart from `reports.suppression` on purpose: it collects the published cells (a number,
"<5" or "≥5") and the sums they take part in (total = parts), then attacks twice:
- linear algebra: every equation at once, solved exactly over the rationals (this finds
  every difference and sum of published cells, across tables and files, however combined);
- bounds: a hidden cell lies between 0 (1 for a listed row) and 4, or at 5 or more; each sum
  narrows its cells' bounds from the others' until nothing moves.
It reports every hidden cell pinned to one value.
"""

from dataclasses import dataclass, field
from fractions import Fraction

INFINITY = float("inf")


@dataclass
class Onlooker:
    threshold: int = 5
    known: dict = field(default_factory=dict)  # cell -> value
    bounds: dict = field(default_factory=dict)  # hidden cell -> (low, high)
    sums: list = field(default_factory=list)  # (total, [parts])

    def see(self, cell, published, listed: bool = False) -> None:
        """One published figure: a number, "<5" or "≥5" (a second sighting must agree)."""
        if isinstance(published, str) and published.startswith("<"):
            self._hide(cell, (1 if listed else 0, self.threshold - 1))
        elif isinstance(published, str) and published.startswith("≥"):
            self._hide(cell, (self.threshold, INFINITY))
        else:
            value = int(published)
            assert self.known.setdefault(cell, value) == value, (cell, published)

    def unknown(self, cell) -> None:
        """A count nobody publishes (the others of a registration count)."""
        self._hide(cell, (0, INFINITY))

    def _hide(self, cell, bounds) -> None:
        assert cell not in self.known, (cell, "published as a number elsewhere")
        old = self.bounds.get(cell, (0, INFINITY))
        self.bounds[cell] = (max(old[0], bounds[0]), min(old[1], bounds[1]))

    def sum(self, total, parts) -> None:
        self.sums.append((total, list(parts)))

    def within(self, place: tuple) -> None:
        """Participants are check-ins plus absentees, and international plus local ones."""
        total = (*place, "participants")
        for seen, rest in (("check_ins", "absent"), ("international_participants", "local")):
            self.unknown((*place, rest))
            self.sum(total, [(*place, seen), (*place, rest)])

    def cells(self) -> set:
        return {cell for total, parts in self.sums for cell in (total, *parts)}

    def attack(self) -> dict:
        """Hidden cells told exactly: cell -> value."""
        missing = self.cells() - set(self.known) - set(self.bounds)
        assert not missing, f"cells neither published nor declared unknown: {missing}"
        found = self._by_algebra()
        found.update(self._by_bounds())
        return found

    def leaks(self) -> dict:
        """What the attack told of counts from 1 to threshold - 1."""
        return {cell: v for cell, v in self.attack().items() if 0 < v < self.threshold}

    def _by_algebra(self) -> dict:
        unknowns = sorted(self.bounds, key=repr)
        column = {cell: i for i, cell in enumerate(unknowns)}
        rows = []
        for total, parts in self.sums:
            row = [Fraction(0)] * (len(unknowns) + 1)
            for cell, sign in ((total, 1), *((part, -1) for part in parts)):
                if cell in column:
                    row[column[cell]] += sign
                else:
                    row[-1] -= sign * self.known[cell]
            rows.append(row)
        pivots = _reduce(rows, len(unknowns))
        found = {}
        for r, c in pivots:
            others = [j for j in range(len(unknowns)) if j != c and rows[r][j] != 0]
            if not others:
                found[unknowns[c]] = rows[r][-1]
        return found

    def _by_bounds(self) -> dict:
        low = {cell: Fraction(v) for cell, v in self.known.items()}
        high = dict(low)
        for cell, (lo, hi) in self.bounds.items():
            low[cell], high[cell] = lo, hi
        for _ in range(200):
            moved = False
            for total, parts in self.sums:
                terms = [(total, 1), *((part, -1) for part in parts)]
                for cell, sign in terms:
                    # sign * cell = - sum(other signs * others)
                    rest_low = sum(
                        -s * (high[c] if s > 0 else low[c]) for c, s in terms if c != cell
                    )
                    rest_high = sum(
                        -s * (low[c] if s > 0 else high[c]) for c, s in terms if c != cell
                    )
                    lo, hi = (rest_low, rest_high) if sign > 0 else (-rest_high, -rest_low)
                    if lo > low[cell] or hi < high[cell]:
                        low[cell], high[cell] = max(low[cell], lo), min(high[cell], hi)
                        moved = True
            if not moved:
                break
        return {cell: low[cell] for cell in self.bounds if low[cell] == high[cell]}


def _reduce(rows: list[list[Fraction]], width: int) -> list[tuple[int, int]]:
    """Reduced row echelon form in place; the (row, column) of each pivot."""
    pivots = []
    r = 0
    for c in range(width):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][c]
        rows[r] = [x / lead for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append((r, c))
        r += 1
    return pivots
