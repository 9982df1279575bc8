"""The département → topic mapping the smartphone app subscribes to (docs/push.md)."""

from __future__ import annotations

import pytest

from stopcamb_desk.domain.departements import (
    departement_name,
    known_departement,
    normalize_departement,
)
from stopcamb_desk.push.topics import (
    TopicError,
    all_topics,
    parse_topic,
    replacement_key,
    topic_for,
    validate_topic,
)


@pytest.mark.parametrize(
    ("departement", "exercise", "topic"),
    [
        ("74", False, "dep_74"),
        ("1", False, "dep_01"),
        ("01", False, "dep_01"),
        ("2a", False, "dep_2A"),
        ("2B", False, "dep_2B"),
        ("971", False, "dep_971"),
        ("976", False, "dep_976"),
        (" 34 ", False, "dep_34"),
        (None, False, "national"),
        ("74", True, "exercice_dep_74"),
        (None, True, "exercice_national"),
    ],
)
def test_topic_for_each_kind_of_departement(
    departement: str | None, exercise: bool, topic: str
) -> None:
    assert topic_for(departement, exercise=exercise) == topic


@pytest.mark.parametrize("code", ["20", "96", "975", "977", "00", "", "2C", "dep_74", "74; DROP"])
def test_unknown_departement_is_refused_in_french(code: str) -> None:
    with pytest.raises(TopicError, match="Département inconnu") as err:
        topic_for(code)
    assert "2A, 2B, 971 à 976" in err.value.message


def test_there_are_101_departement_topics_and_they_are_valid_fcm_names() -> None:
    topics = all_topics()
    assert len(topics) == 102  # 101 départements + national
    assert len(set(topics)) == 102
    assert topics[0] == "dep_01" and topics[-1] == "national"
    for topic in topics + all_topics(exercise=True):
        assert validate_topic(topic) == topic
    assert not set(topics) & set(all_topics(exercise=True))


def test_every_topic_round_trips_through_parse_topic() -> None:
    for exercise in (False, True):
        for topic in all_topics(exercise=exercise):
            info = parse_topic(topic)
            assert topic_for(info.departement, exercise=info.exercise) == topic
            assert info.exercise is exercise
    assert parse_topic("exercice_dep_74").label == "Haute-Savoie (74) — EXERCICE"
    assert parse_topic("national").label == "national"
    with pytest.raises(TopicError):
        parse_topic("dep_20")


@pytest.mark.parametrize("bad", ["dep 74", "dép_74", "", "dep/74", "a:b"])
def test_invalid_topic_names_are_refused(bad: str) -> None:
    with pytest.raises(TopicError, match="sujet FCM invalide"):
        validate_topic(bad)


def test_replacement_key_is_per_topic_and_fits_apns_collapse_id() -> None:
    keys = {replacement_key(t) for t in all_topics() + all_topics(exercise=True)}
    assert len(keys) == 204
    assert all(len(k.encode()) <= 64 for k in keys)
    assert replacement_key("dep_74") == replacement_key(topic_for("74"))
    assert replacement_key("dep_74") != replacement_key("exercice_dep_74")
    with pytest.raises(TopicError, match="64 octets"):
        replacement_key("x" * 60)


def test_names_and_normalisation() -> None:
    assert departement_name("74") == "Haute-Savoie"
    assert departement_name("2a") == "Corse-du-Sud"
    assert departement_name("974") == "La Réunion"
    assert departement_name("99") == "département 99"
    assert normalize_departement("9") == "09"
    assert normalize_departement(" 2b ") == "2B"
    assert normalize_departement("99") == "99"  # the spelling; known_departement judges
    assert known_departement("1") == "01" and known_departement("99") is None
