"""Compare `pip freeze` (on standard input) with the pins of a lock file.

Used by `scripts/test.sh --latest` to say where the newest releases differ from
requirements/test.txt: the drift that `scripts/lock.sh --upgrade` would take in.
"""

import re
import sys

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def pins(lines):
    for line in lines:
        match = PIN.match(line)
        if match:
            yield re.sub(r"[-_.]+", "-", match[1]).lower(), match[2]


def main(lock: str) -> None:
    with open(lock, encoding="utf-8") as file:
        locked = dict(pins(file))
    drift = [
        f"    {name}: locked {locked.get(name, 'not at all')}, newest {version}"
        for name, version in pins(sys.stdin)
        if locked.get(name) != version
    ]
    if drift:
        print(f"--latest: the newest releases differ from {lock} in:")
        print("\n".join(drift))
    else:
        print(f"--latest: the newest releases are the ones {lock} pins")


if __name__ == "__main__":
    main(sys.argv[1])
