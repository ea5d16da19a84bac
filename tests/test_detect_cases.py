"""Hard cases of entity detection that a reader of the built site would notice."""

from __future__ import annotations

from pathlib import Path

from generator.detect import KnownEntity, Lexicon, detect
from generator.detect.listing import format_mentions, read_text


def _by_text(text: str, lexicon: Lexicon = Lexicon()) -> dict[str, tuple[str, str]]:
    return {m.text: (m.kind, m.entity) for m in detect(text, lexicon).mentions}


def test_middle_initial_stays_inside_the_name() -> None:
    found = _by_text(
        "At the same time, William J. Burns, the C.I.A. director, flew to Doha. Burns met officials."
    )
    assert found["William J. Burns"] == ("person", "william-j-burns")
    assert found["Burns"] == ("person", "william-j-burns")


def test_hyphens_and_particles_in_names() -> None:
    text = (
        "Jean-Claude Juncker met Ursula von der Leyen in Brussels on Monday, "
        "and President Recep Tayyip Erdoğan called them later."
    )
    found = _by_text(text)
    assert found["Jean-Claude Juncker"][0] == "person"
    assert found["Ursula von der Leyen"] == ("person", "ursula-von-der-leyen")
    assert found["Recep Tayyip Erdoğan"] == ("person", "recep-tayyip-erdogan")


def test_dotted_acronyms_are_organisations_with_dotless_slugs() -> None:
    text = "The C.I.A. director briefed the U.N. Security Council, officials of the F.B.I. said."
    found = _by_text(text)
    assert found["C.I.A."] == ("organisation", "cia")
    assert found["U.N. Security Council"] == ("organisation", "un-security-council")


def test_us_forms_are_one_place() -> None:
    found = _by_text("U.S. officials said the United States would act. “We back the US,” he said.")
    assert found["U.S."] == found["United States"] == found["US"] == ("location", "united-states")


def test_title_case_headline_words_are_not_all_entities() -> None:
    text = (
        "Rescuers Search Rubble in Antakya as Erdoğan Visits Quake Zone\n\n"
        "President Recep Tayyip Erdoğan toured Antakya on Monday as rescuers searched the rubble.\n"
    )
    names = {m.text for m in detect(text).mentions}
    assert {"Antakya", "Erdoğan"} <= names
    assert not names & {"Rescuers", "Search Rubble", "Quake Zone", "Visits", "Rescuers Search Rubble"}


def test_sentence_initial_and_calendar_words_are_not_entities() -> None:
    text = (
        "But the talks in Geneva stalled on Friday. In March, Although officials met, nothing moved.\n"
        "Speaking to reporters in October, Mr. Macron said little."
    )
    names = {m.text for m in detect(text).mentions}
    assert "Geneva" in names and "Macron" in names
    assert not names & {"But", "In", "Friday", "March", "Although", "Speaking", "October", "Mr. Macron"}


def test_names_inside_quotes_are_found_without_the_quote_marks() -> None:
    text = (
        "Olaf Scholz left early. “Scholz cannot win this,” said Ursula von der Leyen. "
        'She added: "Poland agrees."'
    )
    found = _by_text(text)
    assert found["Scholz"] == ("person", "olaf-scholz")
    assert found["Poland"] == ("location", "poland")


def test_possessives_resolve_and_the_s_stays_outside_the_span() -> None:
    text = (
        "Prime Minister Benjamin Netanyahu spoke. Mr. Netanyahu’s plan worried Israel’s allies, "
        "and Netanyahu's critics in Israel's parliament said so."
    )
    d = detect(text)
    for m in d.mentions:
        assert not m.text.endswith(("’s", "'s"))
    entities = {m.entity for m in d.mentions if m.text == "Netanyahu"}
    assert entities == {"benjamin-netanyahu"}
    assert sum(1 for m in d.mentions if m.entity == "israel") == 2


def test_two_people_sharing_a_surname_are_never_merged() -> None:
    text = (
        "Hillary Clinton met voters in Iowa while Bill Clinton raised money in New York. "
        "Clinton later told reporters that the race was close."
    )
    d = detect(text)
    found = {m.text: m.entity for m in d.mentions}
    assert found["Hillary Clinton"] != found["Bill Clinton"]
    assert found["Clinton"] not in {found["Hillary Clinton"], found["Bill Clinton"]}


