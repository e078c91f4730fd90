# The production image: gunicorn for web, the same image for the Celery worker and beat.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       shared-mime-info \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 app

WORKDIR /app
COPY pyproject.toml scripts/requirements.py scripts/
RUN python scripts/requirements.py > /tmp/requirements.txt && pip install -r /tmp/requirements.txt
COPY . .
# Build-time work needs settings but no services: dummy values that are never used at run time.
RUN IGNORE_DEV_ENV=1 SEAL_REQUIRED=false SECRET_KEY=build DATABASE_URL=postgresql://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    sh -c "python manage.py compilemessages -v0 --ignore=.venv && python manage.py collectstatic --noinput -v0" \
    && echo "BUILD_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ)" > /app/.build
USER app
EXPOSE 8000
# Synchronous workers, 2 × cores + 1 (WEB_CONCURRENCY; 5 for 2 cores): under load they share the CPU
# fairly, where threaded workers left some requests waiting behind others' kept-alive connections
# (make bench: p95 at 16 users 320 ms against 700-900 ms with 4 workers × 2 threads). The TLS proxy in
# front buffers slow clients. --preload: the master loads the app once (victimsupport/wsgi.py warms it),
# so a worker, also one recycled after --max-requests, starts forked and ready instead of importing it.
ENV WEB_CONCURRENCY=5
CMD ["gunicorn", "victimsupport.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "sync", "--preload", \
     "--max-requests", "2000", "--max-requests-jitter", "200", "--access-logfile", "-"]
