"""The Ask tab's answers, without an LLM, on a real index."""

import json

import pytest

from trialsieve.app.answer import MAX_QUESTION, Answerer, intent_of, search_text

AMASS, CARE = "NCT04615455", "NCT04356287"


@pytest.fixture(scope="module")
def answerer(services):
    return Answerer(services.catalog)


def test_minimum_age_is_cited_and_follow_ups_keep_the_trial(answerer):
    first = answerer.answer("What is the minimum age for the AMASS trial?")
    assert "**18 years**" in first.text and first.focus == AMASS
    assert [(c.trial_id, c.label, c.quote) for c in first.citations] == [
        (AMASS, "Registry: minimum age", "18+ years old")
    ]
    assert f'[{AMASS} · Registry: minimum age](?trial={AMASS}) "18+ years old"' in first.text
    follow = answerer.answer("and the maximum age?", first.focus)
    assert follow.focus == AMASS and "no maximum age" in follow.text


def test_ages_stated_only_in_the_criteria_are_found_and_cited(answerer):
    answer = answerer.answer("What is the minimum age?", CARE)
    assert "**18 years**" in answer.text  # the registry says 18+
    exclusion_age = [c for c in answer.citations if c.label == "Exclusion 1"]
    assert exclusion_age and exclusion_age[0].quote == "Age < 18 years"


def test_criteria_lists_cite_every_criterion(answerer):
    answer = answerer.answer(f"What are the exclusion criteria of {CARE}?")
    labels = [c.label for c in answer.citations]
    assert labels[:3] == ["Exclusion 1", "Exclusion 2", "Exclusion 3"] and "Exclusion 3.1" in labels
    assert all(label.startswith("Exclusion") for label in labels)
    assert f'[{CARE} · Exclusion 2](?trial={CARE}) "Pregnancy or unwillingness to use adequate contraception"' in (
        answer.text
    )


def test_which_trials_exclude_pregnant_women(answerer):
    answer = answerer.answer("Which trials exclude pregnant women?")
    cited = {c.trial_id: c for c in answer.citations}
    assert {AMASS, CARE} <= set(cited)
    assert all(c.label.startswith("Exclusion") for c in answer.citations)
    assert "pregnan" in cited[AMASS].quote.lower()


def test_open_questions_get_the_best_passages(answerer):
    answer = answerer.answer("Schirmer test results needed")
    assert answer.found and answer.citations[0].trial_id == AMASS and "Schirmer" in answer.citations[0].quote


def test_nothing_relevant_is_said_plainly(answerer):
    answer = answerer.answer("What is the capital of France?")
    assert not answer.found and not answer.citations and "Nothing" in answer.text


@pytest.mark.parametrize(
    ("question", "focus", "says"),
    [
        ("", None, "Please type a question"),
        ("x" * (MAX_QUESTION + 1), None, "limited to"),
        ("What is the minimum age for NCT09999999?", None, "NCT09999999 is not in the index"),
        ("What is the minimum age?", None, "Which trial do you mean?"),
    ],
)
def test_unanswerable_questions_say_why(answerer, question, focus, says):
    answer = answerer.answer(question, focus)
    assert not answer.found and says in answer.text


def test_intents_are_read_from_the_lexicon():
    assert intent_of("and the maximum age?")[0] == "maximum_age"
    assert intent_of("Which studies require metformin?")[1]["topic"] == "metformin"
    assert intent_of("Tell me about dry eye")[0] is None


