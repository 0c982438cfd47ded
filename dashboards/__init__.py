"""Dashboards: statistics and every page that reads all apps (the top layer; nothing imports it)."""
