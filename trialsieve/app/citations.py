"""Citations, for the app: they live in ``trialsieve.llm.citations``, below the app, because the LLM's
grounded answers cite passages too and the layers import one way only."""

from trialsieve.llm.citations import QUOTE_LIMIT, Citation, criterion_label, inert, plain

__all__ = ["QUOTE_LIMIT", "Citation", "criterion_label", "inert", "plain"]
