#!/usr/bin/env bash
# Checks the monitoring examples of docs/monitoring against promtool and rehook's own metrics:
#  - the alerting rules are valid and their unit tests pass (promtool check rules, test rules);
#  - the Grafana dashboard is valid JSON with one query or more per panel;
#  - every rehook_* metric the rules and the dashboard use is one rehook exports (the names in
#    src/metrics), so a renamed metric cannot silently leave an alert that never fires.
# Usage: tests/monitoring/check.sh [repository root]
set -euo pipefail
root="$(cd "${1:-$(dirname "$0")/../..}" && pwd)"
docs="$root/docs/monitoring"

promtool="$(command -v promtool || true)"
[ -n "$promtool" ] || promtool=/opt/rehook/prometheus/usr/bin/promtool
if [ ! -x "$promtool" ]; then
  echo "promtool not found: run scripts/install-deps.sh test" >&2
  exit 1
fi

"$promtool" check rules "$docs/rehook-alerts.yml"
(cd "$docs" && "$promtool" test rules rehook-alerts.test.yml)

python3 - "$docs" "$root/src/metrics" <<'PY'
import json, pathlib, re, sys
docs, metrics_dir = map(pathlib.Path, sys.argv[1:3])
exported = set()
for source in metrics_dir.glob("*.cpp"):
    exported |= set(re.findall(r'"(rehook_[a-z_]+)', source.read_text()))
dashboard = json.loads((docs / "rehook-grafana.json").read_text())
problems = []
for panel in dashboard["panels"]:
    if not panel.get("targets") or not all(t.get("expr") for t in panel["targets"]):
        problems.append(f"panel {panel.get('title')!r} has no query")
used = re.findall(r"\b(rehook_[a-z_]+)", (docs / "rehook-alerts.yml").read_text())
used += re.findall(r"\b(rehook_[a-z_]+)", json.dumps(dashboard))
for name in sorted(set(used)):
    base = re.sub(r"_(bucket|sum|count)$", "", name)
    if base not in exported and name not in exported:
        problems.append(f"{name} is not a metric rehook exports")
if not exported:
    problems.append(f"no metric names found in {metrics_dir}")
for problem in problems:
    print(problem, file=sys.stderr)
print(f"monitoring: {len(dashboard['panels'])} panels, {len(set(used))} metric names checked")
sys.exit(1 if problems else 0)
PY
