FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 VAR_DIR=/app/var
WORKDIR /app

COPY pyproject.toml README.md ./
COPY config ./config
COPY events ./events
COPY registration ./registration
COPY notifications ./notifications
COPY locale ./locale
COPY manage.py ./
RUN pip install . && DEBUG=1 python manage.py collectstatic --noinput \
    && useradd --system --home /app scievents && mkdir -p /app/var && chown -R scievents /app/var
USER scievents

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
