"""Shared fixtures for course tests."""

from ukm_tools.course.environment import ensure_tools_on_path

ensure_tools_on_path()
