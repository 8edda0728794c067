"""The running example: a deterministic, messy rollout of an AI sales-coaching tool."""

from analytics.demo.generate import sample_files, write_sample_files

__all__ = ["sample_files", "write_sample_files"]
