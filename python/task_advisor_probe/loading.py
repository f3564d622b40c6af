"""Finding the user's function and inputs: FILE.py:NAME, MODULE:NAME, a JSON array, a Python list."""

from __future__ import annotations

import importlib
import json
import os
import sys

from .measure import ProbeError, _user_frames


class LoadError(ProbeError):
    """kind: "missing" (a file, module or name that is not there), "json" (not JSON), "invalid" (not a
    list of inputs, not a function), "raised" (the user's module raised while importing)."""

    def __init__(self, kind, message, details=()):
        super().__init__(message)
        self.kind = kind
        self.details = list(details)


def _split(spec, what):
    path, sep, name = spec.rpartition(":")
    if not sep or not path or not name:
        raise LoadError("usage", f"{spec!r} is not {what}: give the part after a colon, e.g. job.py:work")
    return path, name


def _import(module_name, shown):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name or module_name.startswith(f"{error.name}."):
            raise LoadError("missing", f"cannot import {shown}: no module named {error.name!r}") from None
        raise LoadError("raised", f"importing {shown} raised {type(error).__name__}: {error}",
                        _user_frames(error.__traceback__)) from None
    except Exception as error:
        raise LoadError("raised", f"importing {shown} raised {type(error).__name__}: {error}",
                        _user_frames(error.__traceback__)) from None


def _module_from_file(path):
    """Imports FILE.py by its name, with its folder first on sys.path (as `python3 FILE.py` would have it),
    so that worker processes import it by the same name under any start method."""
    if not os.path.isfile(path):
        raise LoadError("missing", f"cannot read {path}: " + ("it is a directory" if os.path.isdir(path) else "no such file"))
    if not path.endswith(".py"):
        raise LoadError("invalid", f"{path} is not a Python file (.py)")
    folder = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)[:-3]
    loaded = sys.modules.get(name)
    if loaded is not None and os.path.abspath(getattr(loaded, "__file__", "") or "") != os.path.abspath(path):
        raise LoadError("invalid", f"{path} has the name of the module {name!r} that is already imported "
                        f"(from {getattr(loaded, '__file__', 'the interpreter')}); rename the file")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return _import(name, path)


def _attribute(module, name, shown):
    value = module
    for part in name.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise LoadError("missing", f"{shown} has no {name!r}") from None
    return value


def load_function(target=None, module=None):
    """The function and a label for it, from FILE.py:NAME or MODULE:NAME (the current folder on sys.path)."""
    if module is not None:
        module_name, name = _split(module, "MODULE:FUNCTION")
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        fn = _attribute(_import(module_name, f"module {module_name}"), name, f"module {module_name}")
        label = module
    else:
        path, name = _split(target, "FILE.py:FUNCTION")
        fn = _attribute(_module_from_file(path), name, path)
        label = f"{os.path.basename(path)}:{name}"
    if not callable(fn):
        raise LoadError("invalid", f"{label} is a {type(fn).__name__}, not a function")
    return fn, label


def _as_inputs(value, shown):
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise LoadError("invalid", f"{shown} is a {type(value).__name__}, not a list of inputs (one per task)")
    inputs = list(value)
    if not inputs:
        raise LoadError("invalid", f"{shown} is empty: give at least one input")
    return inputs


_JSON_TYPES = {dict: "object", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def load_inputs_json(path):
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except FileNotFoundError:
        raise LoadError("missing", f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise LoadError("missing", f"cannot read {path}: it is a directory") from None
    except OSError as error:
        raise LoadError("missing", f"cannot read {path}: {error.strerror}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError("json", f"{path} is not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    if not isinstance(value, list):
        raise LoadError("invalid", f"{path} holds a JSON {_JSON_TYPES.get(type(value), 'value')}, not an array: "
                        "give one element per task, each passed as the function's single argument")
    return _as_inputs(value, path)


def load_inputs_py(spec):
    """NAME in FILE.py: a list (or any iterable but a string), or a function of no arguments returning one."""
    path, name = _split(spec, "FILE.py:NAME")
    shown = f"{os.path.basename(path)}:{name}"
    value = _attribute(_module_from_file(path), name, path)
    if callable(value):
        try:
            value = value()
        except Exception as error:
            raise LoadError("raised", f"{shown}() raised {type(error).__name__}: {error}",
                            _user_frames(error.__traceback__)) from None
    return _as_inputs(value, shown)
