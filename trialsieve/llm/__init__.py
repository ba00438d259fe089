"""Optional local language models: structuring leftovers and phrasing grounded answers.

trialsieve works fully without one. A backend is named by a spec (``--llm`` or ``TRIALSIEVE_LLM``):
``transformers:PATH`` (a local model folder, in-process) or ``openai:BASE_URL`` (a local
OpenAI-compatible server; ``--llm-model NAME``). Every reply is validated before it is used.
"""
