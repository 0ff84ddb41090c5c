"""Shared settings and helpers of the JSM Pipeline DAGs.

Every setting comes from an Airflow Variable with a default (no secret lives here):

| Variable                     | default                 | meaning                                            |
| ---------------------------- | ----------------------- | -------------------------------------------------- |
| jsm_bin                      | jsm                     | the jsm executable                                 |
| jsm_lakehouse                | ./lakehouse             | lakehouse root (directory, az://..., abfss://...)  |
| jsm_bootstrap                | 127.0.0.1:9092          | Kafka bootstrap servers                            |
| jsm_config                   | (none)                  | TOML settings file passed as --config              |
| jsm_topic                    | pedidos                 | order topic                                        |
| jsm_consumer_group           | jsm-pipeline-ingest     | the ingest stage's consumer group (lag sensor)     |
| jsm_min_pass_rate            | 0.99                    | quality gate threshold                             |
| jsm_vacuum_retain_hours      | (table's own retention) | jsm table vacuum --retain-hours                    |
| jsm_vacuum_force             | false                   | pass --force to vacuum (needed below 7 days)       |
| jsm_dlq_replayable_reasons   | (none)                  | comma-separated dlq.reason values to replay daily  |
| jsm_stderr_dir               | /tmp/jsm-airflow        | where each try's jsm stderr is kept for callbacks   |

Each is also settable as an environment variable AIRFLOW_VAR_<NAME upper-cased>, Airflow's own rule.
Secrets (SASL passwords, Azure keys) belong in the jsm config file or the environment, never here.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException

log = logging.getLogger("jsm.airflow")

#: jsm exit codes that no retry can fix (README, Exit codes): 2 usage (bad flag or settings file),
#: 4 refused (e.g. a --from-bronze-version bronze cannot be rebuilt from, Kafka authentication refused,
#: a `fail` expectation). A task ending with one of them fails at once, without its retries.
NOT_RETRIED_EXIT_CODES = (2, 4)
#: The quality gate also fails at once on 3 (pass rate below the threshold): the verdict is
#: deterministic for a given lakehouse, so a retry would only repeat it.
QUALITY_GATE_NOT_RETRIED_EXIT_CODES = (2, 3, 4)

#: Retry delay base in seconds; doubled on every try (exponential backoff). Env only, read at parse time.
RETRY_DELAY_SECONDS = float(os.environ.get("JSM_AIRFLOW_RETRY_DELAY_SECONDS", "30"))


def var(name: str, default: str) -> str:
    """Jinja expression reading Airflow Variable `name` at run time, `default` when unset."""
    return "{{ var.value.get('%s', '%s') }}" % (name, default)


def stderr_path_template() -> str:
    """Jinja expression of the file holding one try's jsm stderr (read by the failure callback)."""
    return (var("jsm_stderr_dir", "/tmp/jsm-airflow")
            + "/{{ dag.dag_id }}/{{ run_id | replace(':', '_') | replace('+', '_') }}/{{ ti.task_id }}.{{ ti.try_number }}.stderr")


def jsm_bash(args: str, *, skip_missing_table: str | None = None, pre: tuple[str, ...] = (),
             for_each: tuple[str, str] | None = None) -> str:
    """A bash command running `jsm <args>` whose stderr is kept per try and echoed to the task log.

    `args` may use the shell variables JSM, LAKE, BOOT, TOPIC and CFG (the --config option or empty).
    `for_each=(NAME, WORDS)` runs jsm once per word (stopping at the first failure).
    `pre` are extra bash lines run before jsm (after the settings are set).
    With `skip_missing_table`, a local lakehouse without that table makes the task skipped (exit 99).
    """
    lines = [
        "set -u",
        'JSM="%s"' % var("jsm_bin", "jsm"),
        'LAKE="%s"' % var("jsm_lakehouse", "./lakehouse"),
        'BOOT="%s"' % var("jsm_bootstrap", "127.0.0.1:9092"),
        'TOPIC="%s"' % var("jsm_topic", "pedidos"),
        'CFGFILE="%s"' % var("jsm_config", ""),
        'CFG=""; if [ -n "$CFGFILE" ]; then CFG="--config $CFGFILE"; fi',
        'ERR="%s"' % stderr_path_template(),
        'mkdir -p "$(dirname "$ERR")"',
    ]
    if skip_missing_table:
        lines.append('case "$LAKE" in *://*) ;; *) if [ ! -d "$LAKE/%s/_delta_log" ]; then '
                     'echo "table %s does not exist yet: skipped"; exit 99; fi;; esac'
                     % (skip_missing_table, skip_missing_table))
    lines += list(pre)
    call = [
        'echo "+ jsm %s"' % args.replace('"', '\\"'),
        '"$JSM" %s 2>"$ERR"' % args,
        "rc=$?",
        'cat "$ERR" >&2',
    ]
    if for_each:
        name, words = for_each
        lines.append("for %s in %s; do" % (name, words))
        lines += ["  " + line for line in call]
        lines += ['  if [ $rc -ne 0 ]; then exit $rc; fi', "done", "exit 0"]
    else:
        lines += call + ["exit $rc"]
    return "\n".join(lines) + "\n"


