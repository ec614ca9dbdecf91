"""The soak test (`make soak`, `python -m soak`) and the throwaway services it shares with the
fault tests in tests/faults/: a PostgreSQL cluster, a Redis server and gunicorn, each started
for the run on loopback or a Unix socket and always torn down afterwards.
"""
