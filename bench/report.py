"""Print figures as JSON lines (stdout) and progress as plain lines (stderr)."""

import json
import math
import statistics
import sys
import time

_started = time.monotonic()


def progress(message: str) -> None:
    print(f"bench [{time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


def emit(name: str, value, unit: str, *, at_most=None, at_least=None, **extra) -> dict:
    """Print one figure; "target" and "ok" come from the bound given, if any."""
    if isinstance(value, float):
        value = _rounded(value)
    target, ok = None, None
    if value is not None and at_most is not None:
        target, ok = f"<= {at_most}", value <= at_most
    elif value is not None and at_least is not None:
        target, ok = f">= {at_least}", value >= at_least
    line = {"name": name, "value": value, "unit": unit, "target": target, "ok": ok}
    line.update({key: _rounded(v) if isinstance(v, float) else v for key, v in extra.items()})
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line


def _rounded(value: float) -> float:
    """Round to 2 decimals, or to 3 significant digits below 1: a share such as 0.036 of a
    0.04 target must not print (and pass) as 0.04."""
    if value == 0 or abs(value) >= 1 or not math.isfinite(value):
        return round(value, 2)
    return round(value, 2 - math.floor(math.log10(abs(value))))


def note(name: str, unit: str, message: str) -> dict:
    """Print the line of a figure that was not measured, saying why."""
    return emit(name, None, unit, note=message)


def percentile(samples, fraction: float) -> float:
    """Return the sample at that fraction of the sorted samples (nearest rank)."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def p50(samples) -> float:
    return statistics.median(samples)


class Stopwatch:
    """Collect durations in milliseconds: wall clock, and this process's CPU time (which other
    load on the machine disturbs less)."""

    def __init__(self):
        self.samples: list[float] = []
        self.cpu_samples: list[float] = []

    def __enter__(self):
        self._cpu = time.process_time()
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.samples.append((time.perf_counter() - self._t) * 1000)
        self.cpu_samples.append((time.process_time() - self._cpu) * 1000)
        return False
