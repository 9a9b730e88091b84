#!/usr/bin/python3
"""The journal catalog and the MESSAGE_IDs agree, both ways.

Every MSGID_* defined in include/driftwatch/msgid.h is used by the
sources and has an entry in systemd/driftwatch.catalog (shown by
`journalctl -x`), and every catalog entry is for an id the header
defines, so no entry explains a message nothing sends; driftwatchd(8)
lists every id for `journalctl MESSAGE_ID=...` and no other.  Read from
the files themselves, not from a list kept here."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
HEADER = os.path.join(TOP, "include", "driftwatch", "msgid.h")
CATALOG = os.path.join(TOP, "systemd", "driftwatch.catalog")
MANPAGE = os.path.join(TOP, "man", "driftwatchd.8")
DEFINE = re.compile(r'^#define\s+(MSGID_\w+)\s+"([^"]*)"\s*$', re.M)
# an entry starts "-- ID" or "-- ID LANG" (systemd's catalog format)
ENTRY = re.compile(r"^-- (\S+)(?: (\S+))?\s*$")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def strip_comments(c):
    """C source without its comments and string contents, so a name in a
    comment is not a use."""
    c = re.sub(r"/\*.*?\*/", " ", c, flags=re.S)
    return re.sub(r"//[^\n]*", " ", c)


def header_ids():
    return DEFINE.findall(read(HEADER))


def sources():
    files = glob.glob(os.path.join(TOP, "src", "*.[ch]"))
    files += glob.glob(os.path.join(TOP, "include", "driftwatch", "*.h"))
    return sorted(f for f in files if os.path.abspath(f) != HEADER)


def uses():
    """MSGID_* name -> the files that use it."""
    found = {}
    for f in sources():
        for name in re.findall(r"\bMSGID_\w+", strip_comments(read(f))):
            found.setdefault(name, set()).add(os.path.relpath(f, TOP))
    return found


def catalog():
    """[(id, lang, {header: value}, body)] in file order."""
    entries, cur = [], None
    for line in read(CATALOG).splitlines():
        m = ENTRY.match(line)
        if m:
            cur = [m.group(1), m.group(2), {}, [], True]
            entries.append(cur)
            continue
        if cur is None:
            continue
        if cur[4] and line.strip() == "":
            cur[4] = False
        elif cur[4]:
            k, _, v = line.partition(":")
            cur[2][k.strip()] = v.strip()
        else:
            cur[3].append(line)
    return [(i, lang, h, "\n".join(b)) for i, lang, h, b, _ in entries]


def sent_fields():
    """Every KEY a log call can send: the string literals that look like
    journal field names in the sources."""
    out = set()
    for f in sources():
        out.update(re.findall(r'"([A-Z][A-Z0-9_]+)"', read(f)))
    return out


class Catalog(unittest.TestCase):
    def test_header_ids_are_ids(self):
        ids = header_ids()
        self.assertGreater(len(ids), 5)
        for name, i in ids:
            self.assertRegex(i, r"^[0-9a-f]{32}$", name)
        self.assertEqual(len({i for _, i in ids}), len(ids),
                         "two MSGIDs share an id")
        self.assertEqual(len({n for n, _ in ids}), len(ids))

    def test_every_header_id_is_used(self):
        used = uses()
        unused = [n for n, _ in header_ids() if n not in used]
        self.assertEqual(unused, [], "defined in msgid.h, sent by nothing")

    def test_every_use_is_defined(self):
        defined = {n for n, _ in header_ids()}
        stray = {n: sorted(f) for n, f in uses().items() if n not in defined}
        self.assertEqual(stray, {}, "used but not in msgid.h")

    def test_every_header_id_has_an_entry(self):
        have = {i for i, _, _, _ in catalog()}
        missing = [n for n, i in header_ids() if i not in have]
        self.assertEqual(missing, [], "no catalog entry")

    def test_every_entry_is_a_header_id(self):
        known = {i for _, i in header_ids()}
        extra = [i for i, _, _, _ in catalog() if i not in known]
        self.assertEqual(extra, [], "catalog entries for no MSGID")

    def test_entries_are_complete(self):
        seen = set()
        for i, lang, h, body in catalog():
            key = (i, lang)
            self.assertNotIn(key, seen, "entry %s twice" % i)
            seen.add(key)
            self.assertTrue(h.get("Subject"), i)
            self.assertEqual(h.get("Defined-By"), "driftwatch", i)
            self.assertIn("man:driftwatchd(8)", h.get("Documentation", ""),
                          i)
            self.assertTrue(body.strip(), "entry %s has no text" % i)

    def test_placeholders_are_fields_sent(self):
        """journalctl -x fills @FIELD@ from the entry: a field nothing
        sends would show as an empty gap."""
        sent = sent_fields()
        for i, _, h, body in catalog():
            for f in re.findall(r"@([A-Za-z0-9_]+)@", h["Subject"] + body):
                self.assertTrue(f in sent, "entry %s: @%s@ is sent by no "
                                "log call" % (i, f))

    def test_man_page_lists_every_id(self):
        """REVIEWING THE LOG gives the id of each kind of message."""
        man = read(MANPAGE)
        sect = man[man.index(".Sh REVIEWING THE LOG"):]
        sect = sect[:sect.index("\n.Sh ", 1)]
        listed = re.findall(r"^\.It Li ([0-9a-f]{32})$", sect, re.M)
        self.assertEqual(sorted(listed), sorted(i for _, i in header_ids()))
        for i in re.findall(r"\b[0-9a-f]{32}\b", man):
            self.assertIn(i, listed, "driftwatchd(8) names an unknown id")

    @unittest.skipIf(shutil.which("journalctl") is None, "no journalctl")
    def test_journalctl_reads_it(self):
        """systemd's own parser: the catalog compiled into a database
        under a scratch root (never the system's) lists every id with
        its subject."""
        base = os.environ.get("DW_TEST_TMPDIR") or None
        if base:
            os.makedirs(base, exist_ok=True)
        root = tempfile.mkdtemp(prefix="dw-catalog-", dir=base)
        try:
            d = os.path.join(root, "usr", "lib", "systemd", "catalog")
            os.makedirs(d)
            shutil.copy(CATALOG, d)
            r = subprocess.run(["journalctl", "--root=" + root,
                                "--update-catalog"], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr, "", "journalctl complained")
            r = subprocess.run(["journalctl", "--root=" + root,
                                "--list-catalog"], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            listed = dict(ln.split(" ", 1) for ln in r.stdout.splitlines()
                          if ln.strip())
            subjects = {i: h["Subject"] for i, _, h, _ in catalog()}
            for name, i in header_ids():
                self.assertEqual(listed.get(i), "driftwatch: " + subjects[i],
                                 name)
            self.assertEqual(len(listed), len(header_ids()))
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    dwtest.tap_main()