# Trials of the bundled data/trials, beside the five test trials, for the kinds of question they raise:
# sex stated only in the criteria, ages in mixed units, acronyms only in titles, "A1C" for "HbA1c".
BUNDLED = {
    "NCT01994343": "Inclusion 'Women.'",
    "NCT01959048": "Inclusion 'Both genders are eligible for study'",
    "NCT00315042": "Age 6 months to less than 13 years of age",
    "NCT00841789": "Male Age 2 months to 20 years of age Female Age 2 months to 11 years of age",
    "NCT00282269": "Hypothermia in Traumatic Brain Injury in Children (HiTBIC)",
    "NCT00932425": "Long-term Cardiac Monitoring After Cryptogenic Stroke (CMACS)",
    "NCT01854723": "Current A1C > 8.5%",
    "NCT00844987": "... in Patients With Acute Coronary Syndrome (ACS): a term, not a trial name",
    "NCT00000410": "SPORT: enrollmentInfo 501",
    "NCT05925803": "DAISY: enrollmentInfo 306",
    "NCT03608150": "Registry ages 4 to 7 years",
    "NCT04245982": "Registry healthyVolunteers true",
    "NCT00775151": "Inclusion 'Is the individual a healthy, normal adult man and woman who volunteers ...'",
    "NCT00182832": "e-CHAMP: Enhancing Care ...: a name opening the title",
    "NCT02378311": "Handlebar Grip Related Injury Prevention (GRIP) Study: Are ...: a name inside the title",
    "NCT00344513": "OPTIMIZE-HF: Systolic dysfunction (LVEF < 40%)",
    "NCT01550588": "DEFENSE-PFO: PFO size ≥ 2 mm",
    "NCT01520155": "CASTLE: Patients with systemic Lupus erythematosus",
    "NCT00703417": "Inclusion 'Postmenopausal female, 55-75 years old'",
    "NCT00922233": "Inclusion 'Each woman enrolled in the trial ...'; 'Had sex 1 to 4 days in past month' is no age",
}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, trials, embedder, tagger):
    """An Answerer over a real index of the test trials and the bundled trials above."""
    from trialsieve.app.catalog import Catalog
    from trialsieve.app.server import BUNDLED_TRIALS
    from trialsieve.extract.ingest import read_inputs
    from trialsieve.index.build import build
    from trialsieve.index.search import TrialIndex

    found, _ = read_inputs([str(BUNDLED_TRIALS)])
    chosen = [t for t in found if t.id in BUNDLED]
    assert len(chosen) == len(BUNDLED)
    directory = tmp_path_factory.mktemp("bundled") / "index"
    build(directory, [*trials, *chosen], embedder, progress=False)
    return Answerer(Catalog(TrialIndex(directory, embedder), tagger))


@pytest.mark.parametrize(
    ("question", "says", "quote"),
    [
        ("What sex does NCT01994343 enrol?", "**women only**", "Women."),
        ("Does NCT01959048 enrol men?", "**all sexes**", "Both genders are eligible for study"),
        ("Is NCT01994343 open to women?", "**women only**", "Women."),
        ("Can men take part in NCT01994343?", "**women only**", "Women."),
    ],
)
def test_sex_stated_only_in_the_criteria_is_found_and_cited(bundled, question, says, quote):
    answer = bundled.answer(question)
    assert says in answer.text and "does not state" not in answer.text
    assert [c.quote for c in answer.citations] == [quote] and answer.citations[0].label == "Inclusion 1"


def test_ages_in_mixed_units_keep_their_units_and_their_sexes(bundled):
    tonsillitis = bundled.answer("What is the minimum age for NCT00315042?")
    assert "**6 months**" in tonsillitis.text and "no minimum" not in tonsillitis.text
    kawasaki = bundled.answer("What are the age limits of NCT00841789?")
    assert "**2 months** (male: 2 months to 20 years)" in kawasaki.text
    assert "**11 years** (female: 2 months to 11 years)" in kawasaki.text
    assert "2 years" not in kawasaki.text and len(kawasaki.citations) == 1


@pytest.mark.parametrize(
    ("question", "label", "says"),
    [
        ("What phase is AMASS?", "Registry: phase", "**Phase 2**"),
        ("Is AMASS still recruiting?", "Registry: status", "**completed**"),
        ("What conditions does CARE-SSc study?", "Registry: conditions", "**Mesenchymal Stem Cells; Sclerosis"),
        ("What are the interventions in AMASS?", "Registry: interventions", "**Drug: Cryostor CS10; Drug: ASCs**"),
        ("Does DAPA-REF accept healthy volunteers?", "Registry: healthy volunteers", "**does not accept**"),
    ],
)
def test_registry_facts_are_answered_from_their_fields(answerer, question, label, says):
    answer = answerer.answer(question)
    assert says in answer.text and [c.label for c in answer.citations] == [label]


