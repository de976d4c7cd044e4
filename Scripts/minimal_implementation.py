#!/usr/bin/env python3
"""A minimal implementation of the cvconform system in Python (standard library).

It plays all three system roles -- ICM, CVCT and ECS -- and speaks the JSON
Lines protocol of CONTRACT.md section 5 on stdin/stdout, reporting internal
messages too (internal: true). Run it under the harness:

    cvconform run traces --exec 'python3 Scripts/minimal_implementation.py'

Each role is one function: it receives a message and sends messages. A FIFO
queue carries the messages between roles, so each link keeps its order and
each role handles what it receives in arrival order. It follows the core
rules (E1-E9, the CVCT relay, I1-I9) and the project's decisions where the
contract is silent (EXT-1..EXT-8 in spec/requirements.md).
"""
import json
import sys
from collections import deque

SYSTEM = ("icm", "cvct", "ecs")

state = {}          # everything the three servers know; replaced at each reset
outbox = deque()    # messages sent between system roles, not yet received


def reset(setup):
    """Forget everything; load the administration (known to all roles)."""
    state.clear()
    state.update(
        skills={a["id"]: set(a.get("skills", [])) for a in setup.get("agents", [])},
        stations=set(setup.get("stations", [])),
        vdns={v["number"]: v["skill"] for v in setup.get("vdns", [])},
        # ICM: agent -> {"ext", "session", "media"} for confirmed logins;
        # session -> media of its latest request (fixed for an agent at connect).
        icm_agents={}, media={},
        # ECS: agent -> {"ext", "since", "busy"}; busy is None (idle),
        # ("alerting", s) or ("connected", s). "since" is when the agent
        # became available, on a logical clock: most idle = smallest.
        ecs_agents={}, sessions={}, queue=[], clock=0,
    )


def send(frm, to, type_, **params):
    """Report a message to the harness; if it is for a system role, queue it."""
    line = {"op": "msg", "from": frm, "to": to, "type": type_, "params": params}
    print(json.dumps(line), flush=True)
    if to in SYSTEM:
        outbox.append(line)


# --- ICM: faces the browser and the customer; the switch judges everything ---

def icm(m):
    p, kind, agents = m["params"], m["type"], state["icm_agents"]
    if kind == "login":                               # I1: always ask the switch
        send("icm", "cvct", "login-request", agent=p["agent"], extension=p["extension"])
    elif kind == "login-confirmed":                   # I2 (EXT-8: replaces any earlier)
        agents[p["agent"]] = {"ext": p["extension"], "session": None, "media": None}
        send("icm", "browser", "acw-open", agent=p["agent"])
    elif kind == "login-denied":                      # I3: an earlier login stays
        send("icm", "browser", "login-failed", agent=p["agent"], cause=p["cause"])
    elif kind == "session-request":                   # I4
        state["media"][p["session"]] = p["media"]
        send("icm", "ecs", "launch", session=p["session"], vdn=p["vdn"], media=p["media"])
    elif kind == "answered":                          # I5 (EXT-6: else ignore)
        for a, rec in agents.items():
            if rec["ext"] == p["extension"] and rec["session"] is None:
                rec["session"], rec["media"] = p["session"], state["media"].get(p["session"])
                send("icm", "browser", "connect", agent=a, session=p["session"])
                break
    elif kind == "release":                           # I6: the button must fit the media
        rec, s = agents.get(p["agent"]), p["session"]
        reasons = {"realtime": {"drop": "dropped"},
                   "messaging": {"close": "closed", "suspend": "suspended"}}
        reason = reasons.get(rec and rec["media"], {}).get(p["button"])
        if rec and rec["session"] == s and reason:
            rec["session"] = None
            send("icm", "cvct", "drop-request", session=s, extension=rec["ext"])
            send("icm", "browser", "disconnect", agent=p["agent"], session=s, reason=reason)
    elif kind == "dropped":                           # I7: hang-up at the phone
        for a, rec in agents.items():
            if rec["session"] == p["session"]:
                rec["session"] = None
                send("icm", "browser", "disconnect", agent=a, session=p["session"], reason="hangup")
                break
    elif kind == "logout":                            # I8 (EXT-5: not with a session)
        rec = agents.get(p["agent"])
        if rec and rec["session"] is None:
            del agents[p["agent"]]
            send("icm", "cvct", "logout-request", agent=p["agent"], extension=rec["ext"])
            send("icm", "browser", "acw-close", agent=p["agent"])
    elif kind == "agent-logged-out":                  # I9: unconditional
        agents.pop(p["agent"], None)
        send("icm", "browser", "acw-close", agent=p["agent"])


# --- CVCT: a stateless relay; never echoes what the ICM asked for ---

RELAY = {"login-request": ("ecs", "asai-login"), "drop-request": ("ecs", "asai-drop"),
         "logout-request": ("ecs", "asai-logout"), "logged-in": ("icm", "login-confirmed"),
         "login-denied": ("icm", "login-denied")}


def cvct(m):
    p, kind = m["params"], m["type"]
    if kind in RELAY:
        to, new_type = RELAY[kind]
        send("cvct", to, new_type, **p)
    elif kind == "progress" and p["state"] == "answered":
        send("cvct", "icm", "answered", session=p["session"], extension=p["extension"])
    elif kind == "progress" and p["state"] == "dropped" and p["by"] == "phone":
        send("cvct", "icm", "dropped", session=p["session"])
    elif kind == "logged-out" and p["by"] == "phone":
        send("cvct", "icm", "agent-logged-out", agent=p["agent"], extension=p["extension"])
    # every other progress, and logged-out by request: nothing


