"""The pure core: the questionnaire, the rules engine, the principles it must satisfy.

Nothing in this package imports Django, so every rule and principle can be proved over the
whole answer space without a database or a request (tests/test_engine_purity.py checks it).
"""
