"""Loaded by pytest before Django's settings (pyproject: ``-p tests.environment``).

The suite runs with DEBUG off, as production does, so it gets what a deployment must set: a
random SECRET_KEY. The gunicorn and Celery processes some tests start inherit it; without it
they would refuse to start (config/safety.py).
"""

import os
import secrets

if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
