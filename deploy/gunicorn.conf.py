"""gunicorn settings of the web process (Procfile, deploy/systemd/wangge-web.service).

Everything an operator tunes is an environment variable: WANGGE_BIND (default 127.0.0.1:$PORT, PORT 8000),
WEB_CONCURRENCY worker processes (default 2 × CPUs + 1), WANGGE_WEB_THREADS threads per worker (default 4),
WANGGE_WEB_TIMEOUT seconds (default 60). nginx (deploy/nginx.conf) sits in front: it terminates TLS, serves
static files and, through X-Accel-Redirect, the uploads the application has checked.
"""

import multiprocessing
import os

bind = os.environ.get("WANGGE_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = int(os.environ.get("WANGGE_WEB_THREADS") or 4)
timeout = int(os.environ.get("WANGGE_WEB_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (a slow leak in a library cannot grow without bound); jitter spreads restarts.
max_requests = 2000
max_requests_jitter = 200
# nginx on the same machine sets X-Forwarded-For / X-Forwarded-Proto (WANGGE_TRUSTED_PROXIES in the settings).
forwarded_allow_ips = os.environ.get("WANGGE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
# The application writes its own JSON request log with the request id (wangge.ops.logging); gunicorn's access
# log stays short.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
proc_name = "wangge-web"


def child_exit(server: object, worker: object) -> None:
    """Metrics of several workers (PROMETHEUS_MULTIPROC_DIR, wangge.ops.metrics): a dead worker's live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
