"""The rule catalogue (sql/checks/) and everything around it.

catalogue.py loads and validates the rule files; scope.py decides what an incremental check re-examines;
runner.py builds the shared per-event context, runs every rule and stores findings, explanations and
check runs; applog.py turns the dashboard's own access log into events; explanations.py gives the
plain-language texts of each basis; export.py writes findings as CSV/JSON; evaluate.py scores the
catalogue against the synthetic county's labels.
"""
