"""A node has a time zone: set at init, by default the system's, kept in node.toml."""

from __future__ import annotations

import tomllib
from datetime import datetime

import pytest

from groupnet import config
from groupnet.cli.main import main
from groupnet.local_time import LocalTime, system_zone
from groupnet.wire.rejection import Refused


def _init(directory, *extra: str) -> int:
    return main(["init", str(directory), "--name", "Southwark", "--url",
                 "http://127.0.0.1:9", *extra])


def test_init_keeps_the_time_zone_it_is_given_in_node_toml(tmp_path, capsys):
    assert _init(tmp_path / "node", "--time-zone", "Europe/London") == 0
    assert "time zone:   Europe/London" in capsys.readouterr().out
    settings = tomllib.loads((tmp_path / "node" / "node.toml").read_text())
    assert settings["time_zone"] == "Europe/London"
    assert config.load(tmp_path / "node").time_zone == "Europe/London"


def test_init_takes_the_systems_time_zone_when_given_none(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TZ", "America/New_York")
    assert _init(tmp_path / "node") == 0
    assert config.load(tmp_path / "node").time_zone == "America/New_York"


def test_a_time_zone_that_does_not_exist_is_refused_and_nothing_is_made(tmp_path, capsys):
    assert _init(tmp_path / "node", "--time-zone", "Europe/Londinium") != 0
    error = capsys.readouterr().err
    assert "bad_time_zone" in error and "'Europe/Londinium' is not a time zone" in error
    assert not (tmp_path / "node").exists()


def test_a_node_toml_without_a_time_zone_reads_as_utc(tmp_path):
    (tmp_path / "node.toml").write_text('name = "Old"\nurl = "http://127.0.0.1:9"\n')
    assert config.load(tmp_path).time_zone == "UTC"
    (tmp_path / "node.toml").write_text('name = "Old"\nurl = "http://127.0.0.1:9"\n'
                                        'time_zone = "Mars/Olympus"\n')
    with pytest.raises(SystemExit, match="time_zone: 'Mars/Olympus' is not a time zone"):
        config.load(tmp_path)


def test_the_systems_zone_comes_from_tz_then_etc_timezone_then_etc_localtime(tmp_path):
    etc = tmp_path / "etc"
    etc.mkdir()
    assert system_zone({}, etc) == "UTC"
    (etc / "localtime").symlink_to("/usr/share/zoneinfo/Europe/Paris")
    assert system_zone({}, etc) == "Europe/Paris"
    (etc / "timezone").write_text("Europe/Dublin\n")
    assert system_zone({}, etc) == "Europe/Dublin"
    assert system_zone({"TZ": ":Asia/Tokyo"}, etc) == "Asia/Tokyo"
    # a TZ that names no zone (a POSIX rule, say) is passed over
    assert system_zone({"TZ": "EST5EDT,M3.2.0,M11.1.0x"}, etc) == "Europe/Dublin"


def test_the_hour_that_happens_twice_in_autumn_is_read_as_the_first():
    london = LocalTime("Europe/London")
    first = london.read(datetime(2030, 10, 27, 1, 30))
    assert london.moment(int(first.timestamp() * 1000)) == "27 October 2030, 01:30 BST"
    with pytest.raises(Refused) as refused:
        london.read(datetime(2030, 3, 31, 1, 30))
    assert refused.value.rejection.code == "time_does_not_exist"
