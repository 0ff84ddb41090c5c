"""The chaos suite (`make chaos`, docs/faults.md): a real Kafka, a steady feed of orders, and faults
injected into a running pipeline — kill -9 of `jsm run` at random points (one process, and one
process per stage), kill -9 during maintenance commands (optimize, checkpoint, vacuum while the
stages run; backfill, full refresh, restore and erase once they have stopped), broker restarts
under static and dynamic membership, SIGSTOP/SIGCONT, a full disk (a small tmpfs, as root) —
then one `jsm run --available-now` and the checks: bronze against the topic offset by offset (value
bytes too), silver against the distinct input, gold against a recomputation from silver, and
delta-rs reading every version of every table. Prints faults injected, rows lost, rows duplicated,
tables unreadable, runs that hung or exited 0 while stuck, and recovery times; exits 1 if any
check fails.

    JSM_BIN=build/jsm .venv/bin/python tests/chaos/chaos.py --kills 100 [--brokers 3] [--seed 7]
"""

import argparse
import collections
import json
import os
import pathlib
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: conftest and the e2e helpers

import deltalake  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from conftest import JSM  # noqa: E402
from e2e import order_reference  # noqa: E402
from e2e.exact_messages import read_topic_exact  # noqa: E402
from e2e.kafka_fixture import start_real_kafka  # noqa: E402
from e2e.test_real_kafka import write_synthetic_csv  # noqa: E402

TOPIC = "chaos"
TABLES = ("bronze/pedidos", "silver/pedidos", "silver/pedidos_quarantine", "gold/daily_sales",
          "gold/product_performance", "gold/country_summary", "gold/customer_rfm", "gold/monthly_kpis",
          "_system/event_log")
STAGES = ("ingest", "refine", "aggregate")


