"""A lexicon whose keys are not the ones its reader expects fails at import, not by reading nothing."""

import pytest

from trialsieve.extract.lexicon import load, load_checked


def test_a_lexicon_with_its_own_keys_loads():
    keys = set(load("barred"))
    assert load_checked("barred", keys) == load("barred")


@pytest.mark.parametrize(
    "keys", [{"_doc", "barred", "excluded_if"}, {"_doc", "barred", "excluded_if", "tails", "extra"}]
)
def test_a_missing_or_unexpected_key_is_an_error_that_names_the_file(keys):
    with pytest.raises(ValueError, match=r"lexicons/barred\.json: keys must be"):
        load_checked("barred", keys)