def test_registry_wins_over_guesses() -> None:
    lexicon = Lexicon(
        entities=(
            KnownEntity("cia", "Central Intelligence Agency", "organisation", ("C.I.A.", "CIA")),
            KnownEntity("blinken", "Antony Blinken", "person"),
            KnownEntity("the-hague", "The Hague", "location"),
        )
    )
    text = "Mr. Blinken said the C.I.A. had warned officials in The Hague about the CIA report."
    d = detect(text, lexicon)
    found = {m.text: (m.entity, m.name) for m in d.mentions}
    assert found["C.I.A."] == found["CIA"] == ("cia", "Central Intelligence Agency")
    assert found["Blinken"] == ("blinken", "Antony Blinken")
    assert found["The Hague"] == ("the-hague", "The Hague")
    assert all(e.known for e in d.entities)


def test_bare_surname_is_not_given_to_one_of_two_registry_people() -> None:
    lexicon = Lexicon(
        entities=(
            KnownEntity("hillary-clinton", "Hillary Clinton", "person"),
            KnownEntity("bill-clinton", "Bill Clinton", "person"),
        )
    )
    d = detect("Mrs. Clinton spoke in Denver on Tuesday.", lexicon)
    assert {m.entity for m in d.mentions if m.text == "Clinton"}.isdisjoint(
        {"hillary-clinton", "bill-clinton"}
    )


def test_rejected_names_never_become_entities() -> None:
    text = "Hamas said the talks in Cairo would resume. Officials in Cairo agreed."
    d = detect(text, Lexicon(rejects=frozenset({"Hamas"})))
    assert "Hamas" not in {m.text for m in d.mentions}
    assert "cairo" in {e.slug for e in d.entities}


def test_cli_formats_json_list_for_one_file_and_object_for_several(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffLine one\r\n\r\nAngela Merkel visited Paris.\r\n".encode("utf-8"))
    text = read_text(path)
    assert text.startswith("Line one\r\n")
    mentions = detect(text).mentions
    merkel = next(m for m in mentions if m.text == "Angela Merkel")
    assert text[merkel.start : merkel.end] == "Angela Merkel"
    import json

    one = json.loads(format_mentions([(str(path), mentions)], "json"))
    assert isinstance(one, list) and set(one[0]) == {"start", "end", "text", "kind", "entity", "name"}
    many = json.loads(format_mentions([("a", mentions), ("b", ())], "json"))
    assert set(many) == {"a", "b"} and many["b"] == []


def test_initials_without_stops_bbc_style() -> None:
    found = _by_text("Since President George W Bush came to office, rates rose. Mr Bush said so.")
    assert found["George W Bush"] == ("person", "george-w-bush")
    assert found["Bush"] == ("person", "george-w-bush")


def test_rejecting_a_canonical_name_drops_all_its_mentions() -> None:
    text = "Angela Merkel spoke in Berlin. Later, Merkel left for Paris."
    d = detect(text, Lexicon(rejects=frozenset({"Angela Merkel"})))
    assert not any("Merkel" in m.text for m in d.mentions)
    assert {e.slug for e in d.entities} >= {"berlin", "paris"}


def test_module_cli_prints_json_for_a_seed(tmp_path: Path, capsys: object) -> None:
    import json

    from generator.detect.__main__ import main

    path = tmp_path / "seed.txt"
    path.write_text("Talks in Cairo\n\nMr. Blinken met Abdel Fattah el-Sisi in Cairo.\n", encoding="utf-8")
    assert main([str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert {(m["text"], m["kind"]) for m in out} >= {("Cairo", "location"), ("Blinken", "person")}


def test_known_name_inside_a_longer_name_is_not_that_entity() -> None:
    lexicon = Lexicon(entities=(KnownEntity("england", "England", "location"),))
    text = "The Bank of England raised interest rates on Thursday. Shoppers in England shrugged."
    found = _by_text(text, lexicon)
    assert found["Bank of England"] == ("organisation", "bank-of-england")
    assert found["England"] == ("location", "england")


def test_a_guess_never_takes_the_slug_of_a_known_entity() -> None:
    lexicon = Lexicon(entities=(KnownEntity("amman", "Amman Holdings", "organisation"),))
    d = detect("King Abdullah met investors in Amman on Friday. Amman Holdings said little.", lexicon)
    slugs = [e.slug for e in d.entities]
    assert len(slugs) == len(set(slugs))
    found = {m.text: m.entity for m in d.mentions}
    assert found["Amman Holdings"] == "amman" and found["Amman"] == "amman-location"
