"""Finding a jurisdiction as people type it (no rendering)."""

from __future__ import annotations

import pytest

import toolkit
from toolkit import UnknownJurisdiction


@pytest.mark.parametrize("query", ["santa-clara", "Santa Clara County", "SANTA CLARA", "santa clara ca",
                                   "Santa Clara County, CA", "Santa Clara, California", "santa clara county california",
                                   "06085", " santa-clara-ca "])
def test_santa_clara_as_people_type_it(query):
    assert toolkit.find_jurisdiction(query).id == "santa-clara"


@pytest.mark.parametrize("query, expected", [
    ("Washington County, OR", "washington-or"),
    ("washington oregon", "washington-or"),
    ("41067", "washington-or"),
    ("new york county new york", "new-york-ny"),
    ("District of Columbia", "district-of-columbia"),
    ("Baltimore city", "baltimore-city-md"),
    ("baltimore-md", "baltimore-md"),
])
def test_names_with_their_state_and_fips_codes(query, expected):
    assert toolkit.find_jurisdiction(query).id == expected


@pytest.mark.parametrize("name, state, county, city", [
    ("baltimore", "MD", "baltimore-md", "baltimore-city-md"),
    ("st. louis", "MO", "st-louis-mo", "st-louis-city-mo"),
    ("richmond", "VA", "richmond-va", "richmond-city-va"),
    ("fairfax", "VA", "fairfax-va", "fairfax-city-va"),
    ("roanoke", "VA", "roanoke-va", "roanoke-city-va"),
    ("franklin", "VA", "franklin-va", "franklin-city-va"),
])
def test_a_county_and_a_city_of_one_name_are_not_guessed(name, state, county, city):
    with pytest.raises(UnknownJurisdiction) as info:
        toolkit.find_jurisdiction(name, state=state)
    assert set(info.value.candidates) == {county, city} and info.value.kinds == ["city", "county"]
    assert "county or the city" in str(info.value) and "--" not in str(info.value)
    assert toolkit.find_jurisdiction(name, state=state, kind="county").id == county
    assert toolkit.find_jurisdiction(name, state=state, kind="city").id == city


def test_a_name_many_states_share_lists_them():
    with pytest.raises(UnknownJurisdiction) as info:
        toolkit.find_jurisdiction("washington", kind="county")
    assert "washington-or" in info.value.candidates and {"OR", "VA"} <= set(info.value.states)
    assert "give the state" in str(info.value)
    assert toolkit.find_jurisdiction("washington", kind="county", state="or").id == "washington-or"
    with pytest.raises(UnknownJurisdiction) as info:  # a county in MN, a county and a city in MO
        toolkit.find_jurisdiction("st. louis")
    assert info.value.states == ["MN", "MO"] and "give the state" in str(info.value)


def test_a_near_miss_suggests_and_nothing_close_says_so():
    with pytest.raises(UnknownJurisdiction) as info:
        toolkit.find_jurisdiction("santa-clar")
    assert info.value.suggestions[0] == "santa-clara" and not info.value.candidates
    with pytest.raises(UnknownJurisdiction) as info:
        toolkit.find_jurisdiction("zzzzqqqq")
    assert info.value.suggestions == [] and "list the jurisdictions" in str(info.value)
    with pytest.raises(UnknownJurisdiction):
        toolkit.find_jurisdiction("santa clara, OR")  # the state given must hold the place
    with pytest.raises(UnknownJurisdiction):
        toolkit.find_jurisdiction("06085", state="OR")
