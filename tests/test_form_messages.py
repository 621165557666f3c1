"""Issue 13: no form shows a WTForms English default. Every form class in forms/ gets junk and blanks."""
import importlib
import inspect
import pkgutil
import re

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

import forms

ENGLISH = re.compile(r"Not a valid|Invalid Choice|could not coerce|This field is required|Invalid value|"
                     r"Field must|Number must|Date must|Invalid input|Invalid (email|URL|UUID)|choices|"
                     r"CSRF|is not a valid|are not valid")


def _form_classes():
    found = {}
    for info in pkgutil.iter_modules(forms.__path__):
        module = importlib.import_module(f"forms.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, FlaskForm) and obj is not FlaskForm and obj.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = obj
    return found


FORMS = _form_classes()
JUNK = ["", "x", "2,5 juta", "٣", "-1", "99999999999999999999999", "1.2.3", "<b>", "   "]


def _messages(errors):
    if isinstance(errors, dict):
        return [m for v in errors.values() for m in _messages(v)]
    if isinstance(errors, (list, tuple)):
        return [m for v in errors for m in _messages(v)]
    return [str(errors)]


def _with_choices(form):
    """Views fill id choices from scoped queries; stand in one choice where the class has none."""
    for f in form:
        if getattr(f, "choices", "absent") is None:
            f.choices = [(1, "satu")]
    return form


def test_every_form_module_is_walked():
    assert len(FORMS) >= 15 and "forms.monitoring.IncomeSampleForm" in FORMS


@pytest.mark.parametrize("name", sorted(FORMS))
@pytest.mark.parametrize("junk", JUNK)
def test_junk_never_gets_an_english_message(app, name, junk):
    cls = FORMS[name]
    with app.test_request_context(method="POST"):
        names = [f.name for f in cls(meta={"csrf": False}, formdata=None)]
        form = _with_choices(cls(meta={"csrf": False}, formdata=MultiDict({n: junk for n in names})))
        form.validate()
        text = " | ".join(_messages(form.errors))
    assert not ENGLISH.search(text), f"{name}: {text}"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_csrf_message_is_indonesian(app, name):
    with app.test_request_context(method="POST"):
        form = _with_choices(FORMS[name](meta={"csrf": True}, formdata=MultiDict({"csrf_token": "rusak"})))
        form.validate()
        assert not ENGLISH.search(" ".join(form.errors.get("csrf_token", [])))
