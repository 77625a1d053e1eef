"""Small server-side charts, drawn as inline SVG by the templates from the numbers computed here."""

from __future__ import annotations

from dataclasses import dataclass

from candor.interviewer.types import DIMENSIONS

LABELS = {
    "relevance": "Relevance",
    "depth": "Depth",
    "structure": "Structure",
    "communication": "Communication",
    "role_fit": "Role fit",
}


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str


@dataclass(frozen=True)
class LineChart:
    """One rubric dimension's score (1 to 5) across interviews, oldest first."""

    title: str
    points: list[Point]
    width: int = 320
    height: int = 120
    pad: int = 16

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def summary(self) -> str:
        values = ", ".join(f"{p.label}: {p.value:.1f}" for p in self.points)
        return f"{self.title} out of 5, oldest first. {values}"

    def y_for(self, value: float) -> float:
        return self.pad + (5 - value) / 4 * (self.height - 2 * self.pad)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float


def line_charts(history: list[tuple[str, dict[str, float]]]) -> list[LineChart]:
    """A chart per dimension from (label, rubric) pairs, oldest first. Empty when nothing is assessed."""
    if not history:
        return []
    charts: list[LineChart] = []
    for dim in DIMENSIONS:
        rows = [(label, rubric[dim]) for label, rubric in history if dim in rubric]
        if not rows:
            continue
        probe = LineChart(LABELS[dim], [])
        span = probe.width - 2 * probe.pad
        step = span / (len(rows) - 1) if len(rows) > 1 else 0
        points = [
            Point(
                x=probe.pad + (i * step if len(rows) > 1 else span / 2),
                y=probe.y_for(max(1.0, min(5.0, value))),
                value=value,
                label=label,
            )
            for i, (label, value) in enumerate(rows)
        ]
        charts.append(LineChart(LABELS[dim], points))
    return charts


def rubric_bars(rubric: dict[str, float], width: int = 220) -> list[Bar]:
    """Horizontal bars, one per dimension, scaled to 5."""
    return [
        Bar(LABELS.get(dim, dim), value, 28 * i, max(0.0, min(5.0, value)) / 5 * width)
        for i, (dim, value) in enumerate((d, rubric[d]) for d in DIMENSIONS if d in rubric)
    ]
