"""The start page is assembled from panels that apps register (so the platform imports no app)."""

from __future__ import annotations

from collections.abc import Callable

# A panel provider takes the request and returns (template name, context) or None. The template is a Jinja2
# one (<app>/jinja2/<app>/panels/), given the context as `panel` (docs/architecture.md, "A hot page").
PanelProvider = Callable[[object], tuple[str, dict] | None]
_providers: list[tuple[int, PanelProvider]] = []


def register_panel(order: int) -> Callable[[PanelProvider], PanelProvider]:
    def decorator(provider: PanelProvider) -> PanelProvider:
        _providers.append((order, provider))
        _providers.sort(key=lambda item: item[0])
        return provider

    return decorator


def panels_for(request) -> list[tuple[str, dict]]:
    panels = []
    for _, provider in _providers:
        panel = provider(request)
        if panel is not None:
            panels.append(panel)
    return panels
