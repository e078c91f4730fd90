import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimsupport.settings")
application = get_wsgi_application()


def _warm() -> None:
    """What every worker would otherwise build on its first requests: the URL resolver and the Jinja2
    bodies of the hot pages, compiled. Under gunicorn's --preload (the Dockerfile) this runs once in the
    master, and each worker, also one started again after --max-requests, is forked with it ready."""
    from django.db import connections
    from django.template import engines
    from django.urls import reverse

    reverse("home")
    environment = engines["jinja2"].env
    for name in environment.list_templates(extensions=["html"]):
        environment.get_template(name)
    connections.close_all()  # nothing the workers would share


_warm()
# What is loaded by now (Django, every app, the compiled bodies) lives as long as the process: the cyclic
# collector need not walk it again on every full collection (make bench: 3-6 % of a page's CPU), and a
# forked worker's copy of it stays shared with the master (Instagram's gc.freeze).
gc.freeze()