# --- ECS: judges administration, routes sessions, reports progress ---

def tick():
    state["clock"] += 1
    return state["clock"]


def agent_at(ext):
    return next((a for a, r in state["ecs_agents"].items() if r["ext"] == ext), None)


def progress(s, st, **more):
    send("ecs", "cvct", "progress", session=s, state=st, **more)


def deliver(s, a):                                    # E8
    rec = state["ecs_agents"][a]
    rec["busy"] = ("alerting", s)
    send("ecs", "phone", "alert", session=s, extension=rec["ext"])
    progress(s, "alerting", extension=rec["ext"])


def route(s):
    """To the most idle available agent with the skill, else queue by launch order."""
    skill = state["sessions"][s]["skill"]
    free = [(r["since"], a) for a, r in state["ecs_agents"].items()
            if r["busy"] is None and skill in state["skills"][a]]
    if free:
        deliver(s, min(free)[1])
    else:
        state["queue"].append(s)
        state["queue"].sort(key=lambda q: state["sessions"][q]["seq"])
        progress(s, "queued", skill=skill)


def available(a):                                     # ... then dispatch (E9)
    rec = state["ecs_agents"][a]
    rec["busy"], rec["since"] = None, tick()
    for s in state["queue"]:
        if state["sessions"][s]["skill"] in state["skills"][a]:
            state["queue"].remove(s)
            deliver(s, a)
            return


def ecs(m):
    p, kind, agents = m["params"], m["type"], state["ecs_agents"]
    a, x = p.get("agent"), p.get("extension")
    rec = agents.get(agent_at(x)) if x else None      # the agent at extension x
    busy = rec["busy"] if rec else None
    if kind == "asai-login":                          # E1: first matching cause wins
        cause = ("unknown-agent" if a not in state["skills"] else
                 "unknown-extension" if x not in state["stations"] else
                 "agent-logged-in" if a in agents else
                 "extension-in-use" if rec else None)
        if cause:
            send("ecs", "cvct", "login-denied", agent=a, extension=x, cause=cause)
        else:
            agents[a] = {"ext": x, "since": 0, "busy": None}
            send("ecs", "cvct", "logged-in", agent=a, extension=x)
            available(a)
    elif kind == "launch":                            # E2 (EXT-1, EXT-7: else ignore)
        s, v = p["session"], p["vdn"]
        if v in state["vdns"] and s not in state["sessions"]:
            state["sessions"][s] = {"skill": state["vdns"][v], "seq": tick()}
            progress(s, "offered", vdn=v)
            route(s)
    elif kind == "answer" and busy and busy[0] == "alerting":          # E3
        rec["busy"] = ("connected", busy[1])
        progress(busy[1], "answered", extension=x)
    elif kind == "hangup" and busy and busy[0] == "connected":         # E4
        del state["sessions"][busy[1]]
        progress(busy[1], "dropped", extension=x, by="phone")
        available(agent_at(x))
    elif kind == "asai-drop" and busy == ("connected", p["session"]):  # E5
        del state["sessions"][busy[1]]
        send("ecs", "phone", "clear", session=busy[1], extension=x)
        progress(busy[1], "dropped", extension=x, by="request")
        available(agent_at(x))
    elif kind == "asai-logout" and a in agents and agents[a]["ext"] == x:  # E6
        if busy is None:
            del agents[a]
            send("ecs", "cvct", "logged-out", agent=a, extension=x, by="request")
        elif busy[0] == "alerting":                   # EXT-2: clear, log out, route again
            del agents[a]
            send("ecs", "phone", "clear", session=busy[1], extension=x)
            send("ecs", "cvct", "logged-out", agent=a, extension=x, by="request")
            route(busy[1])
        # connected: EXT-3, ignore
    elif kind == "logout-feature" and rec and busy is None:            # E7 (EXT-4)
        who = agent_at(x)
        del agents[who]
        send("ecs", "cvct", "logged-out", agent=who, extension=x, by="phone")
    # anything else: ignore


ROLES = {"icm": icm, "cvct": cvct, "ecs": ecs}


def main():
    reset({})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
        except ValueError:
            print("ignored: not JSON: " + line.strip(), file=sys.stderr)
            continue
        op = req.get("op")
        if op == "hello":
            print(json.dumps({"op": "hello", "protocol": "1", "implementation": "minimal-python",
                              "roles": list(SYSTEM), "internal": True}), flush=True)
        elif op == "reset":
            reset(req.get("setup", {}))
            outbox.clear()
            print(json.dumps({"op": "ready"}), flush=True)
        elif op == "msg" and req.get("to") in SYSTEM:
            # A stimulus; then run the system until no message is in flight.
            outbox.append(req)
            while outbox:
                m = outbox.popleft()
                try:
                    ROLES[m["to"]](m)
                except KeyError as missing:
                    print("ignored %s: missing %s" % (m["type"], missing), file=sys.stderr)
        elif op == "bye":
            break
        else:
            print("ignored: " + line.strip(), file=sys.stderr)


if __name__ == "__main__":
    main()
