"""Print figures as JSON lines (stdout), the way `make bench` does, and progress (stderr)."""

import json
import sys
import time

_started = time.monotonic()


def progress(message: str) -> None:
    print(f"soak [{time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


def emit(name: str, value, unit: str, *, at_most=None, at_least=None, **extra) -> dict:
    """Print one figure; "target" and "ok" come from the bound given, if any."""
    if isinstance(value, float):
        value = round(value, 2)
    target, ok = None, None
    if at_most is not None:
        target, ok = f"<= {at_most}", value is not None and value <= at_most
    elif at_least is not None:
        target, ok = f">= {at_least}", value is not None and value >= at_least
    line = {"name": name, "value": value, "unit": unit, "target": target, "ok": ok}
    line.update({key: round(v, 2) if isinstance(v, float) else v for key, v in extra.items()})
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line


def percentile(samples, fraction: float) -> float | None:
    """Return the sample at that fraction of the sorted samples (nearest rank)."""
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]