def test_acronyms_in_titles_name_trials(bundled):
    assert bundled.answer("What is the minimum age for HiTBIC?").focus == "NCT00282269"
    cmacs = bundled.answer("Who can join CMACS?")
    assert cmacs.focus == "NCT00932425" and cmacs.citations[0].label == "Inclusion 1"
    assert bundled.catalog.named("Is ACS common?") == (None, None)  # "Acute Coronary Syndrome (ACS)" is a term


def test_synonyms_widen_the_search(bundled):
    answer = bundled.answer("Is HbA1c required?", "NCT01854723")
    assert answer.focus == "NCT01854723" and "A1C" in answer.citations[0].quote


@pytest.mark.parametrize(
    "statement",
    [
        "Patients with age over 65 and heart failure are eligible for the primary trial",
        "Females with a history of breast cancer are excluded from the primary trial",
        "The eligibility of patients depends on their prior chemotherapy",
    ],
)
def test_a_word_inside_a_statement_does_not_decide_the_answer(answerer, statement):
    assert intent_of(statement) == (None, None)
    answer = answerer.answer(statement)
    assert "Which trial do you mean?" not in answer.text


def test_questions_of_a_kind_are_routed_whatever_their_wording():
    assert intent_of("Can men take part?")[0] == "sex"
    assert intent_of("Is it open to women?")[0] == "sex"
    assert intent_of("How old must participants be?")[0] == "age"
    assert intent_of("What are the eligibility criteria?")[0] == "all_criteria"


def test_a_cross_trial_question_is_not_narrowed_by_the_focus(answerer):
    answer = answerer.answer("Do any trials require HbA1c above 7%?", AMASS)
    assert answer.focus == AMASS and {c.trial_id for c in answer.citations} - {AMASS}
    assert all("hba1c" in c.quote.lower() for c in answer.citations)


def test_nothing_in_the_focused_trial_is_said_and_the_focus_stays(answerer):
    answer = answerer.answer("Schirmer test results needed", CARE)
    assert answer.focus == CARE and f"Nothing in CARE-SSc \\({CARE}\\) matches" in answer.text
    assert answer.citations[0].trial_id == AMASS


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("Is AMASS recruiting in Tokyo?", "does not hold trial locations"),
        ("Who is the sponsor contact for CARE-SSc?", "does not hold sponsors, investigators or contact details"),
        ("How many participants will AMASS enrol?", "registry record does not state its enrollment"),
        ("Which hospitals take part in AMASS?", "does not hold trial locations"),
    ],
)
def test_facts_the_registry_data_lacks_are_said_to_be_missing(answerer, question, says):
    answer = answerer.answer(question)
    assert not answer.found and not answer.citations and says in answer.text


def test_questions_naming_several_trials_are_answered_for_each(answerer):
    ages = answerer.answer("Which has the lower minimum age, AMASS or CARE-SSc?")
    assert {(c.trial_id, c.label) for c in ages.citations} >= {
        (AMASS, "Registry: minimum age"),
        (CARE, "Registry: minimum age"),
    }
    pregnancy = answerer.answer("Do both AMASS and CARE-SSc exclude pregnant women?")
    first = {c.trial_id: c for c in reversed(pregnancy.citations)}
    assert set(first) == {AMASS, CARE} and all("pregnan" in c.quote.lower() for c in first.values())