class JsmBashOperator(BashOperator):
    """A BashOperator running a `jsm_bash` command that fails without retry on the exit codes no retry fixes.

    An exit code in `no_retry_exit_codes` (default NOT_RETRIED_EXIT_CODES) raises AirflowFailException: the
    task fails at once, whatever its `retries`, and `on_failure_callback` logs it as final. Any other non-zero
    exit raises AirflowException as BashOperator does (retried with backoff); 99 skips the task.
    """

    def __init__(self, *, no_retry_exit_codes=NOT_RETRIED_EXIT_CODES, **kwargs):
        super().__init__(**kwargs)
        self.no_retry_exit_codes = tuple(no_retry_exit_codes)

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowException as failure:
            process = getattr(self.subprocess_hook, "sub_process", None)
            code = getattr(process, "returncode", None)
            if code in self.no_retry_exit_codes and not isinstance(failure, AirflowFailException):
                raise AirflowFailException(
                    f"jsm refused with exit code {code} (not retried: the same command fails the same way "
                    f"until the arguments, settings or lakehouse change)") from failure
            raise


def last_jsm_error(stderr_file: str) -> str:
    """The last error-level message of a jsm stderr file (JSON log lines), or its last line."""
    try:
        with open(stderr_file, encoding="utf-8", errors="replace") as f:
            lines = [line.strip() for line in f if line.strip()]
    except OSError as e:
        return f"(no jsm stderr: {e})"
    for line in reversed(lines):
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and str(rec.get("level", "")).lower() in ("error", "critical", "fatal"):
            return line
    return lines[-1] if lines else "(jsm printed nothing on stderr)"


def on_failure(context) -> None:
    """Failure callback: logs the failing stage (task), its try and the jsm error it printed."""
    _log_failure(context, "final")


def on_retry(context) -> None:
    """Retry callback: the same line as on_failure, for a try that will be retried."""
    _log_failure(context, "will retry")


def _log_failure(context, outcome: str) -> None:
    ti = context.get("ti") or context.get("task_instance")
    task_id = getattr(ti, "task_id", "?")
    try_number = getattr(ti, "try_number", "?")
    dag_id = getattr(ti, "dag_id", "?")
    run_id = str(context.get("run_id", "?"))
    base = os.environ.get("AIRFLOW_VAR_JSM_STDERR_DIR") or _variable("jsm_stderr_dir", "/tmp/jsm-airflow")
    path = os.path.join(base, dag_id, run_id.replace(":", "_").replace("+", "_"), f"{task_id}.{try_number}.stderr")
    message = (f"JSM stage failed ({outcome}): dag={dag_id} stage={task_id} try={try_number} run={run_id} "
               f"exception={context.get('exception')!r} jsm_error={last_jsm_error(path)}")
    log.error(message)
    sink = os.environ.get("JSM_AIRFLOW_FAILURE_LOG")  # optional: one line per failure, for alerting/tests
    if sink:
        with open(sink, "a", encoding="utf-8") as f:
            f.write(message + "\n")


def _variable(name: str, default: str) -> str:
    try:
        from airflow.sdk import Variable
        return Variable.get(name, default=default)
    except Exception:  # noqa: BLE001 — outside a task (tests, parsing) fall back to the default
        return default


def default_args(execution_timeout: timedelta) -> dict:
    """Retries with exponential backoff, a timeout and the failure callback, for every task."""
    return {
        "owner": "jsm",
        "retries": 3,
        "retry_delay": timedelta(seconds=RETRY_DELAY_SECONDS),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
        "execution_timeout": execution_timeout,
        "on_failure_callback": on_failure,
        "on_retry_callback": on_retry,
    }
