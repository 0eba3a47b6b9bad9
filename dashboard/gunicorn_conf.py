"""gunicorn settings for production: ``gunicorn -c python:dashboard.gunicorn_conf dashboard.wsgi:server``.

Command-line flags override any of these (``-w 8``, ``-b 0.0.0.0:8050``, ``--threads 32``); README "Deployment"
says why each is what it is.

- ``gthread`` workers with threads: a slow or stalled client (a phone on a bad line, a slowloris) holds one
  thread of a worker, not the worker. With sync workers four such sockets stop a four-worker server; here it
  takes ``workers × threads`` (64), and the bounded slow-client test in tests/dashboard/test_serve.py keeps
  answering while sockets trickle their headers in. gunicorn still has no header-read deadline, so on the
  open internet put a buffering reverse proxy (nginx, whose ``client_header_timeout`` and
  ``client_body_timeout`` default to 60 s) in front.
- ``timeout`` 30 s: how long a worker may go without reporting to the arbiter before it is killed and
  restarted. gthread workers report between requests *and* while their threads work, so it restarts a hung
  worker without cutting long downloads; the row caps of the API are set so that a capped export still
  finishes well inside it (docs/api.md, "Row caps").
- Threads of one worker share its one read-only warehouse connection (pipelines.warehouse.Warehouse).
"""

bind = "127.0.0.1:8050"
workers = 4
worker_class = "gthread"
threads = 16
timeout = 30
graceful_timeout = 30
keepalive = 5
# Request-line and header limits (gunicorn's defaults are 4094 / 100 / 8190): an API URL naming many regions
# is long, a header block of hundreds of fields is not a browser's.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
