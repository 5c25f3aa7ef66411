#!/usr/bin/env python
import os
import sys

# Commands that serve requests: with DEBUG off they refuse a missing or published SECRET_KEY
# (as gunicorn, the worker and beat do). Tools such as migrate or compilemessages need no key.
SERVING_COMMANDS = {"runserver"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    if len(sys.argv) > 1 and sys.argv[1] in SERVING_COMMANDS:
        from config.safety import refuse_unsafe_start

        refuse_unsafe_start()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
