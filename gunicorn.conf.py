"""gunicorn's settings, read from the environment (`gunicorn seminar.wsgi` finds this file
in the working directory; docker-compose.yml and the Dockerfile use it).

Threaded workers (gthread): a page mostly waits on PostgreSQL, so each process serves
GUNICORN_THREADS requests at once. The defaults, 2 processes per core x 4 threads (4 x 4
on 2 cores), are what the README's measurements on a 2-core machine were made with.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # the image sets 0.0.0.0:8000
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count())
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
# A request taking longer than this is killed and logged (uploads are capped at 5 MB).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then (with jitter, so not all at once): bounds slow leaks.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Access log ("-": stdout; the Docker image sets it), with the request id the proxy sent
# (X-Request-ID) and the time taken. Off by default: the benchmarks serve from here too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}i)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy in front is trusted for X-Forwarded-* (nginx in docker-compose.yml).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Temporary files of workers' heartbeats in memory, not on a container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
