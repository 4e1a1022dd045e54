"""Loopback simulators of the Jike heat and Baidu positioning APIs, for tests, the demo and bench.

Never shipped in the plugin zip. Each simulator is a real HTTP server on 127.0.0.1 that answers
as the providers' documents say, and injects the documented faults on demand.
"""
