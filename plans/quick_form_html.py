"""The quick-update form of an action, drawn once per state of the action in each process.

My actions draws one QuickUpdateForm per action the user leads, and crispy-forms-gds draws
each with about 45 small templates (field, label, hint, errors, every select option): 190 ms
of CPU for 40 actions, most of the page (bench/load.py). An unbound form's HTML depends only
on the action's primary key (the field prefix), status, RAG rating and version (the hidden
``based_on_version``), so it is kept here under those, in the process: a new state is a
new key, never a new value for an old one, and templates only change with a restart.
Bound forms (with the user's input or errors) are always drawn afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from crispy_forms.utils import render_crispy_form
from django.utils.safestring import SafeString, mark_safe

from .forms import QuickUpdateForm
from .models import Action

MAX_FORMS = 5000  # a few KB each
_forms: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def quick_form_html(action: Action) -> SafeString:
    """The unbound quick-update form of ``action`` as crispy-forms-gds draws it."""
    key = (action.pk, action.status, action.rag, action.version)
    with _lock:
        html = _forms.get(key)
        if html is not None:
            _forms.move_to_end(key)
            return mark_safe(html)
    html = str(render_crispy_form(QuickUpdateForm(action=action)))
    with _lock:
        _forms[key] = html
        while len(_forms) > MAX_FORMS:
            _forms.popitem(last=False)
    return mark_safe(html)


def clear() -> None:
    with _lock:
        _forms.clear()
