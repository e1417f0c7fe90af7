"""Anomaly scoring: behaviour features per staff member and day, their peer-, day- and history-normalised
deviations gathered by aspect, an isolation forest over those aspect columns that gives the score,
plain-language explanations, cases as model findings, review feedback, and the evaluation against baselines.

Public entry points (the benchmark and the CLI call these): build_features, score, evaluate_model; and for the
dashboard explanation_text(row, lang): a stored case's evidence or a scores row in fi, sv or en.
"""

from .explain import explanation_text


def __getattr__(name: str):
    """score and build_features are imported on first use: the forest needs scikit-learn, seconds of import that the
    dashboard, which only writes explanations (explanation_text), should not pay on a page's first render."""
    if name == "score":
        from .run import score

        return score
    if name == "build_features":
        from .features import build_features

        return build_features
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def evaluate_model(con, labels_dir, config):
    """See pipelines.scoring.evaluate.evaluate_model (imported lazily: it needs sklearn.metrics)."""
    from .evaluate import evaluate_model as _evaluate

    return _evaluate(con, labels_dir, config)


def model_rule_metadata() -> dict:
    """The `model_anomaly` member's header in the catalogue (title fi/en, legal basis, description...)."""
    from ..checks.catalogue import member_meta

    return member_meta()["model_anomaly"]


__all__ = ["build_features", "evaluate_model", "explanation_text", "model_rule_metadata", "score"]