def test_the_ask_command_answers_with_the_app_engine(built):
    from typer.testing import CliRunner

    from trialsieve.cli import app

    result = CliRunner().invoke(
        app, ["ask", "and the maximum age?", "--index", str(built), "--trial", "AMASS", "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["focus"] == AMASS and answer["found"] and "no maximum age" in answer["text"]
    phase = CliRunner().invoke(app, ["ask", "What phase is CARE-SSc?", "--index", str(built)])
    assert phase.exit_code == 0 and "Registry: phase" in phase.output


def test_the_ask_command_prints_a_long_list_whole_without_the_apps_fold(built, monkeypatch):
    from typer.testing import CliRunner

    from trialsieve.app import answer
    from trialsieve.cli import app

    monkeypatch.setitem(answer._lexicon(), "max_listed_trials", 1)  # this index lists 4 trials, the app 15
    listed = CliRunner().invoke(app, ["ask", "Which trials exclude pregnant women?", "--index", str(built)])
    assert listed.exit_code == 0, listed.output
    assert "more" in listed.stdout and "<details>" not in listed.stdout and "<summary>" not in listed.stdout
    assert listed.stdout.count("· Exclusion") >= 2  # the folded trials are printed too


def test_enrolment_is_answered_from_the_registry_field_and_compared(bundled):
    daisy = bundled.answer("How many participants will DAISY enrol?")
    assert "**306 participants**" in daisy.text
    assert [(c.label, c.quote) for c in daisy.citations] == [("Registry: enrollment", "306")]
    more = bundled.answer("Which enrols more participants, SPORT or DAISY?")
    assert more.text.startswith("**SPORT \\(NCT00000410\\)** enrols more participants")
    assert {(c.trial_id, c.quote) for c in more.citations} == {("NCT00000410", "501"), ("NCT05925803", "306")}


@pytest.mark.parametrize(
    ("question", "cited", "says"),
    [
        (
            "Compare the minimum ages of AMASS and NCT05000003.",
            "Registry: minimum age",
            ["**18 years**", "**40 years**"],
        ),
        ("What are the maximum ages of DAPA-REF and NCT05000002?", "Registry: maximum age", ["**85", "**40"]),
        ("Which has the lower minimum age, NCT05000003 or AMASS?", "Registry: minimum age", ["has the lower"]),
    ],
)
def test_several_named_trials_go_through_the_question_s_intent(answerer, question, cited, says):
    answer = answerer.answer(question)
    assert len({c.trial_id for c in answer.citations if c.label == cited}) == 2
    assert all(s in answer.text for s in says)


def test_a_comparison_says_which_only_when_both_values_exist(answerer):
    lower = answerer.answer("Which has the lower minimum age, NCT05000003 or AMASS?")
    assert lower.text.startswith(f"**AMASS \\({AMASS}\\)** has the lower minimum age.")
    higher = answerer.answer("Which has the higher maximum age, AMASS or DAPA-REF?")
    assert higher.text.startswith("These cannot be compared: AMASS")


@pytest.mark.parametrize(
    ("title", "acronym"),
    [
        ("e-CHAMP: Enhancing Care for Hospitalized Older Adults With Memory Problems", "e-CHAMP"),
        ("TELI TON - Telithromycin in Tonsillitis", "TELI TON"),
        ("Handlebar Grip Related Injury Prevention (GRIP) Study: Are Exposed Metal Handlebar Ends a Risk?", "GRIP"),
        ("Psychotherapy Plus: Combining Cognitive Behavioral Therapy With tDCS", None),
        ("Connected Catheter - Safety and Effectiveness Study", None),
        ("Vascular Endothelial Growth Factor (VEGF), Platelet Derived Growth Factor", None),
    ],
)
def test_names_opening_a_title_or_followed_by_study_are_trial_names(title, acronym):
    from trialsieve.app.catalog import title_acronym

    assert title_acronym(title) == acronym


@pytest.mark.parametrize(
    ("question", "trial_id", "says"),
    [
        ("What is the minimum age for e-CHAMP?", "NCT00182832", "**at least 65 years**"),
        ("What is the minimum age for TELI TON?", "NCT00315042", "**6 months**"),
        ("What is the minimum age for teli-ton?", "NCT00315042", "**6 months**"),
        ("What ages does the GRIP study enrol?", "NCT02378311", "**15 years**"),
    ],
)
def test_acronyms_with_hyphens_spaces_or_study_name_trials(bundled, question, trial_id, says):
    answer = bundled.answer(question)
    assert answer.focus == trial_id and says in answer.text
    assert {c.trial_id for c in answer.citations} == {trial_id}


@pytest.mark.parametrize(
    ("question", "trial_id", "says"),
    [
        ("What LVEF does OPTIMIZE-HF require?", "NCT00344513", "LVEF < 40%"),
        ("What PFO size does DEFENSE-PFO require?", "NCT01550588", "PFO size ≥ 2 mm"),
        ("Which patients can join CASTLE?", "NCT01520155", "Lupus erythematosus"),
    ],
)
def test_a_named_trial_s_matching_criterion_is_found(bundled, question, trial_id, says):
    answer = bundled.answer(question)
    assert answer.found and "Nothing" not in answer.text
    assert any(says in c.quote for c in answer.citations) and {c.trial_id for c in answer.citations} == {trial_id}


def test_every_criterion_limiting_a_measure_is_cited_with_its_limit(answerer):
    answer = answerer.answer("What is the hemoglobin limit in CARE-SSc?")
    assert [c.label for c in answer.citations] == ["Inclusion 2.i", "Exclusion 10"]
    assert "**hemoglobin \\< 11 g/dL**" in answer.text and "**anemia \\< 8g/dL**" in answer.text


def test_healthy_volunteers_come_from_the_registry_flag_or_the_record_s_words(bundled):
    answer = bundled.answer("Which trials accept healthy volunteers?")
    cited = {c.trial_id: c for c in answer.citations}
    assert {"NCT04245982", "NCT05000002", "NCT05000003", "NCT00775151"} <= set(cited)
    assert not {AMASS, CARE, "NCT05000001"} & set(cited)
    assert cited["NCT04245982"].label == "Registry: healthy volunteers"
    assert "healthy, normal" in cited["NCT00775151"].quote


def test_trials_enrolling_children_come_from_ages_and_titles(bundled):
    answer = bundled.answer("Which trials enrol children?")
    cited = {c.trial_id: c for c in answer.citations}
    assert {"NCT03608150", "NCT00282269", "NCT00315042", "NCT02378311"} <= set(cited)
    assert not {AMASS, CARE, "NCT00922233", "NCT00182832"} & set(cited)
    assert (cited["NCT03608150"].label, cited["NCT03608150"].quote) == ("Registry: minimum age", "4 Years")
    assert cited["NCT00282269"].label == "Title"


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        ("Which sex does NCT00703417 enrol?", "Postmenopausal female, 55-75 years old"),
        ("Can men join NCT00922233?", "Each woman enrolled in the trial must meet the following inclusion criteria:"),
    ],
)
def test_a_criterion_opening_with_a_sex_requires_it(bundled, question, quote):
    answer = bundled.answer(question)
    assert "**women only**" in answer.text and [c.quote for c in answer.citations] == [quote]


