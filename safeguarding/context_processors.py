from django.http import HttpRequest

# URL namespaces whose pages belong to one entry of the service navigation.
_SECTION_OF_NAMESPACE = {
    "meetings": "meetings",
    "frameworks": "frameworks",
    "reviews": "reviews",
    "notifications": "notifications",
}


def navigation(request: HttpRequest) -> dict[str, str]:
    """Which service-navigation entry the page belongs to, so it is marked as current."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": ""}
    if match.url_name == "my_actions":
        return {"nav_section": "my_actions"}
    if match.namespace == "boards":
        return {"nav_section": "boards"}
    return {"nav_section": _SECTION_OF_NAMESPACE.get(match.namespace, "")}
