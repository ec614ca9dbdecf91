"""`make bench`: the performance figures of crosstalk, one JSON object per line on stdout.

Run it as `python -m bench` (see docs/BENCHMARKS.md); it uses its own database
(crosstalk_bench) and config.settings.bench.
"""
