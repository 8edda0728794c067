"""The running example: a deterministic, messy rollout of an AI sales-coaching tool."""

from analytics.demo.command import demo_command, ensure_demo_loaded, load_demo
from analytics.demo.generate import sample_files, write_sample_files

__all__ = [
    "demo_command",
    "ensure_demo_loaded",
    "load_demo",
    "sample_files",
    "write_sample_files",
]
