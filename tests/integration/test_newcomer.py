#!/usr/bin/python3
"""The path a new user walks, as the README tells it: make install, the
copy step into the config directory, the default paths under configure's
--sysconfdir, validate, the region from the environment or the profile,
the first credentials error, the example config's sink names, and
tools/demo.sh after configuring in the source tree.  Each was found
broken once."""
import glob
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import command  # noqa: E402

TOP = os.environ.get("DW_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SYSCONFDIR = os.environ.get("DW_SYSCONFDIR", "")
BUILDDIR = os.environ.get("DW_BUILDDIR", "")
AWS_VARS = ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
            "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL", "CREDENTIALS_DIRECTORY",
            "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN")


def clean_env(home, **extra):
    env = {k: v for k, v in os.environ.items() if k not in AWS_VARS}
    env["HOME"] = home
    env.update(extra)
    return env


def run(args, env, binary=None):
    argv = [binary] if binary else command()
    return subprocess.run(argv + list(args), capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, env=env)


class Base(unittest.TestCase):
    def setUp(self):
        self.work = dwtest.workdir("newcomer")
        self.home = os.path.join(self.work, "home")
        os.makedirs(self.home)
        self.baseline = os.path.join(self.work, "baseline.json")
        with open(self.baseline, "w") as f:
            f.write('{"version": 1}\n')

    def conf(self, text, name="driftwatchd.conf"):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            f.write(text)
        return path


class Sysconfdir(Base):
    def setUp(self):
        super().setUp()
        if not SYSCONFDIR:
            self.skipTest("DW_SYSCONFDIR unset (run by make check)")

    def test_help_names_the_configured_config_path(self):
        r = run(["--help"], clean_env(self.home))
        self.assertEqual(r.returncode, 0)
        self.assertIn(SYSCONFDIR + "/driftwatch/driftwatchd.conf", r.stdout)

    def test_default_baseline_is_under_sysconfdir(self):
        conf = self.conf("[daemon]\n")
        r = run(["-c", conf, "validate"], clean_env(self.home))
        self.assertIn(SYSCONFDIR + "/driftwatch/baseline.json",
                      r.stdout + r.stderr)


