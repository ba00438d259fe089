from trialsieve.extract.segment import segment


def ids(text):
    return [(c.id, c.parent, c.section) for c in segment(text)]


def test_ctgov_bullets_with_sub_bullets():
    text = (
        "Inclusion Criteria:\n\n* Age >= 18\n* One of the following:\n\n  * diabetes\n  * obesity\n\n"
        "Exclusion Criteria:\n\n* Pregnancy\n"
    )
    assert ids(text) == [
        ("I1", None, "inclusion"),
        ("I2", None, "inclusion"),
        ("I2.1", "I2", "inclusion"),
        ("I2.2", "I2", "inclusion"),
        ("E1", None, "exclusion"),
    ]


def test_numbers_letters_and_romans():
    text = "Inclusion Criteria:\n1. Severe disease defined as:\n   a) FEV1 < 50%\n   b) DLCO < 40%\n2. Age > 18\n"
    assert ids(text) == [
        ("I1", None, "inclusion"),
        ("I1.a", "I1", "inclusion"),
        ("I1.b", "I1", "inclusion"),
        ("I2", None, "inclusion"),
    ]


def test_inline_enumeration_nests_by_position():
    text = "Inclusion Criteria:\n1. Either:\n   i) A > 1, or ii) B > 2 with at least one of: a) C; b) D; c) E\n"
    assert ids(text) == [
        ("I1", None, "inclusion"),
        ("I1.i", "I1", "inclusion"),
        ("I1.ii", "I1", "inclusion"),
        ("I1.ii.a", "I1.ii", "inclusion"),
        ("I1.ii.b", "I1.ii", "inclusion"),
        ("I1.ii.c", "I1.ii", "inclusion"),
    ]


def test_continuation_lines_join_their_criterion():
    text = "Exclusion Criteria:\n- Known allergy to\n  the study drug\n- Pregnancy\n"
    criteria = segment(text)
    assert [c.text for c in criteria] == ["Known allergy to\n  the study drug", "Pregnancy"]


def test_header_with_text_on_the_same_line_and_plain_paragraphs():
    text = "Inclusion Criteria: adults with asthma\n\nExclusion Criteria: smokers\n"
    assert [(c.id, c.text) for c in segment(text)] == [("I1", "adults with asthma"), ("E1", "smokers")]


def test_text_without_headers_is_unknown_section():
    assert ids("- Age > 18\n- BMI < 30\n") == [("U1", None, "unknown"), ("U2", None, "unknown")]


def test_offsets_index_the_text():
    text = "Inclusion Criteria:\n\n  1. Age ≥ 18\n  2. Signed consent\n"
    for c in segment(text):
        assert text[c.start : c.end] == c.text


def test_empty_text():
    assert segment("") == []


def test_registry_text_with_dotted_inline_markers_and_stray_lines():
    text = (
        "Inclusion criteria:\n\n Adults with malaria as shown by both of the following: a.) smear positive "
        "b.) fever\n\nExclusion criteria:\n: \n\n Severe malaria\n"
    )
    assert ids(text) == [
        ("I1", None, "inclusion"),
        ("I1.a", "I1", "inclusion"),
        ("I1.b", "I1", "inclusion"),
        ("E1", None, "exclusion"),
    ]
    assert segment(text)[-1].text == "Severe malaria"
