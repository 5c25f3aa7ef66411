import os

from django.core.wsgi import get_wsgi_application

from config.safety import refuse_unsafe_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_unsafe_start()  # before serving anything: no production server with a published key
application = get_wsgi_application()