@pytest.mark.parametrize(
    ("criterion", "requires"),
    [
        ("Postmenopausal female, 55-75 years old", "female"),
        ("Each woman enrolled in the trial must meet the following criteria:", "female"),
        ("Men aged 40 or older", "male"),
        ("If female, using adequate birth control", None),
        ("Females of childbearing potential must use contraception", None),
        ("Patients with heart failure", None),
        # NCT00605267 via NLI4CT: the sex heads an opening phrase of description ("Men are not eligible": true)
        (
            "Premenopausal, estrogen receptor positive women, aged 20 years and over, with operable and measurable "
            "breast cancer who have provided written informed consent",
            "female",
        ),
        ("Pregnant or lactating women", None),
        ("Partners of women with breast cancer", None),
        ("Histologically confirmed breast cancer in women", None),
        # NCT00293540 via NLI4CT: a state only women are in, asked for outright ("Males are not eligible": true)
        ("Premenopausal with regular menstrual cycles", "female"),
        ("Postmenopausal status", "female"),
        ("Postmenopausal or male", None),  # names a sex: not read as the state
        ("If postmenopausal, FSH > 40 mIU/mL", None),  # a condition
        ("Premenopausal patients may be included", None),  # a permission, not a requirement
        ("Menopausal symptoms", None),
    ],
)
def test_only_a_sex_required_outright_counts(criterion, requires):
    from trialsieve.app.answer import _required_sex

    assert _required_sex(criterion) == requires


