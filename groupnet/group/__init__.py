"""The group's own business, as transactions: meetings, motions, rules, delegates, cases.

Each function here is one thing an officer, a chair or a member does. It
loads the records it needs (`store/business.py`), asks the pure procedure
code (`procedure/`) whether the step is allowed and what it produces, and
saves the result with its audit row in one transaction, so a refused step
changes nothing. No rule is decided here: this layer only fetches the facts
the rules need (who is present, how many members are entitled to attend,
which standing orders are in force) and records the answer. The web API and
the CLI are thin callers of these functions.
"""