class Chaos:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.rng = random.Random(args.seed)
        self.lake = work / "lakehouse"
        self.config = work / "pipeline.toml"
        # Small batches, so that a kill lands between commits and inside them.
        settings = ('[ingest]\ncommit_messages = 3000\ncommit_interval_ms = 200\n'
                    '[refine]\nmax_rows = 6000\n')
        self.config.write_text('[kafka]\ngroup_id = "chaos"\n' + settings)
        # The same pipeline as a dynamic member of its group (no group.instance.id).
        self.dynamic_config = work / "pipeline-dynamic.toml"
        self.dynamic_config.write_text('[kafka]\ngroup_id = "chaos"\nstatic_membership = false\n' + settings)
        self.erased = set()  # customers erased by the maintenance experiments
        self.erased_at = 0  # bronze's version after the last erasure
        self.faults = collections.Counter()
        self.recoveries = collections.defaultdict(list)  # fault -> seconds to recover from each
        self.problems = []
        self.logs = work / "logs"
        self.logs.mkdir()
        self.started = 0

    def jsm(self, *args, **kw):
        return subprocess.Popen([JSM, *map(str, args)], **kw)

    def start(self, *extra, name="run", config=None):
        self.started += 1
        log = open(self.logs / f"{self.started:04d}-{name}.log", "w")
        return self.jsm("run", "--config", config or self.config, "--bootstrap", self.kafka.bootstrap, "--topic",
                        TOPIC, "--lakehouse", self.lake, *extra, stdout=log, stderr=subprocess.STDOUT)

    def command_line(self, *args, lake=None):
        """`jsm ARGS` on the lakehouse; `run` gets the pipeline's settings, broker and topic."""
        if args[0] == "run":
            args = ("run", "--config", self.config, "--bootstrap", self.kafka.bootstrap, "--topic", TOPIC, *args[1:])
        return [JSM, *map(str, args), "--lakehouse", str(lake or self.lake)]

    def run_to_end(self, *args, lake=None, timeout=600):
        """One jsm command on the lakehouse to its end (no faults): the CompletedProcess."""
        return subprocess.run(self.command_line(*args, lake=lake), capture_output=True, text=True, timeout=timeout)

    def bronze_rows(self):
        try:
            return deltalake.DeltaTable(str(self.lake / "bronze/pedidos")).to_pyarrow_dataset().count_rows()
        except Exception:  # not there yet, or a commit being written
            return -1

    def wait_for_progress(self, before, proc, timeout=60):
        """Seconds until bronze grows past `before` (the feed keeps producing), or None."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            rows = self.bronze_rows()
            # New rows, or (the feed has ended) every message of the file in bronze: caught up.
            caught_up = self.feed.poll() is not None and rows >= self.args.orders
            if rows > before or caught_up:
                return time.monotonic() - started
            if proc is not None and proc.poll() is not None:
                return None
            time.sleep(0.1)
        return None

    def kill(self, proc):
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)

    def stop(self, proc, what):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                self.problems.append(f"{what} did not stop within 120 s of SIGTERM (stuck)")

    # --- experiments ------------------------------------------------------------------------

    def kills_of_one_process(self, count):
        proc = self.start()
        for _ in range(count):
            time.sleep(self.rng.uniform(0.3, 3.0))
            if proc.poll() is not None:
                self.problems.append(f"jsm run ended by itself with exit {proc.returncode} (see {self.logs})")
            self.kill(proc)
            self.faults["kill -9 of jsm run"] += 1
            before = self.bronze_rows()
            proc = self.start()
            took = self.wait_for_progress(before, proc)
            if took is None:
                self.problems.append("after a kill -9 the restarted jsm run made no progress within 60 s")
            else:
                self.recoveries["kill -9 of jsm run"].append(took)
        return proc

    def kills_per_stage(self, count):
        procs = {stage: self.start("--stage", stage, name=stage) for stage in STAGES}
        for _ in range(count):
            time.sleep(self.rng.uniform(0.3, 2.0))
            stage = self.rng.choice(STAGES)
            self.kill(procs[stage])
            self.faults[f"kill -9 of --stage {stage}"] += 1
            procs[stage] = self.start("--stage", stage, name=stage)
        return procs

    def kills_during_maintenance(self, count):
        """kill -9 of the maintenance commands that run beside the stages."""
        commands = [("table", "optimize", "silver/pedidos"), ("table", "checkpoint", "bronze/pedidos"),
                    ("table", "optimize", "gold/daily_sales"), ("table", "checkpoint", "silver/pedidos"),
                    ("table", "vacuum", "silver/pedidos"), ("table", "vacuum", "bronze/pedidos")]
        for _ in range(count):
            command = self.rng.choice(commands)
            proc = self.jsm(*command, "--lakehouse", self.lake, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(self.rng.uniform(0.0, 0.5))
            self.kill(proc)
            self.faults[f"kill -9 of jsm {' '.join(command[:2])}"] += 1

    def kills_of_offline_maintenance(self, count):
        """kill -9 of the commands that run with the stages stopped, each run again to its end after
        the kill: a backfill from a bronze version, a gold full refresh, a restore of a gold table
        (then the full refresh its refusal names), and the erasure of one customer."""
        kinds = ("backfill", "full refresh", "restore", "erase")
        for i in range(count):
            kind = kinds[i % len(kinds)]
            if kind == "backfill":
                # From a version no erasure follows (a backfill from before one is refused, by design).
                bronze = deltalake.DeltaTable(str(self.lake / "bronze/pedidos")).version()
                command = ("run", "--available-now", "--from-bronze-version",
                           self.rng.randrange(max(1, self.erased_at), bronze + 1))
                after = []
            elif kind == "full refresh":
                command = ("run", "--available-now", "--stage", "aggregate", "--full-refresh")
                after = []
            elif kind == "restore":
                gold = deltalake.DeltaTable(str(self.lake / "gold/daily_sales")).version()
                command = ("table", "restore", "gold/daily_sales", "--version", max(0, gold - 1), "--force")
                after = [("run", "--available-now", "--stage", "aggregate", "--full-refresh")]
            else:
                # Erasure expects the pipeline stopped and caught up (docs/privacy.md).
                self.run_to_end_or_flag("run", "--available-now", "--max-wait", "120")
                customer = self.pick_customer()
                command = ("erase", "--customer", customer)
                after = []
                self.erased.add(customer)
            proc = subprocess.Popen(self.command_line(*command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(self.rng.uniform(0.05, 1.5))
            self.kill(proc)
            self.faults[f"kill -9 of jsm {kind}"] += 1
            for again in [command, *after]:
                self.run_to_end_or_flag(*again, after=f"a kill -9 of {kind}")
            if kind == "erase":
                self.erased_at = deltalake.DeltaTable(str(self.lake / "bronze/pedidos")).version()

    def run_to_end_or_flag(self, *args, after=None):
        done = self.run_to_end(*args)
        if done.returncode != 0:
            self.problems.append((f"after {after}, " if after else "") + f"`jsm {' '.join(map(str, args))}` exited "
                                 f"{done.returncode}: {done.stderr[-1500:]}")

    def pick_customer(self):
        """A customer of silver not erased yet, with the most rows."""
        silver = deltalake.DeltaTable(str(self.lake / "silver/pedidos")).to_pyarrow_table(columns=["customer_no"])
        counts = collections.Counter(c for c in silver["customer_no"].to_pylist() if c and c not in self.erased)
        return counts.most_common(1)[0][0]

    def full_disk(self):
        """A lakehouse on a tmpfs too small for the topic: `--available-now` stops with exit 4 and
        resource_exhausted (not retried for ever); with room again the next run completes it.
        Returns the lakehouse to check, or None when tmpfs cannot be mounted (not root)."""
        mount = self.work / "fulldisk"
        mount.mkdir()
        if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                                               capture_output=True).returncode != 0:
            print("chaos: full disk skipped (mounting a tmpfs needs root)")
            return None
        self.mounted = mount
        lake = mount / "lakehouse"
        started = time.monotonic()
        full = self.run_to_end("run", "--available-now", "--max-wait", "60", lake=lake, timeout=300)
        took = time.monotonic() - started
        self.faults["full disk"] += 1
        if full.returncode != 4 or "resource_exhausted" not in full.stderr:
            self.problems.append(f"on a full disk --available-now exited {full.returncode} after {took:.0f} s, "
                                 f"not 4 with resource_exhausted: {full.stderr[-1500:]}")
        subprocess.run(["mount", "-o", "remount,size=512m", str(mount)], check=True)
        again = self.run_to_end("run", "--available-now", "--max-wait", "120", lake=lake)
        if again.returncode != 0:
            self.problems.append(f"with room again --available-now exited {again.returncode}: {again.stderr[-1500:]}")
        print(f"chaos: full disk: exit {full.returncode} after {took:.1f} s, then exit {again.returncode} with room")
        return lake

    def broker_restarts(self, count, proc):
        for _ in range(count):
            before = self.bronze_rows()
            self.kafka.stop_all(kill=self.rng.random() < 0.5)
            time.sleep(self.rng.uniform(2, 6))
            self.kafka.start_all()
            self.faults[f"broker restart ({self.membership})"] += 1
            if proc is not None:
                took = self.wait_for_progress(before, proc, timeout=180)
                if took is None:
                    self.problems.append("after a broker restart jsm run made no progress within 180 s "
                                         "(a dead client left idle?)")
                else:
                    self.recoveries[f"broker restart ({self.membership})"].append(took)

    def pauses(self, count, proc):
        for _ in range(count):
            time.sleep(self.rng.uniform(0.5, 2))
            proc.send_signal(signal.SIGSTOP)
            time.sleep(self.rng.uniform(1, 5))
            proc.send_signal(signal.SIGCONT)
            self.faults["SIGSTOP/SIGCONT"] += 1

    # --- checks ---------------------------------------------------------------------------

    def check(self, csv_path, lake, erased=()):
        """Every count of the report for one lakehouse; rows of `erased` customers are not expected."""
        topic = read_topic_exact(self.kafka.bootstrap, TOPIC)
        wanted = {coords: value for coords, _key, value, _headers in topic if customer_of(value) not in erased}
        erased_messages = len(topic) - len(wanted)
        bronze = deltalake.DeltaTable(str(lake / "bronze/pedidos")).to_pyarrow_table(
            columns=["partition", "offset", "value"])
        got = collections.Counter(zip(bronze["partition"].to_pylist(), bronze["offset"].to_pylist()))
        lost = [c for c in wanted if c not in got]
        duplicated = sum(n - 1 for n in got.values() if n > 1)
        extra = [c for c in got if c not in wanted]
        values = dict(zip(zip(bronze["partition"].to_pylist(), bronze["offset"].to_pylist()),
                          bronze["value"].to_pylist()))
        changed = sum(1 for c, v in wanted.items() if c in values and
                      (values[c].encode() if isinstance(values[c], str) else values[c]) != v)
        silver = deltalake.DeltaTable(str(lake / "silver/pedidos")).to_pyarrow_table()
        silver_counter = collections.Counter(order_reference.silver_rows(silver)[0])
        distinct = collections.Counter(row for row in order_reference.distinct_rows(csv_path) if row[6] not in erased)
        silver_missing = sum((distinct - silver_counter).values())
        silver_extra = sum((silver_counter - distinct).values())
        ids = silver["_record_id"].to_pylist()
        silver_dup = len(ids) - len(set(ids))
        expected_daily = order_reference.daily_sales(list(silver_counter.elements()))
        daily = {(r["order_date"], r["country"]): (r["transactions"], r["lines"], r["units"], r["customers"],
                                                   r["gross_revenue"], r["cancelled_revenue"], r["net_revenue"])
                 for r in deltalake.DeltaTable(str(lake / "gold/daily_sales")).to_pyarrow_table().to_pylist()}
        gold_wrong = sum(1 for k, e in expected_daily.items()
                         if daily.get(k) != (e["transactions"], e["lines"], e["units"], e["customers"], e["gross"],
                                             e["cancelled"], e["net"])) + len(set(daily) - set(expected_daily))
        unreadable = []
        versions_read = 0
        for name in TABLES:
            path = lake / name
            try:
                table = deltalake.DeltaTable(str(path))
                latest = table.version()
            except Exception as error:
                unreadable.append(f"{name}: {error}")
                continue
            # Every version's snapshot loaded by delta-rs, and every data file any of them names read
            # by pyarrow (footer and row count), once each.
            footers_read = set()
            for version in range(latest + 1):
                try:
                    table.load_as_version(version)
                    for uri in table.file_uris():
                        if uri not in footers_read:
                            pq.ParquetFile(uri.removeprefix("file://")).metadata.num_rows
                            footers_read.add(uri)
                    versions_read += 1
                except Exception as error:
                    unreadable.append(f"{name}@{version}: {error}")
        return dict(messages=len(topic), erased_messages=erased_messages, lost=len(lost), duplicated=duplicated + silver_dup, extra=len(extra),
                    changed_bytes=changed, silver_missing=silver_missing, silver_extra=silver_extra,
                    gold_groups_wrong=gold_wrong, unreadable=unreadable, versions_read=versions_read)

    def run(self):
        args = self.args
        self.kafka = start_real_kafka(self.work / "kafka", brokers=args.brokers)
        self.mounted = None
        try:
            subprocess.run([JSM, "--log-level", "warn", "topics", "ensure", "--bootstrap", self.kafka.bootstrap,
                            "--topic", TOPIC, "--partitions", "6", "--replication-factor", str(min(3, args.brokers))],
                           check=True, timeout=120, stdout=subprocess.DEVNULL)
            csv_path = self.work / "orders.csv"
            write_synthetic_csv(csv_path, args.orders, seed=args.seed)
            # A feed that lasts about as long as the faults do.
            budget_s = max(20, 3 * args.kills + 30 * args.broker_restarts + 6 * args.pauses)
            feed = self.feed = self.jsm("--log-level", "warn", "produce", "--bootstrap", self.kafka.bootstrap, "--topic", TOPIC,
                            "--input", csv_path, "--rate", max(500, int(args.orders / budget_s)),
                            stdout=subprocess.DEVNULL, stderr=open(self.logs / "feed.log", "w"))
            started = time.monotonic()
            online = args.maintenance_kills - args.maintenance_kills // 2
            offline = args.maintenance_kills // 2
            one = max(1, args.kills * 6 // 10)
            proc = self.kills_of_one_process(one)
            self.pauses(args.pauses, proc)
            # Broker restarts: the first half with the run a static member, the rest a dynamic one.
            static_restarts = args.broker_restarts - args.broker_restarts // 2
            self.membership = "static membership"
            self.broker_restarts(static_restarts, proc)
            self.stop(proc, "jsm run")
            if args.broker_restarts > static_restarts:
                self.membership = "dynamic membership"
                proc = self.start(name="dynamic", config=self.dynamic_config)
                self.broker_restarts(args.broker_restarts - static_restarts, proc)
                self.stop(proc, "jsm run (dynamic member)")
            procs = self.kills_per_stage(max(0, args.kills - one - args.maintenance_kills))
            self.kills_during_maintenance(online)
            for stage, p in procs.items():
                self.stop(p, f"jsm run --stage {stage}")
            for attempt in range(5):
                if feed.wait(timeout=900) == 0:
                    break
                # A broker restart may fail the producer: the file is produced again. Bronze is still
                # checked against the topic offset by offset, and silver (which drops exact repeats)
                # against the file's distinct orders.
                self.faults["feed produced again after a broker fault"] += 1
                feed = self.feed = self.jsm("--log-level", "warn", "produce", "--bootstrap", self.kafka.bootstrap, "--topic",
                                TOPIC, "--input", csv_path, stdout=subprocess.DEVNULL,
                                stderr=open(self.logs / f"feed-{attempt + 1}.log", "w"))
            else:
                self.problems.append("the feed could not produce the file after 5 attempts")
            full_disk_lake = self.full_disk() if args.full_disk else None
            if offline:
                # The stages stopped and caught up, as backfill, restore and erase expect.
                self.run_to_end_or_flag("run", "--available-now", "--max-wait", "120")
                self.kills_of_offline_maintenance(offline)
            final_started = time.monotonic()
            final = self.run_to_end("run", "--available-now", "--max-wait", "120", timeout=900)
            if final.returncode != 0:
                self.problems.append(f"the final --available-now exited {final.returncode}: {final.stderr[-2000:]}")
            final_s = time.monotonic() - final_started
            result = self.check(csv_path, self.lake, self.erased)
            if full_disk_lake is not None:
                after_full_disk = self.check(csv_path, full_disk_lake)
                for key in ("lost", "duplicated", "extra", "changed_bytes", "silver_missing", "silver_extra",
                            "gold_groups_wrong", "versions_read"):
                    result[key] += after_full_disk[key]
                result["unreadable"] += [f"(full disk) {line}" for line in after_full_disk["unreadable"]]
        finally:
            self.kafka.stop()
            if self.mounted is not None:
                subprocess.run(["umount", str(self.mounted)])
        elapsed = time.monotonic() - started
        print("chaos: faults injected")
        for fault, n in sorted(self.faults.items()):
            print(f"  {fault:44s} {n:6d}")
        print(f"  {'total':44s} {sum(v for k, v in self.faults.items() if not k.startswith('feed')):6d}")
        print(f"chaos: {result['messages']} messages in the topic, {result['versions_read']} table versions read by "
              f"delta-rs, {elapsed:.0f} s of faults, final --available-now {final_s:.1f} s"
              + (f", {len(self.erased)} customer(s) erased ({result['erased_messages']} of the messages not expected "
                 "in bronze)" if self.erased else ""))
        print(f"  rows lost                        {result['lost']:6d}")
        print(f"  rows duplicated                  {result['duplicated']:6d}")
        print(f"  bronze rows not in the topic     {result['extra']:6d}")
        print(f"  bronze values not byte-equal     {result['changed_bytes']:6d}")
        print(f"  silver rows missing / extra      {result['silver_missing']:6d} / {result['silver_extra']}")
        print(f"  gold daily groups wrong          {result['gold_groups_wrong']:6d}")
        print(f"  tables unreadable                {len(result['unreadable']):6d}")
        print(f"  runs that hung or were stuck     {len(self.problems):6d}")
        # Recovery: from the fault to new rows in bronze (or to all of them, once the feed has ended).
        for fault, times in sorted(self.recoveries.items()):
            print(f"  recovery after {fault}: p50 {statistics.median(times):.2f} s, max {max(times):.2f} s "
                  f"({len(times)} measured)")
        for line in result["unreadable"][:10] + self.problems[:10]:
            print("  - " + line)
        failed = (result["lost"] or result["duplicated"] or result["extra"] or result["changed_bytes"] or
                  result["silver_missing"] or result["silver_extra"] or result["gold_groups_wrong"] or
                  result["unreadable"] or self.problems)
        print("chaos: FAILED" if failed else "chaos: 0 lost, 0 duplicated, 0 unreadable, nothing stuck")
        return 1 if failed else 0


def customer_of(value):
    """The CustomerNo of one topic message as silver writes it (a string), or None."""
    try:
        customer = json.loads(value).get("CustomerNo")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None
    if isinstance(customer, float) and customer.is_integer():
        customer = int(customer)
    return None if customer is None else str(customer).strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=100, help="kill -9 faults in all (default 100)")
    parser.add_argument("--maintenance-kills", type=int, default=None,
                        help="of which during maintenance commands (default 10%%; half beside the running stages, "
                             "half once they stopped: backfill, full refresh, restore, erase in turn)")
    parser.add_argument("--broker-restarts", type=int, default=2,
                        help="broker stops/kills and restarts (default 2): the first half with the run a static "
                             "member of its group, the rest a dynamic one")
    parser.add_argument("--pauses", type=int, default=3, help="SIGSTOP/SIGCONT of jsm run (default 3)")
    parser.add_argument("--brokers", type=int, default=1, choices=(1, 3), help="Kafka nodes (default 1)")
    parser.add_argument("--orders", type=int, default=60000, help="order lines fed (default 60000)")
    parser.add_argument("--no-full-disk", dest="full_disk", action="store_false",
                        help="skip the full-disk experiment (a 256 KiB tmpfs; it needs root and is skipped without)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (lakehouse, logs)")
    args = parser.parse_args()
    if args.maintenance_kills is None:
        args.maintenance_kills = args.kills // 10
    work = pathlib.Path(tempfile.mkdtemp(prefix="jsm-chaos-"))
    print(f"chaos: work folder {work} (logs in {work / 'logs'})")
    code = Chaos(args, work).run()
    if not args.keep and code == 0:
        subprocess.run(["rm", "-rf", str(work)])
    sys.exit(code)


if __name__ == "__main__":
    main()
