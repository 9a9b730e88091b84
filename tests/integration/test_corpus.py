#!/usr/bin/python3
"""The corpus of malformed baselines and configs (tests/corpus/), each
run through the real `driftwatchd validate`: its exit code and every
line it prints on stderr must be exactly those of its .expect file.

tests/corpus/baseline/NN-name.json is validated through a config that
names it; tests/corpus/config/NN-name.conf is validated as the config
(its baseline, when it names one, is beside it).  Paths in the output
are shown relative to the corpus file's directory.

A .expect file holds "# comment" lines, one "exit N" line, then the
expected stderr lines in order; "{...}" in a line matches any text (for
the lists of known keys, which grow with every check family).

DW_CORPUS_REGEN=1 rewrites each .expect from what validate says now,
keeping its comments, for a person to review with git diff."""
import glob
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import command  # noqa: E402

TOP = os.environ.get("DW_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CORPUS = os.path.join(TOP, "tests", "corpus")
REGEN = os.environ.get("DW_CORPUS_REGEN") == "1"
MIN_ITEMS = 30


def clean_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")
           and k != "CREDENTIALS_DIRECTORY"}
    env["HOME"] = home
    return env


def read_expect(path):
    comments, code, lines = [], None, []
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if code is None and line.startswith("#"):
                comments.append(line)
            elif code is None and line.startswith("exit "):
                code = int(line[5:])
            elif code is not None:
                lines.append(line)
            elif line.strip():
                raise ValueError("%s: expected \"exit N\" before %r" %
                                 (path, line))
    if code is None:
        raise ValueError("%s: no \"exit N\" line" % path)
    return comments, code, lines


def line_matches(want, got):
    if "{...}" not in want:
        return want == got
    pattern = ".*?".join(re.escape(p) for p in want.split("{...}"))
    return re.fullmatch(pattern, got) is not None


class Corpus(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("corpus")
        cls.home = os.path.join(cls.work, "home")
        os.makedirs(cls.home)

    def validate(self, item):
        kind = os.path.basename(os.path.dirname(item))
        if kind == "baseline":
            conf = os.path.join(self.work, "driftwatchd.conf")
            with open(conf, "w") as f:
                f.write("[daemon]\nbaseline = %s\nstate_directory = %s\n" %
                        (item, self.work))
        else:
            conf = item
        r = subprocess.run(command() + ["-c", conf, "validate"],
                           capture_output=True, timeout=60,
                           stdin=subprocess.DEVNULL, env=clean_env(self.home))
        err = r.stderr.decode("utf-8", "backslashreplace")
        err = err.replace(os.path.dirname(item) + "/", "")
        return r.returncode, err.splitlines()

    def check_item(self, item):
        expect = os.path.splitext(item)[0] + ".expect"
        code, got = self.validate(item)
        if REGEN:
            comments = read_expect(expect)[0] if os.path.exists(expect) \
                else ["# " + os.path.basename(item)]
            with open(expect, "w", encoding="utf-8") as f:
                f.write("\n".join(comments + ["exit %d" % code] + got) +
                        "\n")
            return
        self.assertTrue(os.path.exists(expect), "no " + expect)
        _, want_code, want = read_expect(expect)
        shown = "\n".join(got)
        self.assertEqual(code, want_code, shown)
        self.assertEqual(len(got), len(want), "lines:\n" + shown)
        for w, g in zip(want, got):
            self.assertTrue(line_matches(w, g), "\nwant: %s\ngot:  %s" % (w, g))

    def items(self):
        return sorted(glob.glob(os.path.join(CORPUS, "baseline", "*.json")) +
                      glob.glob(os.path.join(CORPUS, "config", "*.conf")))

    def test_corpus_is_large_enough(self):
        items = self.items()
        self.assertGreaterEqual(len(items), MIN_ITEMS)
        for kind in ("baseline", "config"):
            self.assertTrue(any("/%s/" % kind in i for i in items), kind)

    def test_check_and_run_report_every_error_too(self):
        """The daemon's start and `check` read the files as validate
        does: every error of both files, not just the first."""
        item = os.path.join(CORPUS, "config", "28-baseline-file-errors.conf")
        _, _, want = read_expect(os.path.splitext(item)[0] + ".expect")
        for mode in ("check", "run"):
            r = subprocess.run(command() + ["-c", item, mode],
                               capture_output=True, text=True, timeout=60,
                               stdin=subprocess.DEVNULL,
                               env=clean_env(self.home))
            self.assertEqual(r.returncode, 78, mode + ": " + r.stderr)
            err = r.stderr.replace(os.path.dirname(item) + "/", "")
            got = err.splitlines()  # the first behind the log's prefix
            # a short message buffer counts what it cannot hold
            more = sum(int(m.group(1)) for m in (
                re.search(r": (\d+) more error\(s\)$", g) for g in got) if m)
            found = [w for w in want
                     if any(line_matches("{...}" + w, g) for g in got)]
            self.assertIn(want[0], found, mode + ":\n" + err)
            self.assertTrue(any(w.startswith("../baseline/") for w in found),
                            mode + ": the baseline's errors too:\n" + err)
            self.assertEqual(len(found) + more, len(want),
                             "%s: every error shown or counted:\n%s" %
                             (mode, err))

    def test_every_file_is_distributed(self):
        with open(os.path.join(CORPUS, "corpus.am")) as f:
            listed = set(re.findall(r"tests/corpus/(\S+)", f.read()))
        for p in glob.glob(os.path.join(CORPUS, "*", "*")):
            rel = os.path.relpath(p, CORPUS)
            self.assertIn(rel, listed, "add it to tests/corpus/corpus.am")

    def test_every_expect_has_its_input(self):
        for e in glob.glob(os.path.join(CORPUS, "*", "*.expect")):
            base = os.path.splitext(e)[0]
            self.assertTrue(os.path.exists(base + ".json") or
                            os.path.exists(base + ".conf"), e)


def _add(item):
    name = "test_%s_%s" % (os.path.basename(os.path.dirname(item)),
                           re.sub(r"\W", "_", os.path.splitext(
                               os.path.basename(item))[0]))
    setattr(Corpus, name, lambda self: self.check_item(item))


for _item in Corpus.items(None):
    _add(_item)


if __name__ == "__main__":
    dwtest.tap_main()
