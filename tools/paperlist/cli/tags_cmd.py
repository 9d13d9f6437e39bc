"""``paperlist tags --suggest``: topics learnt from the list's own tagged papers."""

from __future__ import annotations

import json
import sys

import click

from paperlist.cli.common import Ctx, ExitError, handle_errors, pass_ctx
from paperlist.sources.topics.run import TagsResult, TagsSettings, run_tags


def render_summary(result: TagsResult, *, limit: int = 20) -> str:
    m = result.model
    held = m.get("held_out") or {}
    bars = sum(t is not None for t in m.get("thresholds", []))
    lines = []
    if result.trained_seconds is not None:
        lines.append(f"trained on {m.get('trained_on')} tagged papers in {result.trained_seconds:.1f} s "
                     f"-> topic-model.json ({result.model_bytes:,} bytes)"
                     + (" (dry run: not written)" if result.dry_run else ""))
    lines.append(f"model: {len(m.get('tags', []))} topics learnt, {bars} with a confidence bar "
                 f"(held-out precision >= {100 * (m.get('params') or {}).get('target', 0.9):.0f} %)")
    if held:
        lines.append(f"held-out ({held.get('papers', '?')} tagged papers it never saw): precision "
                     f"{100 * held.get('precision', 0):.1f} % ({held.get('correct')}/{held.get('suggestions')} "
                     f"suggestions right), coverage {100 * held.get('coverage', 0):.1f} % "
                     f"({held.get('suggested_papers')} papers got a topic); top-1 accuracy "
                     f"{100 * held.get('top1_accuracy', 0):.1f} %")
    verb = "would be " if result.dry_run or not result.written else ""
    lines.append(f"{result.untagged} of {result.papers} papers are untagged (only 'other'): "
                 f"{len(result.tagged)} {verb}tagged above the bar"
                 + (f", {len(result.written)} written" if result.written else ""))
    counts = result.counts().most_common()
    if counts:
        lines.append("  by topic: " + ", ".join(f"{t} {n}" for t, n in counts))
    for s in result.tagged[:limit]:
        scores = ", ".join(f"{x.score:.2f}/bar {x.threshold:.2f}" for x in s.applied if x.threshold is not None)
        lines.append(f"  {s.rel}: {', '.join(x.tag for x in s.applied)}  (score {scores})")
    if len(result.tagged) > limit:
        lines.append(f"  ... and {len(result.tagged) - limit} more (--format json lists all)")
    for f in result.refused:
        lines.append(f"  {f.file}: {f.message}")
    return "\n".join(lines) + "\n"


@click.command("tags")
@click.option("--suggest", is_flag=True, required=True,
              help="Suggest topics for untagged papers (tags only 'other') from topic-model.json.")
@click.option("--train", "do_train", is_flag=True,
              help="Retrain topic-model.json from the tagged papers first (maintainers; needs "
                   "pip install 'paperlist[topics]').")
@click.option("--apply", "do_apply", is_flag=True,
              help="Write the topics above their confidence bar into untagged papers, marked in "
                   "suggested_tags; papers with hand-set tags are never touched.")
@click.option("--dry-run", is_flag=True, help="Report; write nothing (neither the model nor papers).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_ctx
@handle_errors
def tags_command(ctx: Ctx, suggest: bool, do_train: bool, do_apply: bool, dry_run: bool,  # noqa: PLR0917
                 fmt: str) -> None:
    """Suggest topics for untagged papers, learnt from the papers this list has already tagged.

    A linear model over the titles (English words and word pieces, Chinese characters) gives each
    topic a score; a topic is applied only above its bar, set where held-out precision reached
    90 %. Applied topics are marked in suggested_tags until a person confirms them (deletes the
    line). Deterministic: the same papers give the same model and the same topics.

    Exit 0 when done, 2 without a model (train one) or without scikit-learn for --train.

    \b
    Examples:
      paperlist tags --suggest                  what would be tagged, and the model's figures
      paperlist tags --suggest --apply          write them (marked as suggested)
      paperlist tags --suggest --train          retrain topic-model.json (maintainers)
    """
    if not suggest:
        raise ExitError("paperlist tags: pass --suggest")
    result = run_tags(TagsSettings(ctx.root, train=do_train, apply=do_apply, dry_run=dry_run))
    if fmt == "json":
        sys.stdout.write(json.dumps(result.to_report().to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_summary(result))


COMMANDS = [tags_command]
