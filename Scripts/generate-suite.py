#!/usr/bin/env python3
"""Writes a suite of many small `pass` traces for benchmarks.

    Scripts/generate-suite.py COUNT MESSAGES FOLDER

Each trace is like Scripts/generate-trace.py's, cut to about MESSAGES
messages at a quiet point, with its own id."""
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("generate_trace", os.path.join(here, "generate-trace.py"))
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)


def trace(index, wanted):
    agents = gen.AGENTS[:2]
    lines = []
    for agent, ext in agents:
        lines += gen.login(agent, ext)
    number = 0
    while len(lines) < wanted:
        agent, ext = agents[number % len(agents)]
        lines += gen.session(number, agent, ext)
        number += 1
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<trace xmlns="urn:cvconform:trace:1" id="bench-{index:05d}" profile="core" expect="pass">\n',
        "  <tag>bench</tag>\n  <setup>\n",
    ]
    for agent, ext in agents:
        head.append(f'    <agent id="{agent}" skills="10"/>\n    <station extension="{ext}"/>\n')
    head.append('    <vdn number="5000" skill="10"/>\n  </setup>\n')
    return "".join(head + lines + ["</trace>\n"])


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    count, wanted, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(folder, exist_ok=True)
    for index in range(count):
        with open(os.path.join(folder, f"bench-{index:05d}.xml"), "w", encoding="utf-8") as out:
            out.write(trace(index, wanted))


if __name__ == "__main__":
    main()
