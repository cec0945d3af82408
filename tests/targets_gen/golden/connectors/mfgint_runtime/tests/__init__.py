"""Tests of the connector runtime."""
