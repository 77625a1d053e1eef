"""Test doubles that speak the real wire protocols of the services Candor talks to."""
