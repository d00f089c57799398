"""Alerts: episodes of trouble found by the health rules, told by email and signed webhook."""
