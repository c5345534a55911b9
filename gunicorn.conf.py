"""gunicorn's settings for the web process, read by `gunicorn safeguarding.wsgi` from the
directory it starts in (the Dockerfile's CMD, docker-compose.yml, bench/load.py). Flags on
the command line (--bind, --workers) override these.

Threaded workers (issue 15 point 1): with sync workers one slow request (a PDF, an uncached
1,000-action plan page) holds a whole process, so with three workers a fourth client, even
a load balancer asking /healthz/, waits in the listen queue behind them; eight members
looping on exports took the p95 of /healthz/ to 375 ms and more. A gthread worker answers
up to ``threads`` requests at once: a quick request (healthz, a cached page) is served by
a free thread, sharing the process's interpreter with the slow one (Python switches
threads every 5 ms), instead of waiting for it to end. The heavy renders themselves stay
bounded by safeguarding.heavy_renders (one at a time per host, and per process).

Each thread keeps its own PostgreSQL connection with CONN_MAX_AGE: a host opens up to
WEB_CONCURRENCY × GUNICORN_THREADS connections (24 by default).
"""

import os

# WEB_CONCURRENCY is also gunicorn's own variable for this; the default suits 2 cores.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A keep-alive connection (a load balancer's, a browser's) waits this long for its next
# request in the worker's poller, holding no thread.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Long-lived workers keep the memory of the largest render they made (WeasyPrint: see
# FIELD-NOTES): each is replaced after about ten thousand requests, the jitter keeping the
# three from restarting together. Not much more often: a new worker imports Django and
# compiles its templates again (a second or two of CPU) before it answers quickly.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = 1000