def test_a_question_about_a_described_patient_gets_a_verdict_with_its_criteria(answerer):
    answer = answerer.answer("Would a pregnant woman with Sjögren's syndrome be eligible for AMASS?")
    assert answer.verdict == "no" and answer.focus == AMASS and answer.text.startswith("No:")
    assert any(c.trial_id == AMASS and c.label.startswith("Exclusion") for c in answer.citations)
    follow = answerer.answer("Would a 40-year-old with Sjögren's syndrome be eligible?", answer.focus)
    assert follow.verdict == "cannot tell" and follow.focus == AMASS
    assert answerer.answer("What is the minimum age for AMASS?").verdict is None


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("Patients with HIV are not eligible for the primary trial.", "HIV ."),
        ("Women with a BMI over 30 can participate in the secondary trial", "Women with a BMI over 30"),
        ("Prior exemestane is banned in the secondary trial and the primary trial.", "Prior exemestane is banned ."),
        ("Which trials exclude pregnant women?", "Which trials exclude pregnant women?"),
        ("The primary trial?", "The primary trial?"),
    ],
)
def test_the_words_searched_leave_out_which_trial_and_eligibility(question, searched):
    """ "... are not eligible for the primary trial" is in every statement: searched, it pulls towards whichever
    criteria say "eligible"; a question with nothing else is searched as it is."""
    assert search_text(question) == searched


def test_a_question_pointing_at_the_trial_in_focus_stays_in_it(answerer):
    """ "... for the primary trial" says which trial as surely as a name: the answer is never moved to other
    trials, and when nothing is close enough it says so over that trial's closest passages."""
    moved = answerer.answer("Schirmer test results needed", CARE)
    assert moved.citations[0].trial_id == AMASS  # no pointer: the focus may be stale, so other trials answer
    answer = answerer.answer("Tear production measured by Schirmer's test is required for the primary trial.", CARE)
    assert answer.focus == CARE and not answer.found
    assert answer.text.startswith("Nothing in CARE-SSc \\(NCT04356287\\) matches")
    assert answer.citations and {c.trial_id for c in answer.citations} == {CARE}


@pytest.mark.parametrize(
    ("statement", "focus", "verdict"),
    [
        ("Men are not eligible for the primary trial.", "NCT01994343", "yes"),
        ("Only women can be eligible for the primary trial.", "NCT01959048", "no"),
    ],
)
def test_a_statement_of_what_the_trial_requires_gets_a_verdict_citing_its_criteria(bundled, statement, focus, verdict):
    """ "Women." admits women only; "Both genders are eligible for study" both: the verdict comes first, with the
    criterion it rests on, before the passages the statement's words call up."""
    answer = bundled.answer(statement, focus)
    assert answer.verdict == verdict and answer.citations[0].label == "Inclusion 1"
    assert answer.text.startswith(f"The statement is {'true' if verdict == 'yes' else 'false'}")


def test_a_requirement_the_trial_does_not_settle_is_cannot_tell_with_its_passages(bundled):
    answer = bundled.answer(
        "Patients must have histologically confirmed lupus to participate in the primary trial.", "NCT01520155"
    )
    assert answer.verdict == "cannot tell" and answer.citations


def test_a_statement_that_the_trial_requires_what_it_excludes_is_false(bundled):
    """ "Cirrhosis" is an exclusion of NCT01854723 on its own: a statement that the trial requires it is false, and
    the answer cites the exclusion first (``concept_statements``)."""
    answer = bundled.answer("Patients must have cirrhosis to participate in the primary trial.", "NCT01854723")
    assert answer.verdict == "no" and answer.text.startswith("The statement is false")
    assert answer.citations[0].quote.strip(" *") == "Cirrhosis"
