"""A tiny app with a demo module, installed only by the tests of ``load_demo_data``."""
