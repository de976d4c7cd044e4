#!/usr/bin/env python3
"""Writes a long `pass` trace for benchmarks: agents log in, then sessions
are launched, answered and ended (by hang-up or by an ACW release) in turn.

    Scripts/generate-trace.py MESSAGES OUTPUT.xml

The trace is accepted by the reference model; its owed messages stay bounded,
so validating it needs constant memory however long it is."""
import sys

AGENTS = [("1001", "4001"), ("1002", "4002"), ("1003", "4003"), ("1004", "4004")]


def msg(frm, to, typ, **params):
    attributes = "".join(f' {k}="{v}"' for k, v in params.items())
    return f'  <msg from="{frm}" to="{to}" type="{typ}"{attributes}/>\n'


def login(agent, ext):
    return [
        msg("browser", "icm", "login", agent=agent, extension=ext),
        msg("icm", "cvct", "login-request", agent=agent, extension=ext),
        msg("cvct", "ecs", "asai-login", agent=agent, extension=ext),
        msg("ecs", "cvct", "logged-in", agent=agent, extension=ext),
        msg("cvct", "icm", "login-confirmed", agent=agent, extension=ext),
        msg("icm", "browser", "acw-open", agent=agent),
    ]


def session(number, agent, ext):
    s = f"s{number}"
    media = "realtime" if number % 2 == 0 else "messaging"
    lines = [
        msg("customer", "icm", "session-request", session=s, media=media, vdn="5000"),
        msg("icm", "ecs", "launch", session=s, vdn="5000", media=media),
        msg("ecs", "cvct", "progress", session=s, state="offered", vdn="5000"),
        msg("ecs", "phone", "alert", session=s, extension=ext),
        msg("ecs", "cvct", "progress", session=s, state="alerting", extension=ext),
        msg("phone", "ecs", "answer", extension=ext),
        msg("ecs", "cvct", "progress", session=s, state="answered", extension=ext),
        msg("cvct", "icm", "answered", session=s, extension=ext),
        msg("icm", "browser", "connect", agent=agent, session=s),
    ]
    if number % 3 == 0:
        lines += [
            msg("phone", "ecs", "hangup", extension=ext),
            msg("ecs", "cvct", "progress", session=s, state="dropped", extension=ext, by="phone"),
            msg("cvct", "icm", "dropped", session=s),
            msg("icm", "browser", "disconnect", agent=agent, session=s, reason="hangup"),
        ]
    else:
        button, reason = ("drop", "dropped") if media == "realtime" else ("close", "closed")
        lines += [
            msg("browser", "icm", "release", agent=agent, session=s, button=button),
            msg("icm", "cvct", "drop-request", session=s, extension=ext),
            msg("icm", "browser", "disconnect", agent=agent, session=s, reason=reason),
            msg("cvct", "ecs", "asai-drop", session=s, extension=ext),
            msg("ecs", "phone", "clear", session=s, extension=ext),
            msg("ecs", "cvct", "progress", session=s, state="dropped", extension=ext, by="request"),
        ]
    return lines


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    wanted = int(sys.argv[1])
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<trace xmlns="urn:cvconform:trace:1" id="generated-{wanted}" profile="core" expect="pass">\n')
        out.write("  <setup>\n")
        for agent, ext in AGENTS:
            out.write(f'    <agent id="{agent}" skills="10"/>\n    <station extension="{ext}"/>\n')
        out.write('    <vdn number="5000" skill="10"/>\n  </setup>\n')
        written = 0
        for agent, ext in AGENTS:
            for line in login(agent, ext):
                out.write(line)
                written += 1
        number = 0
        # Sessions go to the most idle agent, which rotates through the list.
        while written < wanted:
            agent, ext = AGENTS[number % len(AGENTS)]
            for line in session(number, agent, ext):
                out.write(line)
                written += 1
            number += 1
        out.write("</trace>\n")


if __name__ == "__main__":
    main()
