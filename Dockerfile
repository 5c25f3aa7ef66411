# Stage 1 builds the wheel from the source; stage 2 installs only that wheel, so the image
# holds exactly what the wheel ships (.ci/wheel-check proves the same wheel works).
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY . .
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 VAR_DIR=/app/var
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
# The only file taken from the source tree: the command-line entry point.
COPY manage.py ./
# Static files are collected into the image; no key is needed to collect them.
RUN python manage.py collectstatic --noinput \
    && useradd --system --home /app scievents && mkdir -p /app/var && chown -R scievents /app/var
USER scievents

EXPOSE 8000
# Without a strong SECRET_KEY (and ALLOWED_HOSTS, SITE_URL, DATABASE_URL...) web, worker and
# beat refuse to start: see README, "Production".
# The config masks manage and unsubscribe tokens in the access log.
CMD ["gunicorn", "-c", "python:config.gunicorn_conf", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
