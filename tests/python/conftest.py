"""Registers the engine fixtures of engine_support for every test in this folder."""

from engine_support import baseline_run, schoolsim  # noqa: F401
