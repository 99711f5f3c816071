#!/usr/bin/env python3
"""
A stand-in for metaeditor64.exe: `/compile:<file.mq5> /log:<file>`, nothing else. It checks the
argument forms, "compiles" by writing <file>.ex5 unless the source has a `#error` line or no
OnTick/OnInit, and writes MetaEditor's UTF-16 log with its "Result: N errors, M warnings" line.
Exit status 1 on errors, as builds of MetaEditor sometimes do (the bridge must not rely on it).
"""
import os
import sys

args = sys.argv[1:]
if len(args) != 2 or not args[0].startswith("/compile:") or not args[1].startswith("/log:"):
    print(f"metaeditor: bad arguments {args!r}", file=sys.stderr)
    sys.exit(2)
source, log = args[0][len("/compile:"):], args[1][len("/log:"):]
if not source.endswith(".mq5") or not os.path.isabs(source) or not os.path.isfile(source):
    print(f"metaeditor: not an absolute path to an .mq5 file: {source}", file=sys.stderr)
    sys.exit(2)
if os.environ.get("FAKE_METAEDITOR_MODE") == "hang":
    import time
    time.sleep(60)
with open(source, "rb") as handle:
    raw = handle.read()
if not raw.startswith(b"\xef\xbb\xbf"):
    print("metaeditor: the source must be UTF-8 with a BOM", file=sys.stderr)
    sys.exit(2)
text = raw.decode("utf-8-sig")
errors = []
if "#error" in text:
    errors.append(f"{os.path.basename(source)}(1,1) : error 149: '#error' directive")
if "OnTick" not in text and "OnInit" not in text:
    errors.append(f"{os.path.basename(source)}(1,1) : error 209: no OnTick or OnInit: not an Expert Advisor")
lines = [f"{os.path.basename(source)} : information: compiling '{os.path.basename(source)}'", *errors,
         f"Result: {len(errors)} errors, 0 warnings, 123 msec elapsed"]
with open(log, "w", encoding="utf-16") as handle:
    handle.write("\r\n".join(lines) + "\r\n")
if not errors:
    with open(source[:-4] + ".ex5", "wb") as handle:
        handle.write(b"EX5\x00" + text.encode("utf-8")[:64])
sys.exit(1 if errors else 0)
