#!/usr/bin/env python3
"""Writes a JSON-Lines log of a running system for check-log benchmarks: one
reset with many cells, then the messages of every cell interleaved as a
loaded system would log them (contract section 7).

    Scripts/generate-log.py CELLS MESSAGES [OUTPUT.jsonl] [--seed N]

Each cell has two agents with one skill, two stations, a VDN and a decoy
agent id that is listed in the cell but not administered. Within a cell the
steps follow one another (nothing races): agents log in; sessions, real-time
or messaging, are requested, delivered to the most idle agent, answered and
ended by a hang-up or from the ACW (Drop, Close, Suspend); now and then the
decoy tries to log in (unknown-agent) or an agent logs out and in again.
Across cells the messages interleave at random, each cell's in its order.
After MESSAGES messages no new step starts and every step under way ends, so
check-log accepts the whole log."""
import json
import random
import sys


def msg(frm, to, typ, **params):
    return json.dumps({"op": "msg", "from": frm, "to": to, "type": typ, "params": params}, separators=(",", ":"))


class Cell:
    def __init__(self, number, rng):
        self.rng = rng
        base = number * 10
        self.agents = [str(100000 + base + 1), str(100000 + base + 2)]
        self.stations = [str(400000 + base + 1), str(400000 + base + 2)]
        self.station_of = dict(zip(self.agents, self.stations))
        self.decoy = str(100000 + base + 9)
        self.vdn = str(500000 + number)
        self.skill = str(600000 + number)
        self.prefix = f"c{number}s"
        self.sessions = 0
        self.available = []  # most idle first
        self.logged_out = list(self.agents)
        self.pending = []

    def ids(self):
        return self.agents + [self.decoy] + self.stations + [self.vdn, self.skill]

    def login(self, agent):
        x = self.station_of[agent]
        self.logged_out.remove(agent)
        self.available.append(agent)
        return [
            msg("browser", "icm", "login", agent=agent, extension=x),
            msg("icm", "cvct", "login-request", agent=agent, extension=x),
            msg("cvct", "ecs", "asai-login", agent=agent, extension=x),
            msg("ecs", "cvct", "logged-in", agent=agent, extension=x),
            msg("cvct", "icm", "login-confirmed", agent=agent, extension=x),
            msg("icm", "browser", "acw-open", agent=agent),
        ]

    def logout(self, agent):
        x = self.station_of[agent]
        self.available.remove(agent)
        self.logged_out.append(agent)
        return [
            msg("browser", "icm", "logout", agent=agent),
            msg("icm", "cvct", "logout-request", agent=agent, extension=x),
            msg("icm", "browser", "acw-close", agent=agent),
            msg("cvct", "ecs", "asai-logout", agent=agent, extension=x),
            msg("ecs", "cvct", "logged-out", agent=agent, extension=x, by="request"),
        ]

    def denied(self):
        x = self.stations[0]
        d = self.decoy
        return [
            msg("browser", "icm", "login", agent=d, extension=x),
            msg("icm", "cvct", "login-request", agent=d, extension=x),
            msg("cvct", "ecs", "asai-login", agent=d, extension=x),
            msg("ecs", "cvct", "login-denied", agent=d, extension=x, cause="unknown-agent"),
            msg("cvct", "icm", "login-denied", agent=d, extension=x, cause="unknown-agent"),
            msg("icm", "browser", "login-failed", agent=d, cause="unknown-agent"),
        ]

    def session(self):
        self.sessions += 1
        s = f"{self.prefix}{self.sessions}"
        media = self.rng.choice(["realtime", "messaging"])
        agent = self.available.pop(0)
        x = self.station_of[agent]
        v = self.vdn
        out = [
            msg("customer", "icm", "session-request", session=s, media=media, vdn=v),
            msg("icm", "ecs", "launch", session=s, vdn=v, media=media),
            msg("ecs", "cvct", "progress", session=s, state="offered", vdn=v),
            msg("ecs", "phone", "alert", session=s, extension=x),
            msg("ecs", "cvct", "progress", session=s, state="alerting", extension=x),
            msg("phone", "ecs", "answer", extension=x),
            msg("ecs", "cvct", "progress", session=s, state="answered", extension=x),
            msg("cvct", "icm", "answered", session=s, extension=x),
            msg("icm", "browser", "connect", agent=agent, session=s),
        ]
        if self.rng.random() < 0.4:
            out += [
                msg("phone", "ecs", "hangup", extension=x),
                msg("ecs", "cvct", "progress", session=s, state="dropped", extension=x, by="phone"),
                msg("cvct", "icm", "dropped", session=s),
                msg("icm", "browser", "disconnect", agent=agent, session=s, reason="hangup"),
            ]
        else:
            button, reason = ("drop", "dropped") if media == "realtime" else self.rng.choice(
                [("close", "closed"), ("suspend", "suspended")])
            out += [
                msg("browser", "icm", "release", agent=agent, session=s, button=button),
                msg("icm", "cvct", "drop-request", session=s, extension=x),
                msg("icm", "browser", "disconnect", agent=agent, session=s, reason=reason),
                msg("cvct", "ecs", "asai-drop", session=s, extension=x),
                msg("ecs", "phone", "clear", session=s, extension=x),
                msg("ecs", "cvct", "progress", session=s, state="dropped", extension=x, by="request"),
            ]
        self.available.append(agent)
        return out

    def step(self):
        if self.logged_out:
            return self.login(self.logged_out[0])
        roll = self.rng.random()
        if roll < 0.05:
            return self.denied()
        if roll < 0.10:
            return self.logout(self.available[0])
        return self.session()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--seed")]
    seed = 1
    for a in sys.argv[1:]:
        if a.startswith("--seed="):
            seed = int(a.split("=", 1)[1])
    if len(args) < 2:
        sys.exit(__doc__)
    count, limit = int(args[0]), int(args[1])
    out = open(args[2], "w", encoding="utf-8") if len(args) > 2 else sys.stdout
    rng = random.Random(seed)
    cells = [Cell(n, rng) for n in range(count)]
    setup = {
        "agents": [{"id": a, "skills": [c.skill]} for c in cells for a in c.agents],
        "stations": [x for c in cells for x in c.stations],
        "vdns": [{"number": c.vdn, "skill": c.skill} for c in cells],
    }
    out.write(json.dumps({"op": "reset", "trace": "generated-load", "setup": setup,
                          "cells": [c.ids() for c in cells]}, separators=(",", ":")) + "\n")
    written = 0
    active = list(range(count))
    buffer = []
    while active:
        index = rng.randrange(len(active))
        cell = cells[active[index]]
        if not cell.pending:
            if written >= limit:
                active[index] = active[-1]
                active.pop()
                continue
            cell.pending = cell.step()
            cell.pending.reverse()
        buffer.append(cell.pending.pop())
        written += 1
        if len(buffer) >= 4096:
            out.write("\n".join(buffer) + "\n")
            buffer.clear()
    if buffer:
        out.write("\n".join(buffer) + "\n")
    out.close()


if __name__ == "__main__":
    main()
