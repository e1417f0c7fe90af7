"""The rule catalogue (sql/checks/) and everything around it.

catalogue.py loads and validates the rule files; scope.py decides what an incremental check re-examines;
runner.py builds the shared per-event context, runs every rule and stores findings, explanations and
check runs (the own use log is imported first, by pipelines/ingest/applog.py); explanations.py gives the
plain-language texts of each basis; export.py writes findings as CSV/JSON; evaluate.py scores the
catalogue against the synthetic county's labels; cases.py loads the per-rule test cases (tests/checks/).
"""
