#!/usr/bin/env python3
"""How strong is the suite? Replays it against mutants of the Python example
implementation, each with one typical mistake, and lists the mutants no trace
catches (they survive).

    Scripts/mutants.py [CVCONFORM]      (default .build/debug/cvconform)

Exit status 1 when a mutant survives. (Some mistakes cannot be caught by
traces without races: I9 for an agent the ICM does not have logged in never
happens in profile core, so "acw-close only for a known agent" is not here.)
Each mutant is a text replacement in
Scripts/minimal_implementation.py; a mutant whose text is not found is an
error of this script, so it cannot go stale silently."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "minimal_implementation.py")

MUTANTS = [
    ("I3 forgets the earlier login on a denial",
     '        send("icm", "browser", "login-failed", agent=p["agent"], cause=p["cause"])',
     '        agents.pop(p["agent"], None)\n        send("icm", "browser", "login-failed", agent=p["agent"], cause=p["cause"])'),
    ("I5 connects any idle agent, whatever the extension",
     'if rec["ext"] == p["extension"] and rec["session"] is None:', 'if rec["session"] is None:'),
    ("I6 ignores the media when choosing the reason",
     'reason = reasons.get(rec and rec["media"], {}).get(p["button"])',
     'reason = {"drop": "dropped", "close": "closed", "suspend": "suspended"}.get(p["button"])'),
    ("I6 accepts a release of a session the agent does not have",
     'if rec and rec["session"] == s and reason:', 'if rec and reason:'),
    ("I6 reports suspend as closed", '"suspend": "suspended"', '"suspend": "closed"'),
    ("I7 reports a hang-up as dropped", 'session=p["session"], reason="hangup")', 'session=p["session"], reason="dropped")'),
    ("I8 answers a logout of an agent not logged in",
     '            send("icm", "browser", "acw-close", agent=p["agent"])\n    elif kind == "agent-logged-out":',
     '            send("icm", "browser", "acw-close", agent=p["agent"])\n        elif not rec:\n            send("icm", "browser", "acw-close", agent=p["agent"])\n    elif kind == "agent-logged-out":'),
    ("CVCT echoes a drop the ICM asked for",
     'elif kind == "progress" and p["state"] == "dropped" and p["by"] == "phone":',
     'elif kind == "progress" and p["state"] == "dropped":'),
    ("CVCT relays a logout the ICM asked for",
     'elif kind == "logged-out" and p["by"] == "phone":', 'elif kind == "logged-out":'),
    ("CVCT relays alerting as answered",
     'elif kind == "progress" and p["state"] == "answered":', 'elif kind == "progress" and p["state"] in ("answered", "alerting"):'),
    ("E1 checks extension-in-use before agent-logged-in",
     '''                 "agent-logged-in" if a in agents else
                 "extension-in-use" if rec else None)''',
     '''                 "extension-in-use" if rec else
                 "agent-logged-in" if a in agents else None)'''),
    ("E1 checks the extension before the agent",
     '''        cause = ("unknown-agent" if a not in state["skills"] else
                 "unknown-extension" if x not in state["stations"] else''',
     '''        cause = ("unknown-extension" if x not in state["stations"] else
                 "unknown-agent" if a not in state["skills"] else'''),
    ("E1 dispatches before saying logged-in",
     '''            send("ecs", "cvct", "logged-in", agent=a, extension=x)
            available(a)''',
     '''            available(a)
            send("ecs", "cvct", "logged-in", agent=a, extension=x)'''),
    ("E2 sends no offered", '            progress(s, "offered", vdn=v)\n', ''),
    ("E2 picks the least idle agent", 'deliver(s, min(free)[1])', 'deliver(s, max(free)[1])'),
    ("E2 queues latest first", 'state["queue"].sort(key=lambda q: state["sessions"][q]["seq"])',
     'state["queue"].sort(key=lambda q: -state["sessions"][q]["seq"])'),
    ("E9 does not dispatch", '    for s in state["queue"]:\n        if state["sessions"][s]["skill"] in state["skills"][a]:',
     '    for s in []:\n        if state["sessions"][s]["skill"] in state["skills"][a]:'),
    ("E9 dispatches the latest queued session", '    for s in state["queue"]:\n        if state["sessions"][s]["skill"]',
     '    for s in reversed(state["queue"]):\n        if state["sessions"][s]["skill"]'),
    ("most idle counted from login only", 'rec["busy"], rec["since"] = None, tick()',
     'rec["busy"], rec["since"] = None, (rec["since"] or tick())'),
    ("E3 answers a connected extension again", 'elif kind == "answer" and busy and busy[0] == "alerting":',
     'elif kind == "answer" and busy:'),
    ("E4 drops an alerting session on hang-up", 'elif kind == "hangup" and busy and busy[0] == "connected":',
     'elif kind == "hangup" and busy:'),
    ("E5 does not clear the phone", '        send("ecs", "phone", "clear", session=busy[1], extension=x)\n        progress(busy[1], "dropped", extension=x, by="request")',
     '        progress(busy[1], "dropped", extension=x, by="request")'),
    ("E5 reports a requested drop as by phone", 'progress(busy[1], "dropped", extension=x, by="request")',
     'progress(busy[1], "dropped", extension=x, by="phone")'),
    ("E7 answers the feature at an extension with no agent",
     'elif kind == "logout-feature" and rec and busy is None:',
     'elif kind == "logout-feature" and not rec:\n        send("ecs", "cvct", "logged-out", agent="0", extension=x, by="phone")\n    elif kind == "logout-feature" and rec and busy is None:'),
    ("ids compared as numbers", 'a, x = p.get("agent"), p.get("extension")',
     'a, x = p.get("agent"), p.get("extension")\n    a = next((k for k in state["skills"] if a and k.isdigit() and a.isdigit() and int(k) == int(a)), a)'),
]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", ".build", "debug", "cvconform")
    source = open(SOURCE, encoding="utf-8").read()
    survivors = 0
    with tempfile.TemporaryDirectory() as folder:
        for name, old, new in MUTANTS:
            if old not in source:
                sys.exit(f"mutant '{name}': its text is no longer in {SOURCE}")
            path = os.path.join(folder, "mutant.py")
            with open(path, "w", encoding="utf-8") as out:
                out.write(source.replace(old, new, 1))
            run = subprocess.run(
                [binary, "run", os.path.join(HERE, "..", "traces"), "--exec", f"python3 {path}",
                 "--quiet-period", "0.02", "--timeout", "1", "--jobs", "2", "--quiet"],
                capture_output=True, text=True)
            failing = [line.split()[1] for line in run.stdout.splitlines() if line.startswith(("FAIL", "ERROR"))]
            if run.returncode == 0:
                survivors += 1
                print(f"SURVIVES  {name}")
            else:
                shown = ", ".join(failing[:3]) + (f" and {len(failing) - 3} more" if len(failing) > 3 else "")
                print(f"caught    {name}: {shown}")
    print(f"{len(MUTANTS) - survivors} caught, {survivors} survive")
    sys.exit(1 if survivors else 0)


if __name__ == "__main__":
    main()
