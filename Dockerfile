# The Seminar web app; the same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 seminar
WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .
# Static files are collected (and compressed by whitenoise) into the image; the key is a
# throwaway used only by this build step.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-build-key-not-used-at-runtime-0123456789 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media /srv/static \
    && chown seminar:seminar /app/media /srv/static

# gunicorn.conf.py reads these (workers and threads too: GUNICORN_WORKERS, GUNICORN_THREADS).
# Only the compose network reaches gunicorn, behind nginx: it may trust its X-Forwarded-*.
ENV GUNICORN_BIND=0.0.0.0:8000 \
    GUNICORN_ACCESS_LOG=- \
    FORWARDED_ALLOW_IPS=*

USER seminar
EXPOSE 8000
CMD ["gunicorn", "seminar.wsgi"]
