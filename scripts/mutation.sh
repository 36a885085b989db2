#!/usr/bin/env bash
# `npm run test:mutation`: StrykerJS over the code whose mistakes cost most, one config after the
# other (each prints its score): the Shiheng Trigger's diff and state (stryker.config.mjs, issue 20),
# then the batch pipeline and the lookup (stryker.pipeline.config.mjs, issue 21). Given a config,
# runs only that one. Kept out of .ci/run: tens of minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
configs=("$@")
[ ${#configs[@]} -eq 0 ] && configs=(stryker.config.mjs stryker.pipeline.config.mjs)
for config in "${configs[@]}"; do
	echo "mutation: $config" >&2
	stryker run "$config"
done
