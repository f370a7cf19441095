"""Sinks for an :class:`~imu_gait.result.AnalysisResult`: terminal summary, steps CSV, HTML report.

The JSON contract is :meth:`AnalysisResult.to_json` itself.
"""
from .html import render_html, write_html
from .steps_csv import steps_frame, write_steps_csv
from .text import print_summary, render_text

__all__ = ["render_text", "print_summary", "render_html", "write_html", "write_steps_csv", "steps_frame"]