class MakeInstall(Base):
    """make install DESTDIR=..., then the README's two cp lines."""

    def setUp(self):
        super().setUp()
        if not BUILDDIR or not os.path.exists(
                os.path.join(BUILDDIR, "Makefile")):
            self.skipTest("no build directory (run by make check)")

    def test_install_creates_the_config_dir_and_the_copy_works(self):
        dest = os.path.join(self.work, "dest")
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        r = subprocess.run(["make", "-s", "-C", BUILDDIR, "install",
                            "DESTDIR=" + dest], capture_output=True,
                           text=True, timeout=600, env=env,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        etc = dest + SYSCONFDIR + "/driftwatch"
        self.assertTrue(os.path.isdir(etc), "make install made " + etc)
        examples = glob.glob(os.path.join(dest, "**", "doc", "driftwatch",
                                          "examples"), recursive=True)
        self.assertEqual(len(examples), 1, examples)
        for name in ("driftwatchd.conf", "baseline.json"):
            shutil.copy(os.path.join(examples[0], name), etc)
        daemon = glob.glob(os.path.join(dest, "**", "sbin", "driftwatchd"),
                           recursive=True)
        self.assertEqual(len(daemon), 1, daemon)
        # the copied example config is valid as it is
        r = run(["-c", os.path.join(etc, "driftwatchd.conf"), "validate"],
                clean_env(self.home), binary=daemon[0])
        self.assertNotIn("driftwatchd.conf:", r.stderr)
        # and the copied baseline too
        conf = self.conf("[daemon]\nbaseline = %s\n" %
                         os.path.join(etc, "baseline.json"))
        r = run(["-c", conf, "validate"], clean_env(self.home),
                binary=daemon[0])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class Region(Base):
    """[aws] region > AWS_REGION > AWS_DEFAULT_REGION > the profile's."""

    def region(self, conf_text, **env):
        conf = self.conf("[daemon]\nbaseline = %s\n%s" %
                         (self.baseline, conf_text))
        r = run(["-c", conf, "validate"], clean_env(self.home, **env))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        m = re.search(r"region (\S+), from (.+)\)", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        return m.group(1), m.group(2)

    def setUp(self):
        super().setUp()
        self.awsconf = os.path.join(self.work, "aws-config")
        with open(self.awsconf, "w") as f:
            f.write("[default]\nregion = ap-south-1\n"
                    "[profile ops]\nregion = ca-central-1\n")

    def test_order(self):
        both = {"AWS_REGION": "eu-north-1", "AWS_DEFAULT_REGION": "eu-west-3",
                "AWS_CONFIG_FILE": self.awsconf}
        r, src = self.region("[aws]\nregion = eu-west-1\n", **both)
        self.assertEqual((r, src[-2:]), ("eu-west-1", ":4"))
        self.assertEqual(self.region("", **both), ("eu-north-1", "AWS_REGION"))
        del both["AWS_REGION"]
        self.assertEqual(self.region("", **both),
                         ("eu-west-3", "AWS_DEFAULT_REGION"))
        del both["AWS_DEFAULT_REGION"]
        self.assertEqual(self.region("", **both),
                         ("ap-south-1", "profile default in " + self.awsconf))
        self.assertEqual(self.region("", AWS_CONFIG_FILE=self.awsconf,
                                     AWS_PROFILE="ops"),
                         ("ca-central-1", "profile ops in " + self.awsconf))
        self.assertEqual(self.region(""), ("us-east-1", "the default"))

    def test_profile_in_home(self):
        os.makedirs(os.path.join(self.home, ".aws"))
        shutil.copy(self.awsconf, os.path.join(self.home, ".aws", "config"))
        r, _ = self.region("")
        self.assertEqual(r, "ap-south-1")

    def test_bad_env_region_is_an_error(self):
        conf = self.conf("[daemon]\nbaseline = %s\n" % self.baseline)
        r = run(["-c", conf, "validate"],
                clean_env(self.home, AWS_REGION="narnia"))
        self.assertEqual(r.returncode, 78)
        self.assertIn("AWS_REGION in the environment: expected a region "
                      "name", r.stderr)


class Credentials(Base):
    def test_missing_files_are_named(self):
        conf = self.conf("[daemon]\nbaseline = %s\nstate_directory = %s\n"
                         "[aws]\nendpoint_url = https://127.0.0.1:9\n" %
                         (self.baseline, self.work))
        r = run(["-c", conf, "check"], clean_env(self.home))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(os.path.join(self.home, ".aws", "credentials") +
                      " (no such file)", r.stderr)


class SinkNames(Base):
    """The example config's comment and the parser agree on sink names."""

    def charset(self):
        with open(os.path.join(TOP, "etc", "driftwatchd.conf")) as f:
            text = f.read().replace("\n# ", " ")
        m = re.search(r"NAME being 1 to 64\s+of (.*?),", text)
        self.assertIsNotNone(m)
        return m.group(1).split()

    def validate(self, name):
        conf = self.conf("[daemon]\nbaseline = %s\n[sink %s]\ntype = webhook"
                         "\nurl = https://hooks.example.com/x\n" %
                         (self.baseline, name))
        return run(["-c", conf, "validate"], clean_env(self.home))

    def test_every_documented_character_is_accepted(self):
        for tok in self.charset():
            ch = tok[0]
            r = self.validate("s" + ch + "1")
            self.assertEqual(r.returncode, 0, "%r: %s" % (ch, r.stderr))

    def test_a_dot_is_refused_as_documented(self):
        self.assertNotIn(".", self.charset())
        r = self.validate("ops.slack")
        self.assertEqual(r.returncode, 78)
        self.assertIn("expected [sink NAME], NAME being 1 to 64 of "
                      "A-Z a-z 0-9 _ -", r.stderr)


class Demo(Base):
    """tools/demo.sh in a tree configured in place: it builds there, and
    a failed step names a log that exists."""

    def tree(self, configured, configure_ok=True):
        t = os.path.join(self.work, "tree")
        os.makedirs(os.path.join(t, "tools"))
        os.makedirs(os.path.join(t, "src"))
        os.makedirs(os.path.join(t, "include"))
        shutil.copy(os.path.join(TOP, "tools", "demo.sh"),
                    os.path.join(t, "tools"))
        stubs = {
            "tools/install-deps.sh": "#!/bin/sh\nexit 0\n",
            "tools/demo.py": "import sys\nprint('DEMO', sys.argv[1])\n",
            "configure": "#!/bin/sh\n%s\n" % (
                "printf 'all:\\n\\ttrue\\ndriftwatchd:\\n\\tprintf "
                "\"#!/bin/sh\\\\n\" > driftwatchd; chmod +x driftwatchd\\n' "
                "> Makefile" if configure_ok else
                "echo 'configure: error: something is missing' >&2; exit 1"),
        }
        if configured:
            stubs["config.status"] = "#!/bin/sh\n"
            stubs["Makefile"] = ("driftwatchd:\n\tprintf '#!/bin/sh\\n' > "
                                 "driftwatchd; chmod +x driftwatchd\n")
        for name, text in stubs.items():
            p = os.path.join(t, name)
            with open(p, "w") as f:
                f.write(text)
            os.chmod(p, 0o755)
        return t

    def demo(self, t):
        return subprocess.run(["sh", os.path.join(t, "tools", "demo.sh")],
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)

    def test_configured_in_tree_builds_in_tree(self):
        t = self.tree(configured=True)
        r = self.demo(t)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("DEMO %s/driftwatchd" % t, r.stdout)
        self.assertFalse(os.path.exists(os.path.join(t, "_build")))

    def test_out_of_tree_by_default(self):
        t = self.tree(configured=False)
        r = self.demo(t)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("DEMO %s/_build/demo/driftwatchd" % t, r.stdout)

    def test_a_failed_configure_names_its_log(self):
        t = self.tree(configured=False, configure_ok=False)
        r = self.demo(t)
        self.assertNotEqual(r.returncode, 0)
        m = re.search(r"see (\S+)", r.stderr)
        self.assertIsNotNone(m, r.stderr)
        self.assertTrue(os.path.exists(m.group(1)), m.group(1))
        with open(m.group(1)) as f:
            self.assertIn("something is missing", f.read())


if __name__ == "__main__":
    dwtest.tap_main()
