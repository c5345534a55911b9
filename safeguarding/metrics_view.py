"""/metrics for Prometheus: only when METRICS_ENABLED, and only to addresses in
METRICS_ALLOWED_NETWORKS (everyone else gets the site's 404, so the page is not advertised)."""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from accounts.throttling import client_ip

from .metrics import QueueDepthCollector


def _allowed(request: HttpRequest) -> bool:
    address = client_ip(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_NETWORKS
    )


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_ENABLED or not _allowed(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(QueueDepthCollector(settings.CELERY_BROKER_URL, settings.METRICS_CELERY_QUEUES))
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class _Default:
    """This process's own metrics (the default registry), alongside the queue depth."""

    def collect(self):
        return REGISTRY.collect()
